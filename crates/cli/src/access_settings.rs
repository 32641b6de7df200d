//! How long access lasts — a browser session, an API token, a break-glass
//! override, a crisis look-up's relationship — as `serve` and `demo` both
//! take them, so the demo can be tried with the settings a partnership
//! would run.

use chrono::Duration;
use clap::Args;
use concordat_server::ServerConfig;

#[derive(Debug, Args)]
pub struct AccessSettings {
    /// Minutes of inactivity after which a browser session ends.
    #[arg(long, env = "CONCORDAT_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,
    /// Hours after which a browser session ends however active it is.
    #[arg(long, env = "CONCORDAT_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,
    /// Minutes an API token lives.
    #[arg(long, env = "CONCORDAT_TOKEN_MINUTES", default_value_t = 60)]
    pub token_minutes: i64,
    /// Minutes a break-glass override lasts.
    #[arg(long, env = "CONCORDAT_BREAK_GLASS_MINUTES", default_value_t = 30)]
    pub break_glass_minutes: i64,
    /// Minutes a crisis look-up lets its user read the crisis summary and
    /// record contacts for the person found.
    #[arg(long, env = "CONCORDAT_CRISIS_LOOKUP_MINUTES", default_value_t = 240)]
    pub crisis_lookup_minutes: i64,
}

impl AccessSettings {
    /// Refuses a setting that is not positive, before anything is opened
    /// or created.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.session_idle_minutes > 0
                && self.session_max_hours > 0
                && self.token_minutes > 0
                && self.break_glass_minutes > 0
                && self.crisis_lookup_minutes > 0,
            "`--session-idle-minutes`, `--session-max-hours`, `--token-minutes`, \
             `--break-glass-minutes` and `--crisis-lookup-minutes` must be positive"
        );
        Ok(())
    }

    pub fn apply(&self, config: &mut ServerConfig) {
        config.session_idle = Duration::minutes(self.session_idle_minutes);
        config.session_absolute = Duration::hours(self.session_max_hours);
        config.token_ttl = Duration::minutes(self.token_minutes);
        config.break_glass_for = Duration::minutes(self.break_glass_minutes);
        config.crisis_lookup_for = Duration::minutes(self.crisis_lookup_minutes);
    }
}

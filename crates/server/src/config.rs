//! The server's settings, typed and checked once at start-up. The command line
//! (flags and `CONCORDAT_*` variables) fills this in; tests build it directly.

use std::net::SocketAddr;

use chrono::Duration;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    /// Where `/metrics` is served, apart from the record; `None` serves it
    /// nowhere.
    pub metrics_addr: Option<SocketAddr>,
    /// Mark cookies `Secure`: set when users reach the server over TLS
    /// (directly or through a proxy that terminates it).
    pub secure_cookies: bool,
    /// A browser session ends after this long without a request…
    pub session_idle: Duration,
    /// …and after this long in any case.
    pub session_absolute: Duration,
    /// How long an API token lives.
    pub token_ttl: Duration,
    pub throttle: ThrottlePolicy,
    /// The ed25519 key that signs audit checkpoints; created if absent.
    pub audit_key: std::path::PathBuf,
    /// How long a break-glass override lasts.
    pub break_glass_for: Duration,
    /// How long a crisis look-up lets its user read the person's crisis
    /// summary and record contacts: long enough to see an encounter through.
    pub crisis_lookup_for: Duration,
    /// How often this node's scheduler looks for due jobs; `None` runs no
    /// scheduler on this node (tests drive it by hand).
    pub scheduler_poll: Option<std::time::Duration>,
    /// Days that are not working days besides weekends, for deadlines
    /// counted in working days.
    pub bank_holidays: std::collections::BTreeSet<chrono::NaiveDate>,
    /// How email and text messages leave this deployment.
    pub delivery: crate::delivery::settings::DeliveryConfig,
    /// How a Bulk Data export runs and how long its files are kept.
    pub export: ExportSettings,
    /// How many emergency contacts in a month, or a year, are frequent
    /// contact.
    pub frequent_contact: concordat_domain::frequent_contact::Threshold,
    /// When a contact event sent without an NHS number is linked to a
    /// person without review, and when a reviewer is asked.
    pub link: concordat_link::Thresholds,
}

/// How a Bulk Data export works through its people, and how long its
/// files are kept once it ends.
#[derive(Debug, Clone)]
pub struct ExportSettings {
    /// People decided and written per batch (one transaction each).
    pub batch: usize,
    /// People decided at once within a batch.
    pub concurrency: usize,
    /// How long one scheduler job works before handing on to the next
    /// step (well inside the job's lease).
    pub step: std::time::Duration,
    /// How long the files of an ended export are kept.
    pub kept_for: Duration,
}

impl Default for ExportSettings {
    fn default() -> Self {
        Self {
            batch: 500,
            concurrency: 32,
            step: std::time::Duration::from_secs(60),
            kept_for: Duration::hours(24),
        }
    }
}

/// How repeated failed sign-ins are slowed and then locked out.
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures forgotten after this long without another.
    pub window: Duration,
    /// Failures allowed before each further attempt is delayed.
    pub free_failures: i64,
    /// Delay after the first counted failure; doubles with each further one.
    pub base_delay: std::time::Duration,
    pub max_delay: std::time::Duration,
    /// Failures on one account name before it is locked.
    pub account_lock_after: i64,
    /// Failures from one client address before it is locked (higher: a ward
    /// or a police station may share one address).
    pub address_lock_after: i64,
    pub lock_for: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            free_failures: 3,
            base_delay: std::time::Duration::from_millis(250),
            max_delay: std::time::Duration::from_secs(4),
            account_lock_after: 10,
            address_lock_after: 50,
            lock_for: Duration::minutes(15),
        }
    }
}

impl ServerConfig {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            metrics_addr: None,
            secure_cookies: false,
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            token_ttl: Duration::hours(1),
            throttle: ThrottlePolicy::default(),
            audit_key: std::path::PathBuf::from("concordat-audit.key"),
            break_glass_for: Duration::minutes(30),
            crisis_lookup_for: Duration::hours(4),
            scheduler_poll: Some(std::time::Duration::from_secs(1)),
            bank_holidays: concordat_domain::calendar::ENGLAND_AND_WALES
                .iter()
                .copied()
                .collect(),
            delivery: crate::delivery::settings::DeliveryConfig::default(),
            export: ExportSettings::default(),
            frequent_contact: concordat_domain::frequent_contact::Threshold::default(),
            link: concordat_link::Thresholds::default(),
        }
    }
}

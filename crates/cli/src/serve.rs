//! `concordat serve`: the server for real use, on either store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use concordat_server::webhooks::Destinations;
use concordat_server::{Application, ServerConfig, SystemClock};
use concordat_store::backend::PoolSize;
use concordat_store::Store;

use crate::access_settings::AccessSettings;
use crate::database::DatabaseArgs;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "CONCORDAT_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Serve Prometheus metrics at http://ADDR/metrics, apart from the
    /// record (no sign-in: keep the address to the monitoring network).
    #[arg(long, env = "CONCORDAT_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Mark cookies Secure: set when users reach this server over HTTPS
    /// (including through a TLS-terminating proxy).
    #[arg(long, env = "CONCORDAT_SECURE_COOKIES")]
    pub secure_cookies: bool,
    #[command(flatten)]
    pub access: AccessSettings,
    /// The ed25519 key that signs audit checkpoints (created if absent; keep
    /// it apart from database backups, and give its public half to auditors).
    #[arg(
        long,
        env = "CONCORDAT_AUDIT_KEY",
        default_value = "concordat-audit.key"
    )]
    pub audit_key: PathBuf,
    /// More emergency contacts than this in a rolling month is frequent
    /// contact (NHS England's high-intensity-use definition: 5).
    #[arg(long, env = "CONCORDAT_FREQUENT_CONTACT_MONTH", default_value_t = 5)]
    pub frequent_contact_month: u32,
    /// More emergency contacts than this in a rolling year is frequent
    /// contact (NHS England's definition: 20); at least the monthly one.
    #[arg(long, env = "CONCORDAT_FREQUENT_CONTACT_YEAR", default_value_t = 20)]
    pub frequent_contact_year: u32,
    /// A contact event sent without an NHS number that is at least this
    /// likely to be someone waits for a reviewer (see the README).
    #[arg(long, env = "CONCORDAT_LINK_REVIEW", default_value_t = 0.5)]
    pub link_review_threshold: f64,
    /// One that is at least this likely to be one person (and no one else)
    /// is recorded for them without review.
    #[arg(long, env = "CONCORDAT_LINK_AUTOMATIC", default_value_t = 0.999)]
    pub link_threshold: f64,
    /// Milliseconds between this node's looks for due jobs (deadlines,
    /// escalations, deliveries); 0 runs no scheduler on this node.
    #[arg(long, env = "CONCORDAT_SCHEDULER_POLL_MS", default_value_t = 1000)]
    pub scheduler_poll_ms: u64,
    /// Bank holidays besides weekends, for deadlines in working days, as
    /// YYYY-MM-DD separated by commas (default: England and Wales).
    #[arg(long, env = "CONCORDAT_BANK_HOLIDAYS", value_delimiter = ',')]
    pub bank_holidays: Option<Vec<chrono::NaiveDate>>,
    /// The SMTP server email leaves through: smtp://HOST:PORT (plain),
    /// smtps://HOST:PORT (TLS), user:password@ before the host if it asks.
    /// Without it no email is sent, and the delivery log says so.
    #[arg(long, env = "CONCORDAT_SMTP_URL", value_parser = parse_smtp_url)]
    pub smtp_url: Option<concordat_server::delivery::SmtpUrl>,
    /// The sender of Concordat's emails, e.g. "Northshire Concordat
    /// <noreply@northshire.example>".
    #[arg(long, env = "CONCORDAT_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Allow webhooks to plain http:// URLs, not only https://: for
    /// receivers on a network this deployment trusts.
    #[arg(long, env = "CONCORDAT_ALLOW_HTTP_WEBHOOKS")]
    pub allow_http_webhooks: bool,
    /// Private, loopback or other internal networks webhooks may reach,
    /// which they otherwise may not, as ADDRESS/PREFIX separated by commas:
    /// e.g. a partner's integration engine at 10.20.0.0/16.
    #[arg(
        long,
        env = "CONCORDAT_WEBHOOK_ALLOW_NETWORKS",
        value_delimiter = ',',
        value_parser = parse_network
    )]
    pub webhook_allow_networks: Vec<concordat_server::webhooks::destinations::Network>,
}

fn parse_network(
    raw: &str,
) -> Result<
    concordat_server::webhooks::destinations::Network,
    concordat_server::webhooks::destinations::NetworkError,
> {
    concordat_server::webhooks::destinations::Network::parse(raw)
}

fn parse_smtp_url(
    raw: &str,
) -> Result<concordat_server::delivery::SmtpUrl, concordat_server::delivery::email::SmtpUrlError> {
    concordat_server::delivery::SmtpUrl::parse(raw)
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    args.access.check()?;
    let url = args.database.url()?;
    let store = Store::open(&url, PoolSize(args.database.pool_size))
        .await
        .with_context(|| format!("cannot open the database at `{url}`"))?;
    let mut config = ServerConfig::new(args.addr);
    config.metrics_addr = args.metrics_addr;
    config.secure_cookies = args.secure_cookies;
    config.audit_key = args.audit_key;
    args.access.apply(&mut config);
    config.frequent_contact = concordat_domain::frequent_contact::Threshold::new(
        args.frequent_contact_month,
        args.frequent_contact_year,
    )
    .map_err(|e| {
        anyhow::anyhow!("`--frequent-contact-month` and `--frequent-contact-year`: {e}")
    })?;
    config.link = concordat_link::Thresholds::new(args.link_review_threshold, args.link_threshold)
        .map_err(|e| anyhow::anyhow!("`--link-review-threshold` and `--link-threshold`: {e}"))?;
    config.scheduler_poll = (args.scheduler_poll_ms > 0)
        .then(|| std::time::Duration::from_millis(args.scheduler_poll_ms));
    if let Some(days) = args.bank_holidays {
        config.bank_holidays = days.into_iter().collect();
    }
    config.delivery.smtp = args.smtp_url;
    config.delivery.webhooks = Destinations {
        allow_http: args.allow_http_webhooks,
        allowed_networks: args.webhook_allow_networks,
    };
    if let Some(from) = args.mail_from {
        config.delivery.mail_from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("`--mail-from` is not an email address: {e}"))?;
    }
    run(config, store).await
}

/// Serves until Ctrl-C or SIGTERM, then drains requests in flight.
pub async fn run(config: ServerConfig, store: Store) -> anyhow::Result<()> {
    let app = Application::build(config, store.clone(), Arc::new(SystemClock)).await?;
    let addr = app.local_addr()?;
    tracing::info!(%addr, store = store.backend().name(), "serving");
    if let Some(metrics) = app.metrics_addr() {
        tracing::info!(addr = %metrics?, "serving metrics at /metrics");
    }
    app.run_until(shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

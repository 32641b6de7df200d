//! `concordat serve`: the server for real use, on either store.

use std::sync::Arc;

use anyhow::Context as _;
use chrono::Duration;
use concordat_server::webhooks::Destinations;
use concordat_server::{Application, ServerConfig, SystemClock};
use concordat_store::backend::PoolSize;
use concordat_store::Store;

use crate::args::ServeArgs;

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.session_idle_minutes > 0
            && args.session_max_hours > 0
            && args.token_minutes > 0
            && args.break_glass_minutes > 0
            && args.crisis_lookup_minutes > 0,
        "`--session-idle-minutes`, `--session-max-hours`, `--token-minutes`, \
         `--break-glass-minutes` and `--crisis-lookup-minutes` must be positive"
    );
    let url = args.database.url()?;
    let store = Store::open(&url, PoolSize(args.database.pool_size))
        .await
        .with_context(|| format!("cannot open the database at `{url}`"))?;
    let mut config = ServerConfig::new(args.addr);
    config.secure_cookies = args.secure_cookies;
    config.session_idle = Duration::minutes(args.session_idle_minutes);
    config.session_absolute = Duration::hours(args.session_max_hours);
    config.token_ttl = Duration::minutes(args.token_minutes);
    config.audit_key = args.audit_key;
    config.break_glass_for = Duration::minutes(args.break_glass_minutes);
    config.crisis_lookup_for = Duration::minutes(args.crisis_lookup_minutes);
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

//! Wiring: the routes, the layers every request passes through, and serving
//! until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use concordat_store::audit::{AuditLog, CheckpointSigner};
use concordat_store::Store;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::password::PasswordHasher;
use crate::authorisation::VersionedCache;
use crate::state::SharedReads;
use crate::{api, health, pages, AppState, Clock, ServerConfig};

/// Bodies larger than this are refused before any handler reads them.
const BODY_LIMIT: usize = 1024 * 1024;

/// (user, person) pairs whose access facts are kept, and people whose
/// record parts (and crisis parts) are; a few kilobytes each.
const CACHED_SOURCES: usize = 16_384;
const CACHED_RECORDS: usize = 16_384;

/// A bound, ready-to-serve application.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    /// Where `/metrics` is served, if anywhere.
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
}

impl Application {
    /// Binds the configured address (port 0 picks a free one).
    pub async fn build(
        config: ServerConfig,
        store: Store,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on `{}`", config.addr))?;
        let metrics_listener = match config.metrics_addr {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen for metrics on `{addr}`"))?,
            ),
            None => None,
        };
        let engine = concordat_access::AccessEngine::new()
            .context("the access policies are not valid; refusing to start")?;
        let signer = CheckpointSigner::load_or_create(&config.audit_key).with_context(|| {
            format!(
                "cannot load or create the audit signing key `{}`",
                config.audit_key.display()
            )
        })?;
        let metrics = Arc::new(crate::metrics::Metrics::new());
        let observer: Arc<dyn concordat_store::audit::BatchObserver> = metrics.clone();
        let audit = AuditLog::start_observed(store.clone(), signer, observer);
        let webhook_http = config
            .delivery
            .webhooks
            .client()
            .context("cannot build the HTTP client for webhooks")?;
        let state = AppState {
            reads: SharedReads::start(&store),
            store,
            config: Arc::new(config),
            clock,
            passwords: PasswordHasher::new()?,
            engine: Arc::new(engine),
            audit,
            sources: Arc::new(VersionedCache::new(CACHED_SOURCES)),
            record_parts: Arc::new(VersionedCache::new(CACHED_RECORDS)),
            crisis_parts: Arc::new(VersionedCache::new(CACHED_RECORDS)),
            published_outcomes: Arc::new(VersionedCache::new(crate::outcomes::KEPT_MONTHS)),
            webhook_http,
            metrics,
        };
        Ok(Self {
            listener,
            metrics_listener,
            router: router(state.clone()),
            state,
        })
    }

    /// The state every handler sees (for running the scheduler by hand).
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Where `/metrics` is served, if anywhere.
    pub fn metrics_addr(&self) -> Option<std::io::Result<SocketAddr>> {
        self.metrics_listener.as_ref().map(TcpListener::local_addr)
    }

    /// Serves until `shutdown` completes, then finishes requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let scheduler = self.state.config.scheduler_poll.map(|poll| {
            tokio::spawn(crate::scheduler::run(
                self.state.clone(),
                poll,
                stopped.clone(),
            ))
        });
        let metrics = self.metrics_listener.map(|listener| {
            let mut stopped = stopped.clone();
            let router = health::metrics_router(self.state.clone());
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|stop| *stop).await;
                    })
                    .await
            })
        });
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop.send(true);
        })
        .await;
        if let Some(scheduler) = scheduler {
            let _ = scheduler.await;
        }
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        served
    }
}

pub fn router(state: AppState) -> Router {
    // Log method and path only: query strings can carry identifiers (an NHS
    // number in a look-up) and must not reach the logs. Each request is
    // named by an id of this server's making, also sent back as
    // `x-request-id`, so a report of a failure finds its log lines.
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
        let id = req
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
    });
    let metrics = state.metrics.clone();
    // Over HTTPS, browsers are told to use nothing else for a year (issue
    // 11): a sign-in page reached once over plain HTTP could be rewritten.
    let hsts = state.config.secure_cookies.then(|| {
        security_header(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        )
    });
    Router::new()
        .route("/health", get(health::ready))
        .route("/health/live", get(health::live))
        .nest("/api/v1", api::router())
        .nest("/fhir", crate::fhir::router())
        .merge(pages::router())
        .fallback(|| async { pages::error::PageError::NotFound })
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::metrics::track,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        // INVARIANT: every dynamic answer may carry personal data (a record,
        // a crisis plan, a look-up, even an error naming a person), so none
        // is kept by a browser, a proxy or a shared computer's cache (issue
        // 11). Only what sets its own policy first, the stylesheet, is
        // cacheable.
        .layer(security_header(header::CACHE_CONTROL, "no-store"))
        .layer(tower::util::option_layer(hsts))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        // A caller's own id is not taken: it could carry anything into the
        // logs.
        .layer(axum::middleware::map_request(
            |mut req: Request<axum::body::Body>| async move {
                req.headers_mut().remove(REQUEST_ID);
                req
            },
        ))
}

/// The header that carries a request's id.
const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

fn security_header(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

//! Health checks for load balancers and operators. `/health/live` proves the
//! process answers and does no I/O; `/health` also proves the database does.
//! And the metrics address's one route, `/metrics` (see `crate::metrics`).

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::AppState;

pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = state.store.backend().name();
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok", "store": backend })),
        ),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    json!({ "status": "unavailable", "database": "unreachable", "store": backend }),
                ),
            )
        }
    }
}

/// The router of the metrics address: `GET /metrics` and nothing else.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// `GET /metrics`: the exposition, with the job queue read now.
async fn metrics(State(state): State<AppState>) -> Response {
    let now = state.clock.now();
    let waiting = async {
        let mut conn = state.store.read().await?;
        concordat_store::jobs::waiting(&mut conn, now).await
    };
    let exposition = match waiting.await {
        Ok(waiting) => state.metrics.exposition(waiting, now),
        Err(error) => {
            tracing::warn!(%error, "metrics: the job queue could not be read");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    match exposition {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            )],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

//! The partnership's outcome figures over the API: `GET
//! /api/v1/outcomes` (JSON) and `GET /api/v1/outcomes.csv`, for a month
//! and the twelve before it, small numbers suppressed. A token for
//! commissioning (`HOPERAT`) only: [`crate::outcomes::may_see`].

use std::sync::{Arc, LazyLock, Mutex, Weak};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use concordat_bounded::BoundedMap;
use concordat_domain::outcomes::Month;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::extract::ApiQuery;
use crate::api::openapi::{Forbidden, Invalid};
use crate::auth::bearer::ApiCaller;
use crate::outcomes::{self, download, Dashboard};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(figures))
        .routes(routes!(figures_csv))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// The month, such as `2026-11`; this month when none is given.
    month: Option<String>,
}

async fn dashboard(
    state: &AppState,
    caller: ApiCaller,
    query: &MonthQuery,
) -> Result<Arc<Dashboard>, ApiError> {
    let month = query
        .month
        .as_deref()
        .map(Month::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("month", e))?;
    Ok(outcomes::dashboard(state, &caller.viewer(), month).await?)
}

/// The outcome figures for a month and the twelve before it: the
/// partnership's and each organisation's, counts of 1 to 7 as `*` and the
/// rest rounded to 5.
#[utoipa::path(
    get,
    path = "/outcomes",
    operation_id = "outcomeFigures",
    tag = "outcomes",
    params(MonthQuery),
    responses(
        (status = 200, description = "The figures", body = Dashboard),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn figures(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<MonthQuery>,
) -> Result<Response, ApiError> {
    let dashboard = dashboard(&state, caller, &query).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        rendered(&dashboard)?,
    )
        .into_response())
}

/// Each month's figures as JSON, kept while they are the ones published:
/// the service keeps one dashboard a month and makes a new one when a
/// month shown is computed again, and then the old one's `Weak` no longer
/// upgrades. Writing the JSON is most of a request's work.
static RENDERED: LazyLock<Mutex<BoundedMap<Month, Rendered>>> =
    LazyLock::new(|| Mutex::new(BoundedMap::new(outcomes::KEPT_MONTHS)));

/// A month's JSON, and the dashboard it was written from.
type Rendered = (Weak<Dashboard>, Bytes);

fn rendered(dashboard: &Arc<Dashboard>) -> Result<Bytes, ApiError> {
    let mut kept = RENDERED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((of, json)) = kept.get_mut(&dashboard.month) {
        if of.upgrade().is_some_and(|d| Arc::ptr_eq(&d, dashboard)) {
            return Ok(json.clone());
        }
    }
    let json = Bytes::from(
        serde_json::to_vec(dashboard.as_ref()).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    kept.insert(dashboard.month, (Arc::downgrade(dashboard), json.clone()));
    Ok(json)
}

/// The same figures as CSV, one line per figure.
#[utoipa::path(
    get,
    path = "/outcomes.csv",
    operation_id = "outcomeFiguresCsv",
    tag = "outcomes",
    params(MonthQuery),
    responses(
        (status = 200, description = "The figures as a CSV file", content_type = "text/csv", body = String),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn figures_csv(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<MonthQuery>,
) -> Result<Response, ApiError> {
    let dashboard = dashboard(&state, caller, &query).await?;
    let body = download::to_csv(&dashboard)?;
    let disposition = format!("attachment; filename=\"outcomes-{}.csv\"", dashboard.month);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

//! Contact events from registered source systems: `POST /api/v1/events`
//! (one JSON event) and `POST /api/v1/events:batch` (NDJSON, one event a
//! line, with a report line by line). Both go through
//! [`crate::contact_events::ingest`]; any other caller is refused before a line is
//! read.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use crate::api::error::ApiError;
use crate::api::extract::ApiBytes;
use crate::api::json::ApiJson;
use crate::api::openapi::{Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::contact_events::{self, EventInput, LineError, LineReport, LineStatus, Totals};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(record)).merge(
        // A literal colon: axum 0.8 names parameters `{name}` only.
        OpenApiRouter::new()
            .routes(routes!(batch))
            .layer(axum::extract::DefaultBodyLimit::max(BATCH_BODY_LIMIT)),
    )
}

/// The largest NDJSON batch accepted, in bytes.
pub const BATCH_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// One contact event from a registered source system: 201 when recorded,
/// 200 when it was already, 202 when it was sent without an NHS number and
/// is held until it is matched to a person (whoever it describes: the
/// answer never says whether such a person is known).
#[utoipa::path(
    post,
    path = "/events",
    operation_id = "recordEvent",
    tag = "contact-events",
    request_body = EventInput,
    responses(
        (status = 201, description = "Recorded", body = LineReport),
        (status = 200, description = "Already recorded (or already held)", body = LineReport),
        (status = 202, description = "Held until it is matched to a person", body = LineReport),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<EventInput>,
) -> Result<(StatusCode, Json<LineReport>), ApiError> {
    let now = state.clock.now();
    let parsed = input.check(now);
    let mut reports = contact_events::ingest(&state, &caller.viewer(), vec![(1, parsed)]).await?;
    let report = reports
        .pop()
        .ok_or_else(|| ApiError::Internal("an event went unreported".into()))?;
    match report.status {
        LineStatus::Recorded => Ok((StatusCode::CREATED, Json(report))),
        LineStatus::Duplicate => Ok((StatusCode::OK, Json(report))),
        LineStatus::Held => Ok((StatusCode::ACCEPTED, Json(report))),
        LineStatus::Error => Err(report.error.unwrap_or(LineError::NotStored).into()),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchReport {
    pub totals: Totals,
    pub lines: Vec<LineReport>,
}

/// Contact events as NDJSON, one event a line (up to 64 MB); each line
/// stands alone, and the answer reports every line. Blank lines are
/// skipped; line numbers count them, as an editor would.
#[utoipa::path(
    post,
    path = "/events:batch",
    operation_id = "recordEventBatch",
    tag = "contact-events",
    request_body(content = String, content_type = "application/x-ndjson",
        description = "One JSON event (as `POST /events` takes) a line"),
    responses(
        (status = 200, description = "A report of every line", body = BatchReport),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn batch(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiBytes(body): ApiBytes,
) -> Result<Json<BatchReport>, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|e| ApiError::MalformedBody(format!("the body is not UTF-8 text: {e}")))?;
    let now = state.clock.now();
    let lines: Vec<_> = text
        .lines()
        .enumerate()
        .filter(|(_, raw)| !raw.trim().is_empty())
        .map(|(i, raw)| (i + 1, contact_events::parse_line(raw, now)))
        .collect();
    if lines.is_empty() {
        return Err(ApiError::MalformedBody(
            "the body holds no events: send one JSON event per line".into(),
        ));
    }
    if lines.len() > contact_events::MAX_LINES {
        return Err(ApiError::invalid(
            "body",
            format!(
                "a batch holds at most {} events; split the file",
                contact_events::MAX_LINES
            ),
        ));
    }
    let reports = contact_events::ingest(&state, &caller.viewer(), lines).await?;
    Ok(Json(BatchReport {
        totals: Totals::of(&reports),
        lines: reports,
    }))
}

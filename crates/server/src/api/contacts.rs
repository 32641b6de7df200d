//! Contacts with services on a person's record: `GET|POST
//! /api/v1/persons/{id}/contacts`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Json;
use axum::Router;
use chrono::{DateTime, Utc};
use concordat_domain::contact_event::{ContactEvent, ContactKind};
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::auth::bearer::ApiCaller;
use crate::crisis::contacts::{self, NewContact};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/contacts", get(list).post(record))
}

pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<ContactEvent>>, ApiError> {
    Ok(Json(
        contacts::list(&state, &caller.viewer(), person_path(&id)).await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct ContactInput {
    kind: String,
    occurred_at: Option<DateTime<Utc>>,
    /// Why the caller was involved; required.
    #[serde(default)]
    reason: String,
    outcome: String,
    #[serde(default)]
    note: String,
}

pub async fn record(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<ContactEvent>), ApiError> {
    let kind = ContactKind::parse(&input.kind).map_err(|e| ApiError::invalid("kind", e))?;
    let event = contacts::record(
        &state,
        &caller.viewer(),
        person_path(&id),
        NewContact {
            kind,
            occurred_at: input.occurred_at,
            reason: input.reason,
            outcome: input.outcome,
            note: input.note,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(event)))
}

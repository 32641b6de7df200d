//! Contacts with services on a person's record: `GET|POST
//! /api/v1/persons/{id}/contacts`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use concordat_domain::contact_event::{ContactEvent, ContactKind, Detention};
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::api::openapi::{Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::crisis::contacts::{self, NewContact};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, record))
}

/// Contacts with services on a person's record.
#[utoipa::path(
    get,
    path = "/persons/{id}/contacts",
    operation_id = "listContacts",
    tag = "contacts",
    params(("id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The contacts", body = Vec<ContactEvent>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<ContactEvent>>, ApiError> {
    Ok(Json(
        contacts::list(&state, &caller.viewer(), person_path(&id)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ContactInput {
    #[schema(value_type = ContactKind)]
    kind: String,
    occurred_at: Option<DateTime<Utc>>,
    /// Why the caller was involved; required.
    #[serde(default)]
    reason: String,
    outcome: String,
    #[serde(default)]
    note: String,
    /// For a section 136 detention: where the person was taken
    /// (`health-based`, `emergency-department`, `police-station`, `other`).
    #[serde(default)]
    place_of_safety: Option<String>,
    /// For a section 136 detention: how (`ambulance`, `police-vehicle`,
    /// `other`). Given with `place_of_safety` or not at all.
    #[serde(default)]
    conveyed_by: Option<String>,
}

/// Records a contact with the person; the caller needs a relationship with
/// them already, and gives a reason.
#[utoipa::path(
    post,
    path = "/persons/{id}/contacts",
    operation_id = "recordContact",
    tag = "contacts",
    params(("id" = String, Path, description = "The person's id")),
    request_body = ContactInput,
    responses(
        (status = 201, description = "The contact as recorded", body = ContactEvent),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<ContactEvent>), ApiError> {
    let kind = ContactKind::parse(&input.kind).map_err(|e| ApiError::invalid("kind", e))?;
    let detention = Detention::read(
        kind,
        input.place_of_safety.as_deref(),
        input.conveyed_by.as_deref(),
    )
    .map_err(|e| ApiError::invalid(e.field, e.message))?;
    let event = contacts::record(
        &state,
        &caller.viewer(),
        person_path(&id),
        NewContact {
            kind,
            detention,
            occurred_at: input.occurred_at,
            reason: input.reason,
            outcome: input.outcome,
            note: input.note,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(event)))
}

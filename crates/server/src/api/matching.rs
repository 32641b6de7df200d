//! Matching contact events sent without an NHS number, over the API: the
//! reviewer's queue (`GET /api/v1/matching`), one held event beside the
//! people it may be (`GET /api/v1/matching/{id}`, each candidate read
//! through the access decision and audited) and the decision (`POST
//! /api/v1/matching/{id}/decision`).

use axum::extract::State;
use axum::Json;
use concordat_domain::ids::PersonId;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::extract::ApiPath;
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::matching::{self as service, Choice, Item, NewRecord, QueueEntry};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(item))
        .routes(routes!(decide))
}

/// The caller's organisation's contact events, sent without an NHS
/// number, that matching could not settle: oldest first, up to 200.
#[utoipa::path(
    get,
    path = "/matching",
    operation_id = "listHeldEvents",
    tag = "matching",
    responses(
        (status = 200, description = "The queue", body = Vec<QueueEntry>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn queue(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<QueueEntry>>, ApiError> {
    Ok(Json(service::queue(&state, &caller.viewer()).await?))
}

/// One held event beside the people it may be, each with the evidence
/// and, while it waits for a decision, their demographics (read under a
/// `match-review` relationship, audited).
#[utoipa::path(
    get,
    path = "/matching/{id}",
    operation_id = "readHeldEvent",
    tag = "matching",
    params(("id" = String, Path, description = "The held event")),
    responses(
        (status = 200, description = "The event and its candidates", body = Item),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn item(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Item>, ApiError> {
    Ok(Json(service::item(&state, &caller.viewer(), &id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// `link` (it is `person_id`'s: record it for them), `not-linked`
    /// (none of the people listed), `new-person` (someone Concordat does
    /// not know: start their record from the event's details and record
    /// the event for them) or `unsure` (leave it for another reviewer).
    pub decision: String,
    /// For `link`: one of the people listed for the event.
    #[serde(default)]
    pub person_id: Option<String>,
    /// For `new-person`, optional: the first line of their address, from
    /// your organisation's notes (the event gives only the postcode).
    #[serde(default)]
    pub address_line: String,
    /// For `new-person`, with `address_line`: the town.
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub note: String,
}

/// Decides a held event.
#[utoipa::path(
    post,
    path = "/matching/{id}/decision",
    operation_id = "decideHeldEvent",
    tag = "matching",
    params(("id" = String, Path, description = "The held event")),
    request_body(content = DecisionInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The event as it now stands", body = Item),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<Item>, ApiError> {
    let choice = match input.decision.as_str() {
        "link" => {
            let raw = input.person_id.as_deref().unwrap_or_default();
            let person = PersonId::parse(raw).map_err(|_| {
                ApiError::invalid(
                    "person_id",
                    "choose one of the people listed for this event",
                )
            })?;
            Choice::Link(person)
        }
        "not-linked" => Choice::NotLinked,
        "new-person" => Choice::NewPerson(NewRecord {
            address_line: input.address_line,
            town: input.town,
        }),
        "unsure" => Choice::Unsure,
        _ => {
            return Err(ApiError::invalid(
                "decision",
                "link, not-linked, new-person or unsure",
            ))
        }
    };
    Ok(Json(
        service::decide(&state, &caller.viewer(), &id, choice, &input.note).await?,
    ))
}

//! Matching contact events sent without an NHS number, over the API: the
//! reviewer's queue (`GET /api/v1/matching`), one held event beside the
//! people it may be (`GET /api/v1/matching/{id}`, each candidate read
//! through the access decision and audited), the decision (`POST
//! /api/v1/matching/{id}/decision`), and a reviewer's merge of two records
//! the event lists (`POST /api/v1/matching/{id}/merge`), with the
//! organisation's merges (`GET /api/v1/matching/merges`) and their undoing
//! (`POST /api/v1/matching/merges/{id}/undo`).

use axum::extract::State;
use axum::http::StatusCode;
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
use crate::matching::merge::{self as merging, Merge};
use crate::matching::{self as service, Choice, Item, NewRecord, QueueEntry};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(item))
        .routes(routes!(decide))
        .routes(routes!(merges))
        .routes(routes!(merge))
        .routes(routes!(undo_merge))
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The record kept: one of the people listed for the event.
    pub kept_person_id: String,
    /// The record folded into it: another listed, holding nothing but
    /// identifiers and contacts.
    pub merged_person_id: String,
    #[serde(default)]
    pub note: String,
}

/// Folds one person record into another, both listed for this held event
/// and compared by the caller (open the event first): identifiers,
/// contacts and what those contacts opened move to the kept record.
/// Audited on both; undone with `POST /matching/merges/{id}/undo`.
#[utoipa::path(
    post,
    path = "/matching/{id}/merge",
    operation_id = "mergePersonRecords",
    tag = "matching",
    params(("id" = String, Path, description = "The held event listing both records")),
    request_body(content = MergeInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The merge", body = Merge),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn merge(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MergeInput>,
) -> Result<(StatusCode, Json<Merge>), ApiError> {
    let person = |field: &str, raw: &str| {
        PersonId::parse(raw)
            .map_err(|_| ApiError::invalid(field, "choose one of the people listed for this event"))
    };
    let kept = person("kept_person_id", &input.kept_person_id)?;
    let merged = person("merged_person_id", &input.merged_person_id)?;
    let done = merging::merge(&state, &caller.viewer(), &id, kept, merged, &input.note).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// The person records reviewers of the caller's organisation merged,
/// newest first, up to 200.
#[utoipa::path(
    get,
    path = "/matching/merges",
    operation_id = "listPersonMerges",
    tag = "matching",
    responses(
        (status = 200, description = "The merges", body = Vec<Merge>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn merges(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<Merge>>, ApiError> {
    Ok(Json(merging::list(&state, &caller.viewer()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UndoInput {
    #[serde(default)]
    pub note: String,
}

/// Undoes a merge the caller's organisation made: everything it moved
/// goes back and both records stand apart. Audited on both.
#[utoipa::path(
    post,
    path = "/matching/merges/{id}/undo",
    operation_id = "undoPersonMerge",
    tag = "matching",
    params(("id" = String, Path, description = "The merge")),
    request_body(content = UndoInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The merge, undone", body = Merge),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn undo_merge(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<UndoInput>,
) -> Result<Json<Merge>, ApiError> {
    Ok(Json(
        merging::undo(&state, &caller.viewer(), &id, &input.note).await?,
    ))
}

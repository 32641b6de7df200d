//! A person's sharing choices over the API:
//! `GET|POST /api/v1/persons/{id}/consent` (the consent directives, and a
//! new one), `POST …/consent/{consent_id}/withdraw`, and
//! `GET|PUT /api/v1/persons/{id}/carers/{related_person_id}/sharing` (what a
//! nominated carer may be told). Decided for the token's purpose: the
//! person's own account for own access, the members of their care team;
//! anyone else gets the same 404 as for no one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::consent::{self, carers, DirectiveView, NewDirective};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, record))
        .routes(routes!(withdraw))
        .routes(routes!(sharing, set_sharing))
}

/// Every consent directive, newest first, withdrawn and expired ones included
/// and marked.
#[utoipa::path(
    get,
    path = "/persons/{id}/consent",
    operation_id = "listConsent",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The directives", body = Vec<DirectiveView>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<DirectiveView>>, ApiError> {
    let overview = consent::overview(&state, &caller.viewer(), person_path(&id)).await?;
    Ok(Json(overview.directives))
}

/// A new consent directive; it applies from the very next request.
#[utoipa::path(
    post,
    path = "/persons/{id}/consent",
    operation_id = "recordConsent",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id")),
    request_body = NewDirective,
    responses(
        (status = 201, description = "The directive as recorded", body = DirectiveView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewDirective>,
) -> Result<(StatusCode, Json<DirectiveView>), ApiError> {
    let view = consent::record(&state, &caller.viewer(), person_path(&id), &input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Withdraws a consent directive.
#[utoipa::path(
    post,
    path = "/persons/{id}/consent/{consent_id}/withdraw",
    operation_id = "withdrawConsent",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id"), ("consent_id" = String, Path, description = "The directive")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, consent_id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    consent::withdraw(&state, &caller.viewer(), person_path(&id), &consent_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a nominated carer may be told.
#[utoipa::path(
    get,
    path = "/persons/{id}/carers/{related_person_id}/sharing",
    operation_id = "carerSharing",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id"), ("related_person_id" = String, Path, description = "The carer, as a related person of the person")),
    responses(
        (status = 200, description = "The carer's topics", body = carers::CarerView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn sharing(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, related)): ApiPath<(String, String)>,
) -> Result<Json<carers::CarerView>, ApiError> {
    Ok(Json(
        carers::sharing(&state, &caller.viewer(), person_path(&id), &related).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SharingBody {
    /// The topics the carer may be told; every other topic is a no.
    may_tell: Vec<String>,
}

/// Sets what a nominated carer may be told.
#[utoipa::path(
    put,
    path = "/persons/{id}/carers/{related_person_id}/sharing",
    operation_id = "setCarerSharing",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id"), ("related_person_id" = String, Path, description = "The carer, as a related person of the person")),
    request_body = SharingBody,
    responses(
        (status = 200, description = "The carer's topics as now set", body = carers::CarerView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn set_sharing(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, related)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<SharingBody>,
) -> Result<Json<carers::CarerView>, ApiError> {
    Ok(Json(
        carers::set_sharing(
            &state,
            &caller.viewer(),
            person_path(&id),
            &related,
            &body.may_tell,
        )
        .await?,
    ))
}

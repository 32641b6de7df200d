//! A person's sharing choices over the API:
//! `GET|POST /api/v1/persons/{id}/consent` (the consent directives, and a
//! new one), `POST …/consent/{consent_id}/withdraw`, and
//! `GET|PUT /api/v1/persons/{id}/carers/{related_person_id}/sharing` (what a
//! nominated carer may be told), `POST …/carers/{related_person_id}/invitation`
//! (a carer's own sign-in) and `PUT …/carers/{related_person_id}/access`
//! (withdrawn or given back). Decided for the token's purpose: the
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
use crate::consent::{self, carer_accounts, carers, DirectiveView, NewDirective};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, record))
        .routes(routes!(withdraw))
        .routes(routes!(sharing, set_sharing))
        .routes(routes!(invite))
        .routes(routes!(set_access))
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
    let choices = consent::choices(&state, &caller.viewer(), person_path(&id)).await?;
    Ok(Json(choices.directives))
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

/// A carer's invitation: their username and the one-time link to set a
/// password, to hand to them. Shown once; only its hash is kept.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InvitationBody {
    carer_name: String,
    username: String,
    /// The path of the link on this server: `/set-password/{secret}`.
    set_password_path: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// Invites a nominated carer to sign in with their own account (role
/// `carer`), or makes a new link for the account they have. They see only
/// what the person chose to let them see.
#[utoipa::path(
    post,
    path = "/persons/{id}/carers/{related_person_id}/invitation",
    operation_id = "inviteCarer",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id"), ("related_person_id" = String, Path, description = "The carer, as a related person of the person")),
    responses(
        (status = 201, description = "The invitation, to hand to the carer", body = InvitationBody),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, related)): ApiPath<(String, String)>,
) -> Result<(StatusCode, Json<InvitationBody>), ApiError> {
    let made = carer_accounts::invite(&state, &caller.viewer(), person_path(&id), &related).await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationBody {
            carer_name: made.carer_name,
            username: made.username,
            set_password_path: format!("/set-password/{}", made.secret),
            expires_at: made.expires_at,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessBody {
    /// True to withdraw the carer's access, false to give it back.
    withdrawn: bool,
}

/// Withdraws a carer's access, or gives it back: from their next request
/// they see nothing (or again what the person chose).
#[utoipa::path(
    put,
    path = "/persons/{id}/carers/{related_person_id}/access",
    operation_id = "setCarerAccess",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id"), ("related_person_id" = String, Path, description = "The carer, as a related person of the person")),
    request_body = AccessBody,
    responses(
        (status = 200, description = "The carer as now set", body = carers::CarerView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn set_access(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, related)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<AccessBody>,
) -> Result<Json<carers::CarerView>, ApiError> {
    let viewer = caller.viewer();
    let person = person_path(&id);
    carer_accounts::set_access(&state, &viewer, person, &related, body.withdrawn).await?;
    Ok(Json(
        carers::sharing(&state, &viewer, person, &related).await?,
    ))
}

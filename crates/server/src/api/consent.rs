//! A person's sharing choices over the API:
//! `GET|POST /api/v1/persons/{id}/consent` (the consent directives, and a
//! new one), `POST …/consent/{consent_id}/withdraw`, and
//! `GET|PUT /api/v1/persons/{id}/carers/{related_person_id}/sharing` (what a
//! nominated carer may be told). Decided for the token's purpose: the
//! person's own account for own access, the members of their care team;
//! anyone else gets the same 404 as for no one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use axum::Router;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::auth::bearer::ApiCaller;
use crate::consent::{self, carers, DirectiveView, NewDirective};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/consent", get(list).post(record))
        .route(
            "/persons/{id}/consent/{consent_id}/withdraw",
            post(withdraw),
        )
        .route(
            "/persons/{id}/carers/{related_person_id}/sharing",
            get(sharing).put(set_sharing),
        )
}

/// `GET /api/v1/persons/{id}/consent`: every directive, newest first,
/// withdrawn and expired ones included and marked.
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<DirectiveView>>, ApiError> {
    let overview = consent::overview(&state, &caller.viewer(), person_path(&id)).await?;
    Ok(Json(overview.directives))
}

/// `POST /api/v1/persons/{id}/consent`: applies from the very next request.
pub async fn record(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewDirective>,
) -> Result<(StatusCode, Json<DirectiveView>), ApiError> {
    let view = consent::record(&state, &caller.viewer(), person_path(&id), &input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `POST /api/v1/persons/{id}/consent/{consent_id}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, consent_id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    consent::withdraw(&state, &caller.viewer(), person_path(&id), &consent_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/persons/{id}/carers/{related_person_id}/sharing`.
pub async fn sharing(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, related)): ApiPath<(String, String)>,
) -> Result<Json<carers::CarerView>, ApiError> {
    Ok(Json(
        carers::sharing(&state, &caller.viewer(), person_path(&id), &related).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingBody {
    /// The topics the carer may be told; every other topic is a no.
    may_tell: Vec<String>,
}

/// `PUT /api/v1/persons/{id}/carers/{related_person_id}/sharing`.
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

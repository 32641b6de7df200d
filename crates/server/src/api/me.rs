//! `GET /api/v1/me`: who the token belongs to and what it was issued for.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::auth::bearer::ApiCaller;
use crate::directory;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(who_am_i))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    username: String,
    display_name: String,
    role: &'static str,
    organisation: OrganisationSummary,
    team: Option<String>,
    #[schema(schema_with = crate::api::openapi::purpose_codes)]
    purpose: &'static str,
    token_expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationSummary {
    code: String,
    name: String,
    kind: &'static str,
}

/// Who the token belongs to and what it was issued for.
#[utoipa::path(
    get,
    path = "/me",
    operation_id = "me",
    tag = "auth",
    responses((status = 200, description = "The token's holder", body = Me)),
)]
pub async fn who_am_i(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Me>, ApiError> {
    let user = &caller.user;
    let placement = directory::placement(&state, user).await?;
    let org = placement.organisation;
    let team = placement.team.map(|t| t.name().to_owned());
    Ok(Json(Me {
        username: user.username().as_str().to_owned(),
        display_name: user.display_name().as_str().to_owned(),
        role: user.role().as_str(),
        organisation: OrganisationSummary {
            code: org.code().as_str().to_owned(),
            name: org.name().to_owned(),
            kind: org.kind().as_str(),
        },
        team,
        purpose: caller.purpose.code(),
        token_expires_at: caller.expires_at,
    }))
}

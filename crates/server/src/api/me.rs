//! `GET /api/v1/me`: who the token belongs to and what it was issued for;
//! `/api/v1/me/description`: how a person describes themselves.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::openapi::{Forbidden, Invalid};
use crate::auth::bearer::ApiCaller;
use crate::directory;
use crate::record::description::{self, Description};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(who_am_i))
        .routes(routes!(own_description, describe))
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

/// How a person describes themselves, for the partnership to see whether
/// its services treat groups of people differently; nothing is decided
/// about the person by it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DescriptionBody {
    /// `female`, `male`, `other` or `unknown`; absent or null for nothing said.
    #[serde(default)]
    #[schema(nullable, value_type = Option<concordat_domain::person::Sex>)]
    sex: Option<String>,
    /// An NHS ethnic category code, `A` to `S`, or `Z` for "not stated";
    /// absent or null for nothing said.
    #[serde(default)]
    #[schema(nullable)]
    ethnic_category: Option<String>,
}

impl From<Description> for DescriptionBody {
    fn from(d: Description) -> Self {
        Self {
            sex: d.sex.map(|s| s.as_str().to_owned()),
            ethnic_category: d.ethnic_category.map(|c| c.as_str().to_owned()),
        }
    }
}

/// What the person has said of themselves (a person's own account).
#[utoipa::path(
    get,
    path = "/me/description",
    operation_id = "readOwnDescription",
    tag = "auth",
    responses(
        (status = 200, description = "What the person has said of themselves", body = DescriptionBody),
        (status = 403, response = Forbidden),
    ),
)]
pub async fn own_description(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<DescriptionBody>, ApiError> {
    Ok(Json(
        description::own(&state, &caller.viewer()).await?.into(),
    ))
}

/// The person says how they describe themselves, replacing what they said
/// before (a person's own account, for their own access).
#[utoipa::path(
    put,
    path = "/me/description",
    operation_id = "describeSelf",
    tag = "auth",
    request_body = DescriptionBody,
    responses(
        (status = 200, description = "Recorded", body = DescriptionBody),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    ),
)]
pub async fn describe(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<DescriptionBody>,
) -> Result<Json<DescriptionBody>, ApiError> {
    let description = Description::parse(body.sex.as_deref(), body.ethnic_category.as_deref())?;
    description::describe(&state, &caller.viewer(), description).await?;
    Ok(Json(description.into()))
}

//! `POST /api/v1/auth/token`: exchange a username, password and purpose of use
//! for a short-lived bearer token; `POST /api/v1/auth/revoke`: end it early.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use concordat_domain::purpose::Purpose;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::openapi::{Invalid, TooManyRequests, Unauthenticated};
use crate::auth::bearer::{self, ApiCaller};
use crate::auth::sign_in::{authenticate, SignInTo};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue_token))
        .routes(routes!(revoke_token))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    username: String,
    #[schema(format = Password)]
    password: String,
    #[schema(schema_with = crate::api::openapi::purpose_codes)]
    purpose: String,
}

// INVARIANT: no Debug derive on TokenRequest — it holds a password.
impl std::fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRequest")
            .field("username", &self.username)
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    access_token: String,
    #[schema(example = "Bearer")]
    token_type: &'static str,
    /// Seconds until the token expires.
    expires_in: i64,
    #[schema(schema_with = crate::api::openapi::purpose_codes)]
    purpose: &'static str,
}

/// A bearer token for the JSON API and FHIR, bound to a purpose of use, in
/// exchange for a username and password. Failed attempts count towards the
/// account's lock-out.
#[utoipa::path(
    post,
    path = "/auth/token",
    operation_id = "issueToken",
    tag = "auth",
    security(()),
    request_body = TokenRequest,
    responses(
        (status = 200, description = "The token", body = TokenResponse),
        (status = 400, response = Invalid),
        (status = 401, response = Unauthenticated),
        (status = 429, response = TooManyRequests),
    )
)]
pub async fn issue_token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let purpose =
        Purpose::parse_code(&request.purpose).map_err(|e| ApiError::invalid("purpose", e))?;
    let user = authenticate(
        &state,
        &request.username,
        &request.password,
        &peer.ip().to_string(),
        SignInTo::Api,
    )
    .await?;

    let issued = bearer::issue(&state, &user, purpose).await?;
    Ok(Json(TokenResponse {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.lasts.num_seconds(),
        purpose: purpose.code(),
    }))
}

/// Ends the caller's token now.
#[utoipa::path(
    post,
    path = "/auth/revoke",
    operation_id = "revokeToken",
    tag = "auth",
    responses((status = 204, description = "The token no longer works")),
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<StatusCode, ApiError> {
    bearer::revoke(&state, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

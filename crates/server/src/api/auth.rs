//! `POST /api/v1/auth/token`: exchange a username, password and purpose of use
//! for a short-lived bearer token; `POST /api/v1/auth/revoke`: end it early.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Json;
use axum::Router;
use concordat_domain::purpose::Purpose;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::auth::bearer::{self, ApiCaller};
use crate::auth::sign_in::{authenticate, SignInTo};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(issue_token))
        .route("/auth/revoke", post(revoke_token))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    username: String,
    password: String,
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

#[derive(Debug, Serialize)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    purpose: &'static str,
}

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

pub async fn revoke_token(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<StatusCode, ApiError> {
    bearer::revoke(&state, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The JSON API at `/api/v1`. Errors are RFC 9457 problem details.

pub mod auth;
pub mod error;
pub mod json;
pub mod me;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;
pub use error::ApiError;
pub use json::ApiJson;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(auth::issue_token))
        .route("/auth/revoke", post(auth::revoke_token))
        .route("/me", get(me::who_am_i))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

//! The JSON API at `/api/v1`. Errors are RFC 9457 problem details.

pub mod agreements;
pub mod audit;
pub mod auth;
pub mod break_glass;
pub mod consent;
pub mod error;
pub mod json;
pub mod me;
pub mod persons;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;
pub use error::{ApiError, FieldError};
pub use json::ApiJson;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(auth::issue_token))
        .route("/auth/revoke", post(auth::revoke_token))
        .route("/me", get(me::who_am_i))
        .route("/me/access-log", get(audit::my_access_log))
        .route("/audit", get(audit::search))
        .route("/persons", get(persons::find))
        .route("/persons/{id}", get(persons::by_id))
        .route(
            "/persons/{id}/consent",
            get(consent::list).post(consent::record),
        )
        .route(
            "/persons/{id}/consent/{consent_id}/withdraw",
            post(consent::withdraw),
        )
        .route(
            "/persons/{id}/carers/{related_person_id}/sharing",
            get(consent::sharing).put(consent::set_sharing),
        )
        .route("/break-glass", post(break_glass::claim))
        .route("/break-glass/reviews", get(break_glass::reviews))
        .route("/break-glass/{id}/review", post(break_glass::review))
        .route("/break-glass/{id}/defer", post(break_glass::defer))
        .route(
            "/agreements",
            get(agreements::list).post(agreements::create),
        )
        .route(
            "/agreements/{id}",
            get(agreements::show).put(agreements::amend),
        )
        .route("/agreements/{id}/sign", post(agreements::sign))
        .route("/agreements/{id}/suspend", post(agreements::suspend))
        .route("/agreements/{id}/resume", post(agreements::resume))
        .route("/agreements/{id}/end", post(agreements::end))
        .route("/agreements/{id}/history", get(agreements::history))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

//! The JSON API at `/api/v1`. Errors are RFC 9457 problem details.

pub mod agreements;
pub mod audit;
pub mod auth;
pub mod break_glass;
mod caller;
pub mod consent;
pub mod contact_events;
pub mod contacts;
pub mod crisis_lookup;
pub mod crisis_plans;
pub mod error;
pub mod extract;
pub mod flags;
pub mod json;
pub mod me;
pub mod messages;
pub mod persons;
pub mod referrals;
pub mod webhooks;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;
pub use error::{ApiError, FieldError};
pub use extract::{ApiBytes, ApiPath, ApiQuery};
pub use json::ApiJson;

/// The person named in a path. An id that is not even well-formed names no
/// one: the caller gets the same 404 as for an absent person.
pub fn person_path(raw: &str) -> concordat_domain::ids::PersonId {
    concordat_domain::ids::PersonId::named(raw)
}

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
        .route("/persons/{id}/crisis-plan", get(crisis_plans::show))
        .route(
            "/persons/{id}/crisis-plan/versions",
            post(crisis_plans::save),
        )
        .route(
            "/persons/{id}/crisis-plan/versions/{number}",
            get(crisis_plans::version),
        )
        .route(
            "/persons/{id}/crisis-plan/versions/{number}/agreement",
            post(crisis_plans::agree),
        )
        .route("/persons/{id}/crisis-plan/diff", get(crisis_plans::diff))
        .route("/crisis-plans/overdue", get(crisis_plans::overdue))
        .route("/crisis-plans/coverage", get(crisis_plans::coverage_json))
        .route(
            "/crisis-plans/coverage.csv",
            get(crisis_plans::coverage_csv),
        )
        .route("/persons/{id}/flags", get(flags::list).post(flags::raise))
        .route("/persons/{id}/flags/{flag_id}/review", post(flags::review))
        .route(
            "/persons/{id}/contacts",
            get(contacts::list).post(contacts::record),
        )
        .route("/events", post(contact_events::record))
        // A literal colon: axum 0.8 names parameters `{name}` only.
        .route(
            "/events:batch",
            post(contact_events::batch).layer(axum::extract::DefaultBodyLimit::max(
                contact_events::BATCH_BODY_LIMIT,
            )),
        )
        .route("/webhooks", get(webhooks::list).post(webhooks::register))
        .route("/webhooks/deliveries", get(webhooks::deliveries))
        .route("/webhooks/deliveries/{id}/retry", post(webhooks::retry))
        .route("/crisis-lookup", get(crisis_lookup::look_up))
        .route("/referrals", get(referrals::list).post(referrals::send))
        .route("/referrals/{id}", get(referrals::show))
        .route("/referrals/{id}/{action}", post(referrals::act))
        .route("/me/referrals", get(referrals::mine))
        .route(
            "/agreements/{id}/service-levels",
            axum::routing::put(referrals::set_service_levels),
        )
        .route("/persons/{id}/threads", post(messages::start))
        .route("/threads", get(messages::mine))
        .route("/threads/{id}", get(messages::read))
        .route("/threads/{id}/messages", post(messages::reply))
        .route(
            "/threads/{id}/messages/{message_id}/acknowledge",
            post(messages::acknowledge),
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

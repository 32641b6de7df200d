//! The JSON API at `/api/v1`. Errors are RFC 9457 problem details; the
//! operations are described by an OpenAPI document (`openapi.rs`) made from
//! the same handler list as the router.

pub mod advance_choices;
pub mod agreements;
pub mod audit;
pub mod auth;
pub mod break_glass;
mod caller;
pub mod capacity;
pub mod carer;
pub mod caseload;
pub mod cases;
pub mod consent;
pub mod contact_events;
pub mod contacts;
pub mod corrections;
pub mod crisis_lookup;
pub mod crisis_plans;
pub mod error;
pub mod extract;
pub mod flags;
pub mod frequent_contact;
pub mod json;
pub mod matching;
pub mod me;
pub mod messages;
pub mod openapi;
pub mod outcomes;
pub mod persons;
pub mod referrals;
pub mod webhooks;
pub mod wellbeing;

use axum::{Extension, Router};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use error::ApiError;

/// The JSON API's routes, relative to `/api/v1`: each feature's own,
/// merged, its description served at `/openapi.json`, and problem details
/// for a path or method that is not routed.
pub fn router() -> Router<AppState> {
    let (routes, described) = described().split_for_parts();
    routes
        .layer(Extension(openapi::Document::new(described)))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        // The API answers only to a bearer token, which no browser sends by
        // itself, so no third party can have a victim's browser repeat a
        // request while it watches the answers' sizes (BREACH): its answers
        // may be compressed. Pages, sent with a cookie, are not.
        .layer(tower_http::compression::CompressionLayer::new())
}

/// The JSON API's OpenAPI document, as `GET /api/v1/openapi.json` serves
/// it: also the list of its routes.
pub fn description() -> utoipa::openapi::OpenApi {
    openapi::complete(described().into_openapi())
}

// INVARIANT: every feature's routes are registered through
// `utoipa_axum::routes!`, which adds a handler to the router and its
// description to the document together.
fn described() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(openapi::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(audit::router())
        .merge(persons::router())
        .merge(consent::router())
        .merge(crisis_plans::router())
        .merge(caseload::router())
        .merge(flags::router())
        .merge(contacts::router())
        .merge(contact_events::router())
        .merge(webhooks::router())
        .merge(crisis_lookup::router())
        .merge(referrals::router())
        .merge(messages::router())
        .merge(break_glass::router())
        .merge(agreements::router())
        .merge(frequent_contact::router())
        .merge(cases::router())
        .merge(matching::router())
        .merge(corrections::router())
        .merge(capacity::router())
        .merge(advance_choices::router())
        .merge(carer::router())
        .merge(outcomes::router())
        .merge(wellbeing::router())
}

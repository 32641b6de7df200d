//! The HL7 FHIR R4 (4.0.1) surface at `/fhir`, JSON only. It translates,
//! nothing more: each interaction reads the wire into domain values, calls
//! the service that owns the resource (`crate::record`,
//! `crate::crisis::plans`, `crate::crisis::flags`, `crate::crisis::lookup`,
//! `crate::consent`, `crate::crisis::contacts`, `crate::directory`, `crate::referrals`,
//! `crate::messages`, `crate::governance`, `crate::agreements`) under
//! the caller's token and its purpose of use, and renders the answer, or
//! the service's error as an `OperationOutcome` (mapped once, in
//! `outcome`).
//!
//! The router and the CapabilityStatement are both made from
//! [`RESOURCES`], so `/fhir/metadata` says exactly what is served.

pub mod audit_event;
pub mod capability;
pub mod care_plan;
pub mod care_team;
pub mod communication;
pub mod consent;
pub mod contract;
pub mod crisis_summary;
pub mod encounter;
pub mod everything;
pub mod export;
pub mod flag;
pub mod group;
pub mod include;
pub mod measure_report;
pub mod organization;
pub mod outcome;
pub mod parts;
pub mod patient;
pub mod post_search;
pub mod practitioner;
pub mod referral;
pub mod related_person;
pub mod reported;
pub mod search;
pub mod table;
pub mod terms;
pub mod updated;
pub mod wire;

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use chrono::SecondsFormat;

pub use outcome::FhirError;
use table::ResourceDef;
use wire::{FhirAsk, FhirBody};

use crate::AppState;

/// Every resource type served, with what is served of it.
pub const RESOURCES: &[&ResourceDef] = &[
    &patient::RESOURCE,
    &care_plan::RESOURCE,
    &flag::RESOURCE,
    &consent::RESOURCE,
    &encounter::RESOURCE,
    &organization::RESOURCE,
    &referral::SERVICE_REQUEST,
    &referral::TASK,
    &communication::RESOURCE,
    &audit_event::RESOURCE,
    &contract::RESOURCE,
    &care_team::RESOURCE,
    &practitioner::PRACTITIONER,
    &practitioner::PRACTITIONER_ROLE,
    &related_person::RESOURCE,
    &group::RESOURCE,
    &measure_report::MEASURE,
    &measure_report::MEASURE_REPORT,
];

/// The operations of the whole server, named by no type.
pub const SYSTEM_OPERATIONS: &[table::Operation] = &[table::Operation {
    name: "export",
    definition: export::EXPORT,
    level: table::OperationLevel::System,
    route: || get(export::system),
}];

pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route("/metadata", get(metadata))
        .route("/", axum::routing::post(reported::batch))
        .merge(export::router());
    for operation in SYSTEM_OPERATIONS {
        router = router.route(&operation.path(""), (operation.route)());
    }
    for resource in RESOURCES {
        // The interactions at one address (search and create) share one
        // route, their methods merged.
        let mut at: Vec<(String, axum::routing::MethodRouter<AppState>)> = Vec::new();
        for served in resource.served {
            let path = served.interaction.path(resource.name);
            match at.iter_mut().find(|(p, _)| *p == path) {
                Some((_, methods)) => *methods = std::mem::take(methods).merge((served.route)()),
                None => at.push((path, (served.route)())),
            }
        }
        for (path, methods) in at {
            router = router.route(&path, methods);
        }
        if let Some(search) = resource
            .served
            .iter()
            .find(|s| s.interaction == table::Interaction::SearchType)
        {
            let route = search.route;
            router = router.route(
                &format!("/{}/_search", resource.name),
                axum::routing::post(move |state, request| {
                    post_search::post_search(state, request, route)
                }),
            );
        }
        for operation in resource.operations {
            router = router.route(&operation.path(resource.name), (operation.route)());
        }
    }
    router
        .fallback(|| async { FhirError::NoSuchInteraction })
        .method_not_allowed_fallback(|| async { FhirError::MethodNotAllowed })
        // Bearer tokens only, as the JSON API: compressed answers cannot
        // be used against a victim's browser (BREACH).
        .layer(tower_http::compression::CompressionLayer::new())
}

/// `GET /fhir/metadata`: open to anyone, as a client reads it before it
/// has a token; it names no one.
async fn metadata(State(state): State<AppState>, request: FhirAsk) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let date = state.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true);
    Ok(FhirBody::of(capability::statement(
        RESOURCES,
        SYSTEM_OPERATIONS,
        &request.base,
        &date,
    )))
}

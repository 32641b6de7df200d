//! `ServiceRequest` and `Task`: a referral is both. The ServiceRequest is
//! what was asked — of which team, how urgently, why, with the sections the
//! sender wrote; the Task is its lifecycle — where it stands, who holds it,
//! when it must be acknowledged and answered, how far it has escalated,
//! and each step on its timeline. Both share the referral's id, and both
//! are read and searched through `crate::referrals`, which shows a referral
//! only to its parties, and only while the access decision lets them read
//! the person's referrals.

pub mod render;

use axum::extract::State;
use axum::routing::get;
use concordat_domain::ids::{PersonId, ReferralId};
use serde_json::Value;

use super::include;
use super::outcome::FhirError;
use super::search::{self, found_or_none, Found, Searched, PATIENT_STATUS_DATE_AND_UPDATED_PARAMS};
use super::table::{Interaction, ResourceDef, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::referrals::{self, Detail};
use crate::AppState;
use render::{service_request, task};

pub const SERVICE_REQUEST: ResourceDef = ResourceDef {
    name: "ServiceRequest",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read_request),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search_requests),
        },
    ],
    search: PATIENT_STATUS_DATE_AND_UPDATED_PARAMS,
    operations: &[],
};

pub const TASK: ResourceDef = ResourceDef {
    name: "Task",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read_task),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search_tasks),
        },
    ],
    search: PATIENT_STATUS_DATE_AND_UPDATED_PARAMS,
    operations: &[],
};

/// A referral as one resource type renders it.
type Render = fn(&Detail, &str) -> Value;

/// `GET /fhir/ServiceRequest/{id}`.
async fn read_request(
    state: State<AppState>,
    request: FhirRequest,
    id: FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    read(state, request, id, service_request).await
}

/// `GET /fhir/Task/{id}`.
async fn read_task(
    state: State<AppState>,
    request: FhirRequest,
    id: FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    read(state, request, id, task).await
}

/// `GET /fhir/ServiceRequest?patient=…` (or `subject=`).
async fn search_requests(
    state: State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    search(
        state,
        request,
        Searched::of("ServiceRequest", PATIENT_STATUS_DATE_AND_UPDATED_PARAMS),
        service_request,
    )
    .await
}

/// `GET /fhir/Task?patient=…` (or `subject=`).
async fn search_tasks(state: State<AppState>, request: FhirRequest) -> Result<FhirBody, FhirError> {
    search(
        state,
        request,
        Searched::of("Task", PATIENT_STATUS_DATE_AND_UPDATED_PARAMS),
        task,
    )
    .await
}

async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
    render: Render,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let found = referrals::detail(&state, &request.viewer, ReferralId::named(&id)).await?;
    let team = referrals::team_label(&state, found.referral.to_team).await?;
    Ok(FhirBody::of(render(&found, &team)))
}

/// The person's referrals the caller is a party to, newest first. A
/// person the caller may not know of gives the same empty Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
    def: Searched,
    render: Render,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, def)?);
    let all = found_or_none(referrals::of_person(&state, &request.viewer, person).await)?;
    let mut found = Vec::with_capacity(all.len());
    for detail in &all {
        let team = referrals::team_label(&state, detail.referral.to_team).await?;
        found.push(Found {
            full_url: format!("{}/{}/{}", request.base, def.name, detail.referral.id),
            resource: render(detail, &team),
        });
    }
    include::respond(&state, &request, def, person, found).await
}

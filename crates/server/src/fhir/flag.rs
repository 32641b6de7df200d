//! `Flag`: a person's safety flags, read by id and searched by patient,
//! with their period and their status for today (an expired flag is
//! `inactive`, never `active`). Severity and review date ride in
//! extensions.

pub mod render;

use axum::extract::State;
use axum::routing::get;
use concordat_domain::ids::{FlagId, PersonId};

use super::include;
use super::outcome::FhirError;
use super::search::PATIENT_STATUS_AND_DATE_PARAMS;
use super::search::{self, found_or_none, Found};
use super::table::{Interaction, ResourceDef, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::crisis::flags;
use crate::AppState;
use render::flag;

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Flag",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search),
        },
    ],
    search: PATIENT_STATUS_AND_DATE_PARAMS,
    operations: &[],
};

/// `GET /fhir/Flag/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let found = flags::read(&state, &request.viewer, FlagId::named(&id)).await?;
    let today = state.clock.now().date_naive();
    Ok(FhirBody::of(flag(&found, today)))
}

/// `GET /fhir/Flag?patient=…` (or `subject=`): every flag of the person,
/// newest first. A person the caller may not know of gives the same empty
/// Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, SEARCHED)?);
    let today = state.clock.now().date_naive();
    let found = found_or_none(flags::list(&state, &request.viewer, person).await)?;
    let found = found
        .iter()
        .map(|f| Found {
            full_url: format!("{}/Flag/{}", request.base, f.id),
            resource: flag(f, today),
        })
        .collect();
    include::respond(&state, &request, SEARCHED, person, found).await
}

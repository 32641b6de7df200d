//! `CareTeam`: the person's care teams as the record shows them (the
//! `care-team` category), read by id and searched by patient through
//! `crate::record`, audited as record reads. Each member is a participant
//! by their Practitioner, on behalf of their organisation, with their
//! responsibility as their role; the lead professional is marked so.

pub mod render;

use axum::extract::State;
use axum::routing::get;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{CareTeamId, PersonId};

use super::include;
use super::outcome::FhirError;
use super::search::{self, Found, PATIENT_AND_STATUS_PARAMS};
use super::table::{Interaction, ResourceDef, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::record::{self};
use crate::AppState;
use render::{care_team, teams};

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "CareTeam",
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
    search: PATIENT_AND_STATUS_PARAMS,
    operations: &[],
};

/// `GET /fhir/CareTeam/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let outcome = record::care_team(&state, &request.viewer, CareTeamId::named(&id)).await?;
    let (person, teams) = teams(outcome)?.ok_or(FhirError::NotFound)?;
    let team = teams
        .iter()
        .find(|t| t.id == id)
        .ok_or(FhirError::NotFound)?;
    Ok(FhirBody::of(care_team(&person, team)))
}

/// `GET /fhir/CareTeam?patient=…` (or `subject=`). A person the caller may
/// not know of gives the same empty Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, SEARCHED)?);
    let outcome = record::read(&state, &request.viewer, person, &[DataCategory::CareTeam]).await?;
    let found = match teams(outcome)? {
        Some((person, teams)) => teams
            .iter()
            .map(|t| Found {
                full_url: format!("{}/CareTeam/{}", request.base, t.id),
                resource: care_team(&person, t),
            })
            .collect(),
        None => Vec::new(),
    };
    include::respond(&state, &request, SEARCHED, person, found).await
}

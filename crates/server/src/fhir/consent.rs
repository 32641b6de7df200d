//! `Consent`: a person's consent directives, as privacy consents. Read by
//! id and searched by patient, through `crate::consent`, which decides who
//! may see them (the person and their care team) and audits each look;
//! anyone else meets the answer for no one. A directive permits or denies
//! sharing with one organisation, or all, of one category of the record,
//! or all, for one purpose of use, or all; withdrawn or expired, it is
//! `inactive`.

pub mod render;

use axum::extract::State;
use axum::routing::get;
use concordat_domain::ids::PersonId;

use super::include;
use super::outcome::FhirError;
use super::search::PATIENT_STATUS_DATE_AND_UPDATED_PARAMS;
use super::search::{self, Found};
use super::table::{Interaction, ResourceDef, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::consent::{self};
use crate::error::ServiceError;
use crate::AppState;
use render::resource;

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Consent",
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
    search: PATIENT_STATUS_DATE_AND_UPDATED_PARAMS,
    operations: &[],
};

/// `GET /fhir/Consent/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let (person, choices) = consent::directive(&state, &request.viewer, &id).await?;
    let directive = choices.directives.first().ok_or(FhirError::NotFound)?;
    Ok(FhirBody::of(resource(
        person,
        directive,
        &choices.organisations,
    )))
}

/// `GET /fhir/Consent?patient=…` (or `subject=`): every directive of the
/// person, newest first, withdrawn and expired ones included. A person the
/// caller may not know of gives the same empty Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, SEARCHED)?);
    let found = match consent::choices(&state, &request.viewer, person).await {
        Ok(choices) => choices
            .directives
            .iter()
            .map(|d| Found {
                full_url: format!("{}/Consent/{}", request.base, d.id),
                resource: resource(person, d, &choices.organisations),
            })
            .collect(),
        Err(ServiceError::NotFound) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    include::respond(&state, &request, SEARCHED, person, found).await
}

//! `RelatedPerson`: the person's nominated carers, with what the person
//! lets each be told, read by id and searched by patient through
//! `crate::consent`, which shows them to the person and their care team as
//! part of the person's sharing choices (the same rule, the same audit)
//! and to no one else. Each topic the carer may be told is an extension;
//! a topic not listed is one they may not be told.

pub mod render;

use axum::extract::State;
use axum::routing::get;
use concordat_domain::ids::PersonId;

use super::include;
use super::outcome::FhirError;
use super::search::{self, found_or_none, Found, PATIENT_PARAMS};
use super::table::{Interaction, ResourceDef, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::consent;
use crate::AppState;
use render::related_person;

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "RelatedPerson",
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
    search: PATIENT_PARAMS,
    operations: &[],
};

/// `GET /fhir/RelatedPerson/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let (person, carer) = consent::carer(&state, &request.viewer, &id).await?;
    Ok(FhirBody::of(related_person(person, &carer)))
}

/// `GET /fhir/RelatedPerson?patient=…` (or `subject=`): the person's
/// nominated carers. A person the caller may not know of gives the same
/// empty Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, SEARCHED)?);
    let carers = found_or_none(
        consent::choices(&state, &request.viewer, person)
            .await
            .map(|choices| choices.carers),
    )?;
    let found = carers
        .iter()
        .map(|c| Found {
            full_url: format!("{}/RelatedPerson/{}", request.base, c.related_person_id),
            resource: related_person(person, c),
        })
        .collect();
    include::respond(&state, &request, SEARCHED, person, found).await
}

//! `Encounter`: a person's contacts with services (a 999 call, street
//! triage, an emergency department attendance, an admission…), read by id
//! and searched by patient through `crate::crisis::contacts`, which decides
//! and audits each look as the JSON API's does. The kind of contact is the
//! type, and sets the class; an admission is in progress until the same
//! organisation records a discharge, a detention for as long as it may
//! last, and every other contact is over when recorded. Registered source
//! systems report contacts as Encounters (`reported`).

pub mod render;

use axum::extract::State;
use axum::routing::{get, post};
use concordat_domain::ids::{ContactEventId, PersonId};

use super::include;
use super::outcome::FhirError;
use super::search::PATIENT_STATUS_DATE_AND_UPDATED_PARAMS;
use super::search::{self, found_or_none, Found};
use super::table::{Interaction, ResourceDef, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::crisis::contacts;
use crate::AppState;
use render::encounter;

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Encounter",
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
        Served {
            interaction: Interaction::Create,
            route: || post(super::reported::create),
        },
    ],
    search: PATIENT_STATUS_DATE_AND_UPDATED_PARAMS,
    operations: &[],
};

/// `GET /fhir/Encounter/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let (found, all) =
        contacts::around(&state, &request.viewer, ContactEventId::named(&id)).await?;
    Ok(FhirBody::of(encounter(&found, &all, state.clock.now())))
}

/// `GET /fhir/Encounter?patient=…` (or `subject=`): the person's contacts,
/// most recent first. A person the caller may not know of gives the same
/// empty Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, SEARCHED)?);
    let all = found_or_none(contacts::list(&state, &request.viewer, person).await)?;
    let now = state.clock.now();
    let found = all
        .iter()
        .map(|e| Found {
            full_url: format!("{}/Encounter/{}", request.base, e.id),
            resource: encounter(e, &all, now),
        })
        .collect();
    include::respond(&state, &request, SEARCHED, person, found).await
}

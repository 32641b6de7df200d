//! `RelatedPerson`: the person's nominated carers, with what the person
//! lets each be told, read by id and searched by patient through
//! `crate::consent`, which shows them to the person and their care team as
//! part of the person's sharing choices (the same rule, the same audit)
//! and to no one else. Each topic the carer may be told is an extension;
//! a topic not listed is one they may not be told.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::ids::PersonId;
use serde_json::{json, Value};

use super::include;
use super::outcome::FhirError;
use super::search::{self, found_or_none, Found, PATIENT_PARAMS};
use super::table::{Interaction, ResourceDef, Served};
use super::terms::{code_system, extension};
use super::wire::{instant, FhirBody, FhirPath, FhirRequest};
use crate::consent;
use crate::consent::carers::CarerView;
use crate::AppState;

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
        consent::overview(&state, &request.viewer, person)
            .await
            .map(|overview| overview.carers),
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

/// The RelatedPerson for a nominated carer of `person`.
pub fn related_person(person: PersonId, carer: &CarerView) -> Value {
    let mut extensions: Vec<Value> = carer
        .topics
        .iter()
        .filter(|t| t.may_tell)
        .map(|t| {
            json!({
                "url": extension("carer-may-be-told"),
                "valueCoding": {
                    "system": code_system("carer-topic"),
                    "code": t.topic,
                    "display": t.label,
                },
            })
        })
        .collect();
    if let Some(at) = carer.updated_at {
        extensions.push(json!({
            "url": extension("carer-sharing-updated"),
            "valueDateTime": instant(at),
        }));
    }
    let mut resource = json!({
        "resourceType": "RelatedPerson",
        "id": carer.related_person_id,
        "active": true,
        "patient": { "reference": format!("Patient/{person}") },
        "relationship": [{ "text": carer.relationship }],
        "name": [{ "text": carer.name }],
    });
    if !extensions.is_empty() {
        resource["extension"] = Value::Array(extensions);
    }
    resource
}

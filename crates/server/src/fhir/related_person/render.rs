//! The RelatedPerson a nominated carer is: the FHIR shape alone, with
//! nothing of the requests that read it, so what includes it (`_include`,
//! `_revinclude`, `$everything`) depends on no handler.

use crate::consent::carers::CarerView;
use crate::fhir::terms::{code_system, extension};
use crate::fhir::wire::instant;
use concordat_domain::ids::PersonId;
use serde_json::{json, Value};

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

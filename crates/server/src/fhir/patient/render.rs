//! The Patient a record read shows: the FHIR shape alone, with nothing of
//! the requests that read it, so what includes it (`_include`,
//! `_revinclude`, `$everything`) depends on no handler.

use crate::fhir::outcome::FhirError;
use crate::fhir::terms::DATA_ABSENT_REASON;
use crate::record::views::{DemographicsView, Masked};
use crate::record::ReadOutcome;
use concordat_domain::category::DataCategory;
use serde_json::{json, Value};

/// A Patient read shows demographics only: the care team and the rest of
/// the record are other resources' business.
pub const UK_CORE_PATIENT: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";

pub const CATEGORIES: [DataCategory; 1] = [DataCategory::Demographics];

/// The Patient a read shows, with its id; `None` for no one.
pub fn shown(outcome: ReadOutcome) -> Result<Option<(String, Value)>, FhirError> {
    match outcome {
        ReadOutcome::Shown(view) => {
            let demographics = view.demographics.as_ref().ok_or_else(|| {
                FhirError::Internal("a Patient read allowed without demographics".into())
            })?;
            Ok(Some((
                view.person_id.clone(),
                patient(&view.person_id, demographics),
            )))
        }
        ReadOutcome::Denied { reason, rule, .. } => Err(FhirError::Denied {
            detail: reason,
            rule,
        }),
        ReadOutcome::NotFound => Ok(None),
    }
}

/// UK Core's extension for the NHS ethnic category, and the code system
/// of its codes.
const UK_CORE_ETHNIC_CATEGORY: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory";
const ETHNIC_CATEGORY_ENGLAND: &str =
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland";

fn masked() -> Value {
    json!([{ "url": DATA_ABSENT_REASON, "valueCode": "masked" }])
}

/// The Patient resource for what the reader may see of a person.
pub fn patient(id: &str, d: &DemographicsView) -> Value {
    let mut patient = json!({
        "resourceType": "Patient",
        "id": id,
        "meta": { "profile": [UK_CORE_PATIENT] },
        "identifier": d.identifiers.iter().map(|i| json!({
            "system": i.system,
            "value": i.value,
        })).collect::<Vec<_>>(),
        "name": [{ "use": "official", "family": d.family_name, "given": [d.given_name] }],
        "birthDate": d.birth_date.to_string(),
    });
    if let Some(sex) = d.sex {
        // FHIR's administrative gender has the same four codes.
        patient["gender"] = json!(sex);
    }
    if let Some(category) = &d.ethnic_category {
        patient["extension"] = json!([{
            "url": UK_CORE_ETHNIC_CATEGORY,
            "valueCodeableConcept": { "coding": [{
                "system": ETHNIC_CATEGORY_ENGLAND,
                "code": category.code,
                "display": category.label,
            }] },
        }]);
    }
    if d.identifiers.is_empty() {
        // FHIR forbids empty arrays.
        patient.as_object_mut().map(|o| o.remove("identifier"));
    }
    match &d.phone {
        None => {}
        Some(Masked::Shown(phone)) => {
            patient["telecom"] = json!([{ "system": "phone", "value": phone }]);
        }
        Some(Masked::Withheld { .. }) => {
            patient["telecom"] = json!([{ "extension": masked(), "system": "phone" }]);
        }
    }
    match &d.address {
        None => {}
        Some(Masked::Shown(address)) => {
            patient["address"] = json!([{
                "line": address.lines,
                "city": address.town,
                "postalCode": address.postcode,
            }]);
        }
        Some(Masked::Withheld { .. }) => {
            patient["address"] = json!([{ "extension": masked() }]);
        }
    }
    patient
}

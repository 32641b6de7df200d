//! `Patient` (UK Core): read by id, and search by NHS number. The record's
//! demographics as the access decision and the person's masks allow; a
//! masked field is sent with a `data-absent-reason` of `masked`, never
//! silently left out.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::category::DataCategory;
use concordat_domain::identifier::NHS_NUMBER_SYSTEM;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use serde_json::{json, Value};

use super::include;
use super::outcome::FhirError;
use super::search::{self, Found};
use super::table::{Interaction, Operation, OperationLevel, ResourceDef, SearchParam, Served};
use super::terms::DATA_ABSENT_REASON;
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::record::views::{DemographicsView, Masked};
use crate::record::{self, ReadOutcome};
use crate::AppState;

pub const UK_CORE_PATIENT: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Patient",
    profile: Some(UK_CORE_PATIENT),
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
    search: &[SearchParam {
        name: "identifier",
        kind: "token",
        documentation: "The NHS number, as `https://fhir.nhs.uk/Id/nhs-number|{number}`",
    }],
    operations: &[
        Operation {
            name: "crisis-summary",
            definition: super::crisis_summary::DEFINITION,
            level: OperationLevel::Type,
            route: || get(super::crisis_summary::crisis_summary),
        },
        Operation {
            name: "everything",
            definition: super::everything::DEFINITION,
            level: OperationLevel::Instance,
            route: || get(super::everything::everything),
        },
    ],
};

/// A Patient read shows demographics only: the care team and the rest of
/// the record are other resources' business.
pub(super) const CATEGORIES: [DataCategory; 1] = [DataCategory::Demographics];

/// `GET /fhir/Patient/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let outcome = record::read(&state, &request.viewer, PersonId::named(&id), &CATEGORIES).await?;
    match shown(outcome)? {
        Some((_, patient)) => Ok(FhirBody::of(patient)),
        None => Err(FhirError::NotFound),
    }
}

/// `GET /fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}`.
/// No one with that number, and someone the caller may not know of, give
/// the same empty Bundle.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let params = search::search_parameters(&request.params, SEARCHED)?;
    let Some((_, token)) = params.first() else {
        return Err(FhirError::invalid(
            "identifier",
            "give the NHS number: `identifier=https://fhir.nhs.uk/Id/nhs-number|{number}`",
        ));
    };
    let nhs_number = nhs_number_token(token)?;
    let outcome = record::find(&state, &request.viewer, &nhs_number, &CATEGORIES).await?;
    let Some((id, resource)) = shown(outcome)? else {
        return Ok(FhirBody::of(search::searchset(&request, Vec::new())?));
    };
    let person = PersonId::named(&id);
    let found = vec![Found {
        full_url: format!("{}/Patient/{id}", request.base),
        resource,
    }];
    include::respond(&state, &request, SEARCHED, person, found).await
}

/// The NHS number an `identifier` token names; other systems are not
/// searched.
fn nhs_number_token(token: &str) -> Result<NhsNumber, FhirError> {
    match token.split_once('|') {
        Some((NHS_NUMBER_SYSTEM, value)) => {
            NhsNumber::parse(value).map_err(|e| FhirError::invalid("identifier", e))
        }
        Some(_) | None => Err(FhirError::Unsupported(format!(
            "patients are searched by NHS number only: give \
             `identifier={NHS_NUMBER_SYSTEM}|{{number}}`"
        ))),
    }
}

/// The Patient a read shows, with its id; `None` for no one.
pub(super) fn shown(outcome: ReadOutcome) -> Result<Option<(String, Value)>, FhirError> {
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

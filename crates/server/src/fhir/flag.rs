//! `Flag`: a person's safety flags, read by id and searched by patient,
//! with their period and their status for today (an expired flag is
//! `inactive`, never `active`). Severity and review date ride in
//! extensions.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::flag::{FlagStatus, SafetyFlag};
use concordat_domain::ids::{FlagId, PersonId};
use serde_json::{json, Value};

use super::include;
use super::outcome::FhirError;
use super::search::PATIENT_PARAMS;
use super::search::{self, found_or_none, Found};
use super::table::{Interaction, ResourceDef, Served};
use super::terms::{code_system, extension};
use super::wire::{instant, FhirBody, FhirPath, FhirRequest};
use crate::crisis::flags;
use crate::AppState;

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
    search: PATIENT_PARAMS,
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

/// The Flag for a safety flag, with its status on `today`.
pub fn flag(f: &SafetyFlag, today: chrono::NaiveDate) -> Value {
    let status = match f.status(today) {
        FlagStatus::Active => "active",
        FlagStatus::Inactive | FlagStatus::Expired => "inactive",
    };
    let mut period = json!({ "start": instant(f.raised_at) });
    if let Some(end) = f.ends_on {
        period["end"] = Value::String(end.to_string());
    }
    json!({
        "resourceType": "Flag",
        "id": f.id.to_string(),
        "extension": [
            { "url": extension("flag-severity"), "valueCode": f.severity.as_str() },
            { "url": extension("flag-review-on"), "valueDate": f.review_on.to_string() },
        ],
        "status": status,
        "category": [{
            "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                "code": "safety",
                "display": "Safety",
            }],
        }],
        "code": {
            "coding": [{
                "system": code_system("flag-category"),
                "code": f.category.as_str(),
                "display": f.category.label(),
            }],
            "text": f.summary,
        },
        "subject": { "reference": format!("Patient/{}", f.person) },
        "period": period,
        "author": { "display": f.raised_by_name },
    })
}

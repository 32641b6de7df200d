//! `Consent`: a person's consent directives, as privacy consents. Read by
//! id and searched by patient, through `crate::consent`, which decides who
//! may see them (the person and their care team) and audits each look;
//! anyone else meets the answer for no one. A directive permits or denies
//! sharing with one organisation, or all, of one category of the record,
//! or all, for one purpose of use, or all; withdrawn or expired, it is
//! `inactive`.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::organisation::Organisation;
use concordat_domain::purpose::Purpose;
use serde_json::{json, Value};

use super::include;
use super::outcome::FhirError;
use super::search::PATIENT_PARAMS;
use super::search::{self, Found};
use super::table::{Interaction, ResourceDef, Served};
use super::terms::{code_system, ACT_REASON, PARTICIPATION_TYPE};
use super::wire::{instant, FhirBody, FhirPath, FhirRequest};
use crate::consent::{self, DirectiveView};
use crate::error::ServiceError;
use crate::AppState;

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
    search: PATIENT_PARAMS,
    operations: &[],
};

/// HL7 v3 ActCode: the opt-in or opt-out a directive is.
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

/// `GET /fhir/Consent/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let (person, overview) = consent::directive(&state, &request.viewer, &id).await?;
    let directive = overview.directives.first().ok_or(FhirError::NotFound)?;
    Ok(FhirBody::of(resource(
        person,
        directive,
        &overview.organisations,
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
    let found = match consent::overview(&state, &request.viewer, person).await {
        Ok(overview) => overview
            .directives
            .iter()
            .map(|d| Found {
                full_url: format!("{}/Consent/{}", request.base, d.id),
                resource: resource(person, d, &overview.organisations),
            })
            .collect(),
        Err(ServiceError::NotFound) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    include::respond(&state, &request, SEARCHED, person, found).await
}

/// A reference to the one organisation `matches` picks, or `name` alone
/// if none or several do (names need not be unique).
fn organisation_ref(
    orgs: &[Organisation],
    matches: impl Fn(&Organisation) -> bool,
    name: &str,
) -> Value {
    match orgs
        .iter()
        .filter(|o| matches(o))
        .collect::<Vec<_>>()
        .as_slice()
    {
        [o] => json!({ "reference": format!("Organization/{}", o.id()), "display": o.name() }),
        _ => json!({ "display": name }),
    }
}

/// The Consent for one directive of `person`.
pub fn resource(person: PersonId, d: &DirectiveView, orgs: &[Organisation]) -> Value {
    let permit = d.effect == "permit";
    let patient = json!({ "reference": format!("Patient/{person}") });
    // It ends when withdrawn or when it expires, whichever came first.
    let end = match (d.withdrawn_at, d.expires_at) {
        (Some(w), Some(e)) => Some(w.min(e)),
        (w, e) => w.or(e),
    };
    let mut period = json!({ "start": instant(d.recorded_at) });
    if let Some(end) = end {
        period["end"] = Value::String(instant(end));
    }
    let mut provision = json!({
        "type": if permit { "permit" } else { "deny" },
        "period": period,
    });
    if let Some(org) = &d.organisation {
        provision["actor"] = json!([{
            "role": { "coding": [{
                "system": PARTICIPATION_TYPE,
                "code": "IRCP",
                "display": "information recipient",
            }] },
            "reference": organisation_ref(orgs, |o| o.code().as_str() == org.code, &org.name),
        }]);
    }
    if let Some(purpose) = d.purpose.and_then(|c| Purpose::parse_code(c).ok()) {
        provision["purpose"] = json!([{
            "system": ACT_REASON,
            "code": purpose.code(),
            "display": purpose.label(),
        }]);
    }
    if let Some(category) = d.category.and_then(|c| DataCategory::parse(c).ok()) {
        provision["class"] = json!([{
            "system": code_system("data-category"),
            "code": category.as_str(),
            "display": category.label(),
        }]);
    }
    let (rule, rule_display) = if permit {
        ("OPTIN", "opt-in")
    } else {
        ("OPTOUT", "opt-out")
    };
    json!({
        "resourceType": "Consent",
        "id": d.id,
        "status": if d.in_force { "active" } else { "inactive" },
        "scope": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy",
            "display": "Privacy Consent",
        }] },
        "category": [{ "coding": [{
            "system": "http://loinc.org",
            "code": "59284-0",
            "display": "Patient Consent",
        }] }],
        "patient": patient,
        "dateTime": instant(d.recorded_at),
        // The choice is the person's, however it reached the record.
        "performer": [patient],
        "organization": [organisation_ref(
            orgs,
            |o| o.name() == d.recorded_by_organisation,
            &d.recorded_by_organisation,
        )],
        "policyRule": { "coding": [{ "system": ACT_CODE, "code": rule, "display": rule_display }] },
        "provision": provision,
    })
}

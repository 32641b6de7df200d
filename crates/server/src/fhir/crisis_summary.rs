//! `GET /fhir/Patient/$crisis-summary`: the crisis look-up as a FHIR
//! operation. The caller finds the person by `identifier` (the NHS
//! number), or by `family` + `birthdate` (and `address-postalcode`), with
//! a `reason`; the look-up is `crisis::lookup::look_up`, the service the
//! JSON API calls, and this only translates its answer into a `collection`
//! Bundle of what the JSON look-up shows: the person, their agreed crisis
//! plan as a `CarePlan` and their active `Flag`s; several candidates by
//! name; nothing for no match. A refusal is a 403 saying whether a plan
//! exists, in the JSON API's words.

use axum::extract::State;
use concordat_access::policy_ids::CONSENT_REFUSED;
use concordat_domain::identifier::NHS_NUMBER_SYSTEM;
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::search;
use super::table::SearchParam;
use super::terms::{code_system, extension};
use super::wire::{FhirBody, FhirRequest};
use crate::crisis::lookup::{
    self, refusal_sentence, Candidate, CrisisSummary, FlagSummary, LeadProfessional, LookUpInput,
    LookUpOutcome, PlanSummary,
};
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// Concordat publishes no OperationDefinition on the web: the operation is
/// named by URN, as its extensions and code systems are.
pub const DEFINITION: &str = "urn:concordat:fhir:operation:crisis-summary";

/// The operation's parameters, and the look-up field each one is.
const PARAMS: &[SearchParam] = &[
    SearchParam {
        name: "identifier",
        kind: "token",
        documentation: "The NHS number, as `https://fhir.nhs.uk/Id/nhs-number|{number}`",
    },
    SearchParam {
        name: "family",
        kind: "string",
        documentation: "The surname, with `birthdate`",
    },
    SearchParam {
        name: "birthdate",
        kind: "date",
        documentation: "The date of birth (YYYY-MM-DD), with `family`",
    },
    SearchParam {
        name: "address-postalcode",
        kind: "string",
        documentation: "The postcode, narrowing `family` and `birthdate`",
    },
    SearchParam {
        name: "reason",
        kind: "string",
        documentation: "Why the look-up is made; audited",
    },
];

/// The look-up's field names and the parameters that carry them here, so
/// a field at fault is named as the caller wrote it.
const FIELDS: [(&str, &str); 4] = [
    ("nhs_number", "identifier"),
    ("surname", "family"),
    ("birth_date", "birthdate"),
    ("postcode", "address-postalcode"),
];

/// `GET /fhir/Patient/$crisis-summary?…`.
pub async fn crisis_summary(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let params = search::parameters(&request.params, PARAMS)?;
    let given = |name: &str| {
        params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    let nhs_number = given("identifier").map(nhs_number).transpose()?;
    let input = LookUpInput {
        nhs_number,
        surname: given("family"),
        birth_date: given("birthdate"),
        postcode: given("address-postalcode"),
        person_id: None,
        reason: given("reason"),
    };
    let outcome = lookup::look_up(&state, &request.viewer, &input)
        .await
        .map_err(as_parameters)?;
    let entries = match outcome {
        LookUpOutcome::NoMatch => Vec::new(),
        LookUpOutcome::Candidates(candidates) => candidates
            .iter()
            .map(|c| entry(&request.base, candidate(c)))
            .collect(),
        LookUpOutcome::Summary(summary) => summary_entries(&request.base, &summary),
        LookUpOutcome::Refused {
            plan_exists,
            reason,
            ..
        } => {
            return Err(FhirError::Denied {
                detail: refusal_sentence(plan_exists, &reason),
                rule: CONSENT_REFUSED.to_owned(),
            })
        }
    };
    let mut bundle = json!({ "resourceType": "Bundle", "type": "collection" });
    // FHIR forbids empty arrays: no match is a Bundle without entries.
    if !entries.is_empty() {
        bundle["entry"] = Value::Array(entries);
    }
    Ok(FhirBody::of(bundle))
}

/// The number an `identifier` token names; other systems are not looked
/// up by.
fn nhs_number(token: &str) -> Result<&str, FhirError> {
    match token.split_once('|') {
        Some((NHS_NUMBER_SYSTEM, value)) => Ok(value),
        Some(_) | None => Err(FhirError::Unsupported(format!(
            "the crisis summary finds people by NHS number only: give \
             `identifier={NHS_NUMBER_SYSTEM}|{{number}}`"
        ))),
    }
}

/// The service's error, with the look-up's fields named as this
/// operation's parameters; then the one mapping in `outcome`.
fn as_parameters(err: ServiceError) -> FhirError {
    match err {
        ServiceError::Invalid(fields) => FhirError::Invalid(
            fields
                .into_iter()
                .map(|f| {
                    let name = FIELDS
                        .iter()
                        .find(|(field, _)| *field == f.field)
                        .map_or(f.field.as_str(), |(_, param)| param);
                    FieldError::new(name, f.message)
                })
                .collect(),
        ),
        other => other.into(),
    }
}

/// A Bundle entry, with the address a resource with an id is read at.
fn entry(base: &str, resource: Value) -> Value {
    match (resource["resourceType"].as_str(), resource["id"].as_str()) {
        (Some(kind), Some(id)) => json!({
            "fullUrl": format!("{base}/{kind}/{id}"),
            "resource": resource,
        }),
        _ => json!({ "resource": resource }),
    }
}

/// A candidate among several: what the JSON look-up lists of them.
fn candidate(c: &Candidate) -> Value {
    let mut patient = json!({
        "resourceType": "Patient",
        "id": c.person_id,
        "name": [{ "use": "official", "family": c.family_name, "given": [c.given_name] }],
        "birthDate": c.birth_date.to_string(),
    });
    if let Some(district) = &c.postcode_district {
        patient["address"] = json!([{ "postalCode": district }]);
    }
    patient
}

/// The person, their plan and their active flags, as far as the summary
/// shows them. The summary carries no ids for the plan and the flags, so
/// they are sent without: they are the look-up's view, not the records.
fn summary_entries(base: &str, s: &CrisisSummary) -> Vec<Value> {
    let mut patient = json!({ "resourceType": "Patient", "id": s.person_id });
    if let Some(name) = &s.name {
        patient["name"] = json!([{ "use": "official", "text": name }]);
    }
    if let Some(born) = s.birth_date {
        patient["birthDate"] = Value::String(born.to_string());
    }
    let mut entries = vec![entry(base, patient)];
    if let Some(plan) = &s.plan {
        entries.push(entry(
            base,
            care_plan(&s.person_id, plan, s.lead_professional.as_ref()),
        ));
    }
    for f in s.flags.iter().flatten() {
        entries.push(entry(base, flag(&s.person_id, f)));
    }
    entries
}

/// The agreed plan's essentials, each in the person's words as a note.
fn care_plan(person: &str, plan: &PlanSummary, lead: Option<&LeadProfessional>) -> Value {
    let mut notes = Vec::new();
    let mut note = |label: &str, text: String| {
        if !text.trim().is_empty() {
            notes.push(json!({ "text": format!("**{label}**\n\n{text}") }));
        }
    };
    note("Early warning signs", plan.early_warning_signs.clone());
    note("What helps", plan.what_helps.clone());
    note("What does NOT help", plan.what_does_not_help.clone());
    note(
        "People to contact",
        plan.people_to_contact
            .iter()
            .map(|c| {
                format!(
                    "{} ({}), {} — {}",
                    c.name, c.relationship, c.phone, c.when_to_call
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n"),
    );
    if let Some(c) = &plan.out_of_hours {
        note(
            "Out of hours",
            format!(
                "{}, {}, {} — {}",
                c.name,
                c.service,
                c.phone,
                c.hours.label()
            ),
        );
    }
    let mut resource = json!({
        "resourceType": "CarePlan",
        "meta": { "versionId": plan.version.to_string() },
        "status": "active",
        "intent": "plan",
        "category": [{ "text": "Crisis plan" }],
        "title": "Crisis plan",
        "description": plan.standing,
        "subject": { "reference": format!("Patient/{person}") },
        "period": { "start": plan.agreed_on.to_string() },
    });
    if !notes.is_empty() {
        resource["note"] = Value::Array(notes);
    }
    if let Some(lead) = lead {
        let team = lead
            .team
            .as_deref()
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        let phone = lead
            .duty_phone
            .as_deref()
            .map(|p| format!("; duty phone {p}"))
            .unwrap_or_default();
        resource["contributor"] = json!([{
            "display": format!("Lead professional: {}, {}{team}{phone}", lead.name, lead.organisation),
        }]);
    }
    resource
}

/// An active flag as the summary shows it.
fn flag(person: &str, f: &FlagSummary) -> Value {
    json!({
        "resourceType": "Flag",
        "extension": [
            { "url": extension("flag-severity"), "valueCode": f.severity },
            { "url": extension("flag-review-on"), "valueDate": f.review_on.to_string() },
        ],
        "status": "active",
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
                "code": f.category,
                "display": f.category_label,
            }],
            "text": f.summary,
        },
        "subject": { "reference": format!("Patient/{person}") },
        "period": { "start": f.raised_on.to_string() },
    })
}

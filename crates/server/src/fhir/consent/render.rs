//! The Consent a consent directive is: the FHIR shape alone, with nothing
//! of the requests that read it, so what includes it (`_include`,
//! `_revinclude`, `$everything`) depends on no handler.

use crate::consent::DirectiveView;
use crate::fhir::terms::{code_system, ACT_REASON, PARTICIPATION_TYPE};
use crate::fhir::wire::instant;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::organisation::Organisation;
use concordat_domain::purpose::Purpose;
use serde_json::{json, Value};

/// HL7 v3 ActCode: the opt-in or opt-out a directive is.
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

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
        // A directive changes once at most: when withdrawn.
        "meta": { "lastUpdated": instant(d.withdrawn_at.unwrap_or(d.recorded_at)) },
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

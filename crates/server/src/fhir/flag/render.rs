//! The Flag a safety flag is: the FHIR shape alone, with nothing of the
//! requests that read it, so what includes it (`_include`, `_revinclude`,
//! `$everything`) depends on no handler.

use crate::fhir::terms::{code_system, extension};
use crate::fhir::wire::instant;
use concordat_domain::flag::{FlagStatus, SafetyFlag};
use serde_json::{json, Value};

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

//! The CarePlan a crisis plan version is: the FHIR shape alone, with
//! nothing of the requests that read it, so what includes it (`_include`,
//! `_revinclude`, `$everything`) depends on no handler.

use crate::fhir::terms::extension;
use crate::fhir::wire::instant;
use chrono::{DateTime, Utc};
use concordat_domain::crisis_plan::{PlanStatus, PlanVersion, Section};
use serde_json::{json, Value};

/// The last time the version's row changed that the store dates: written,
/// or agreed by either party.
pub fn last_updated(v: &PlanVersion) -> DateTime<Utc> {
    [
        Some(v.created_at),
        v.person_agreement.as_ref().map(|a| a.at),
        v.professional_agreement.as_ref().map(|a| a.at),
        v.agreed_at,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(v.created_at)
}

/// A superseded plan was replaced before it ended: `revoked`, in the words
/// of the CarePlan status value set.
fn status(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => "draft",
        PlanStatus::Agreed => "active",
        PlanStatus::Superseded => "revoked",
    }
}

/// The CarePlan for one version of a crisis plan.
pub fn care_plan(v: &PlanVersion) -> Value {
    let notes: Vec<Value> = Section::ALL
        .iter()
        .filter(|s| **s != Section::OwnWords)
        .filter_map(|section| {
            let lines = v.sections.lines(*section);
            (!lines.is_empty()).then(
                || json!({ "text": format!("**{}**\n\n{}", section.label(), lines.join("\n\n")) }),
            )
        })
        .collect();
    let mut agreement = vec![json!({
        "url": "agreedByBoth",
        "valueBoolean": v.person_agreement.is_some() && v.professional_agreement.is_some(),
    })];
    if let Some(at) = &v.person_agreement {
        agreement.push(json!({ "url": "person", "valueDateTime": instant(at.at) }));
    }
    if let Some(at) = &v.professional_agreement {
        agreement.push(json!({ "url": "professional", "valueDateTime": instant(at.at) }));
    }
    let mut extensions = vec![json!({
        "url": extension("crisis-plan-agreement"),
        "extension": agreement,
    })];
    if let Some(due) = v.review_due {
        extensions.push(json!({
            "url": extension("crisis-plan-review-due"),
            "valueDate": due.to_string(),
        }));
    }
    let mut contributors = Vec::new();
    if v.person_agreement.is_some() {
        contributors.push(json!({ "reference": format!("Patient/{}", v.person) }));
    }
    if let Some(professional) = &v.professional_agreement {
        contributors.push(json!({ "display": professional.name }));
    }
    let mut plan = json!({
        "resourceType": "CarePlan",
        "id": v.plan.to_string(),
        "meta": {
            "versionId": v.number.to_string(),
            "lastUpdated": instant(last_updated(v)),
        },
        "extension": extensions,
        "status": status(v.status),
        "intent": "plan",
        "category": [{ "text": "Crisis plan" }],
        "title": "Crisis plan",
        "subject": { "reference": format!("Patient/{}", v.person) },
        "created": instant(v.created_at),
        "author": { "display": v.author.name },
    });
    if !v.sections.own_words.is_empty() {
        plan["description"] = Value::String(v.sections.own_words.clone());
    }
    if let Some(agreed) = v.agreed_at {
        plan["period"] = json!({ "start": instant(agreed) });
    }
    if !contributors.is_empty() {
        plan["contributor"] = Value::Array(contributors);
    }
    if !notes.is_empty() {
        plan["note"] = Value::Array(notes);
    }
    plan
}

//! The ServiceRequest and the Task a referral is: the FHIR shape alone,
//! with nothing of the requests that read it, so what includes it
//! (`_include`, `_revinclude`, `$everything`) depends on no handler.

use crate::fhir::terms::{code_system, extension};
use crate::fhir::wire::instant;
use crate::referrals::Detail;
use concordat_domain::referral::{ReferralStatus, Urgency};
use serde_json::{json, Value};

/// The request priority an urgency is.
fn priority(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Emergency => "stat",
        Urgency::Urgent => "urgent",
        Urgency::Routine => "routine",
    }
}

/// The ServiceRequest for a referral to `team` ("Crisis team (Northshire
/// NHS Trust)").
pub fn service_request(d: &Detail, team: &str) -> Value {
    let r = &d.referral;
    let status = match r.status {
        ReferralStatus::Sent | ReferralStatus::Acknowledged | ReferralStatus::Accepted => "active",
        ReferralStatus::Completed => "completed",
        ReferralStatus::Declined | ReferralStatus::Redirected | ReferralStatus::Cancelled => {
            "revoked"
        }
    };
    let mut resource = json!({
        "resourceType": "ServiceRequest",
        "id": r.id.to_string(),
        "meta": { "lastUpdated": instant(last_change(d)) },
        "status": status,
        "intent": "order",
        "category": [{ "coding": [{
            "system": "http://snomed.info/sct",
            "code": "3457005",
            "display": "Patient referral",
        }] }],
        "priority": priority(r.urgency),
        "code": { "text": format!("Referral to {team}") },
        "subject": subject(d),
        "authoredOn": instant(r.created_at),
        "requester": { "reference": format!("Organization/{}", r.from_organisation) },
        "performer": [{
            "reference": format!("Organization/{}", r.to_organisation),
            "display": team,
        }],
        "reasonCode": [{ "text": r.reason }],
    });
    if let Some(earlier) = r.redirected_from {
        resource["replaces"] = json!([{ "reference": format!("ServiceRequest/{earlier}") }]);
    }
    if !r.sections.is_empty() {
        resource["note"] = r
            .sections
            .iter()
            .map(|s| json!({ "text": format!("**{}**\n\n{}", s.title, s.text) }))
            .collect();
    }
    resource
}

/// The Task that carries a referral's lifecycle.
pub fn task(d: &Detail, team: &str) -> Value {
    let r = &d.referral;
    let status = match r.status {
        ReferralStatus::Sent => "requested",
        ReferralStatus::Acknowledged => "received",
        ReferralStatus::Accepted => "accepted",
        ReferralStatus::Declined => "rejected",
        ReferralStatus::Completed => "completed",
        ReferralStatus::Redirected | ReferralStatus::Cancelled => "cancelled",
    };
    let last_modified = last_change(d);
    let mut resource = json!({
        "resourceType": "Task",
        "id": r.id.to_string(),
        "meta": { "lastUpdated": instant(last_modified) },
        "extension": [
            { "url": extension("acknowledge-due"), "valueDateTime": instant(r.acknowledge_due) },
            { "url": extension("escalation-step"), "valueInteger": r.escalation_step },
        ],
        "status": status,
        "businessStatus": { "coding": [{
            "system": code_system("referral-status"),
            "code": r.status.as_str(),
            "display": r.status.label(),
        }] },
        "intent": "order",
        "priority": priority(r.urgency),
        "focus": { "reference": format!("ServiceRequest/{}", r.id) },
        "for": subject(d),
        "authoredOn": instant(r.created_at),
        "lastModified": instant(last_modified),
        "requester": { "reference": format!("Organization/{}", r.from_organisation) },
        "owner": {
            "reference": format!("Organization/{}", r.to_organisation),
            "display": team,
        },
        // The answer is due by then: what the referral's service level
        // asks of the receiving team.
        "restriction": { "period": { "end": instant(r.respond_due) } },
    });
    if let Some(note) = &r.decision_note {
        resource["statusReason"] = json!({ "text": note });
    }
    if !d.events.is_empty() {
        resource["note"] = d
            .events
            .iter()
            .map(|e| {
                let text = if e.note.is_empty() {
                    e.kind.clone()
                } else {
                    format!("{}: {}", e.kind, e.note)
                };
                json!({ "authorString": e.actor_name, "time": instant(e.at), "text": text })
            })
            .collect();
    }
    resource
}

fn subject(d: &Detail) -> Value {
    json!({ "reference": format!("Patient/{}", d.referral.person) })
}

/// When the referral last changed: its latest step, or its sending.
fn last_change(d: &Detail) -> chrono::DateTime<chrono::Utc> {
    d.events
        .iter()
        .map(|e| e.at)
        .max()
        .unwrap_or(d.referral.created_at)
}

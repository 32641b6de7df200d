//! `ServiceRequest` and `Task`: a referral is both. The ServiceRequest is
//! what was asked — of which team, how urgently, why, with the sections the
//! sender wrote; the Task is its lifecycle — where it stands, who holds it,
//! when it must be acknowledged and answered, how far it has escalated,
//! and each step on its timeline. Both share the referral's id, and both
//! are read and searched through `crate::referrals`, which shows a referral
//! only to its parties, and only while the access decision lets them read
//! the person's referrals.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::ids::{PersonId, ReferralId};
use concordat_domain::referral::{ReferralStatus, Urgency};
use serde_json::{json, Value};

use super::include;
use super::outcome::FhirError;
use super::search::{self, found_or_none, Found, Searched, PATIENT_PARAMS};
use super::table::{Interaction, ResourceDef, Served};
use super::terms::{code_system, extension};
use super::wire::{instant, FhirBody, FhirPath, FhirRequest};
use crate::referrals::{self, Detail};
use crate::AppState;

pub const SERVICE_REQUEST: ResourceDef = ResourceDef {
    name: "ServiceRequest",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read_request),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search_requests),
        },
    ],
    search: PATIENT_PARAMS,
    operations: &[],
};

pub const TASK: ResourceDef = ResourceDef {
    name: "Task",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read_task),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search_tasks),
        },
    ],
    search: PATIENT_PARAMS,
    operations: &[],
};

/// A referral as one resource type renders it.
type Render = fn(&Detail, &str) -> Value;

/// `GET /fhir/ServiceRequest/{id}`.
async fn read_request(
    state: State<AppState>,
    request: FhirRequest,
    id: FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    read(state, request, id, service_request).await
}

/// `GET /fhir/Task/{id}`.
async fn read_task(
    state: State<AppState>,
    request: FhirRequest,
    id: FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    read(state, request, id, task).await
}

/// `GET /fhir/ServiceRequest?patient=…` (or `subject=`).
async fn search_requests(
    state: State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    search(
        state,
        request,
        Searched::of("ServiceRequest", PATIENT_PARAMS),
        service_request,
    )
    .await
}

/// `GET /fhir/Task?patient=…` (or `subject=`).
async fn search_tasks(state: State<AppState>, request: FhirRequest) -> Result<FhirBody, FhirError> {
    search(state, request, Searched::of("Task", PATIENT_PARAMS), task).await
}

async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
    render: Render,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let found = referrals::detail(&state, &request.viewer, ReferralId::named(&id)).await?;
    let team = referrals::team_label(&state, found.referral.to_team).await?;
    Ok(FhirBody::of(render(&found, &team)))
}

/// The person's referrals the caller is a party to, newest first. A
/// person the caller may not know of gives the same empty Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
    def: Searched,
    render: Render,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, def)?);
    let all = found_or_none(referrals::of_person(&state, &request.viewer, person).await)?;
    let mut found = Vec::with_capacity(all.len());
    for detail in &all {
        let team = referrals::team_label(&state, detail.referral.to_team).await?;
        found.push(Found {
            full_url: format!("{}/{}/{}", request.base, def.name, detail.referral.id),
            resource: render(detail, &team),
        });
    }
    include::respond(&state, &request, def, person, found).await
}

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
    let last_modified = d.events.iter().map(|e| e.at).max().unwrap_or(r.created_at);
    let mut resource = json!({
        "resourceType": "Task",
        "id": r.id.to_string(),
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

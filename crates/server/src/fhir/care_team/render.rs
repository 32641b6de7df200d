//! The CareTeam a care team is, from a record read: the FHIR shape alone,
//! with nothing of the requests that read it, so what includes it
//! (`_include`, `_revinclude`, `$everything`) depends on no handler.

use crate::fhir::outcome::FhirError;
use crate::fhir::terms::code_system;
use crate::record::views::CareTeamView;
use crate::record::ReadOutcome;
use serde_json::{json, Value};

/// The person's id and care teams a read showed; `None` for no one.
pub fn teams(outcome: ReadOutcome) -> Result<Option<(String, Vec<CareTeamView>)>, FhirError> {
    match outcome {
        ReadOutcome::Shown(view) => {
            let teams = view.care_team.clone().ok_or_else(|| {
                FhirError::Internal("a care team read allowed without the care team".into())
            })?;
            Ok(Some((view.person_id.clone(), teams)))
        }
        ReadOutcome::Denied { reason, rule, .. } => Err(FhirError::Denied {
            detail: reason,
            rule,
        }),
        ReadOutcome::NotFound => Ok(None),
    }
}

/// The CareTeam for one of `person`'s care teams.
pub fn care_team(person: &str, team: &CareTeamView) -> Value {
    let participants: Vec<Value> = team
        .members
        .iter()
        .map(|m| {
            let mut roles = vec![json!({ "text": m.responsibility })];
            if m.lead {
                roles.insert(
                    0,
                    json!({ "coding": [{
                        "system": code_system("care-team-role"),
                        "code": "lead-professional",
                        "display": "Lead professional",
                    }] }),
                );
            }
            json!({
                "role": roles,
                "member": {
                    "reference": format!("Practitioner/{}", m.user_id),
                    "display": m.name,
                },
                "onBehalfOf": {
                    "reference": format!("Organization/{}", m.organisation_id),
                    "display": m.organisation,
                },
            })
        })
        .collect();
    let mut resource = json!({
        "resourceType": "CareTeam",
        "id": team.id,
        "status": "active",
        "name": team.name,
        "subject": { "reference": format!("Patient/{person}") },
    });
    if !participants.is_empty() {
        resource["participant"] = Value::Array(participants);
    }
    resource
}

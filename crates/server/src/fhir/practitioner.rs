//! `Practitioner` and `PractitionerRole`: the members of staff the record
//! names (care team members, signers, senders), each read by id through
//! `crate::directory::staff_member` — never a person's own account or a
//! partner's system. Staff are not the people the partnership cares for,
//! so any signed-in caller may resolve one; neither type can be searched,
//! so the staff cannot be browsed. Both share the user's id: the
//! Practitioner is who they are, the PractitionerRole what they do where.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::ids::UserId;
use concordat_domain::user::User;
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::search;
use super::table::{Interaction, ResourceDef, Served};
use super::terms::{code_system, identifier_system};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::directory::{self, Placement};
use crate::AppState;

pub const PRACTITIONER: ResourceDef = ResourceDef {
    name: "Practitioner",
    profile: None,
    served: &[Served {
        interaction: Interaction::Read,
        route: || get(read_practitioner),
    }],
    search: &[],
    operations: &[],
};

pub const PRACTITIONER_ROLE: ResourceDef = ResourceDef {
    name: "PractitionerRole",
    profile: None,
    served: &[Served {
        interaction: Interaction::Read,
        route: || get(read_role),
    }],
    search: &[],
    operations: &[],
};

/// `GET /fhir/Practitioner/{id}`.
async fn read_practitioner(
    state: State<AppState>,
    request: FhirRequest,
    id: FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    read(state, request, id, |user, _| practitioner(user)).await
}

/// `GET /fhir/PractitionerRole/{id}`.
async fn read_role(
    state: State<AppState>,
    request: FhirRequest,
    id: FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    read(state, request, id, practitioner_role).await
}

async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
    render: fn(&User, &Placement) -> Value,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let (user, placement) = directory::staff_member(&state, UserId::named(&id)).await?;
    Ok(FhirBody::of(render(&user, &placement)))
}

/// Who the member of staff is.
pub fn practitioner(user: &User) -> Value {
    json!({
        "resourceType": "Practitioner",
        "id": user.id().to_string(),
        "identifier": [{
            "system": identifier_system("username"),
            "value": user.username().as_str(),
        }],
        "active": !user.disabled(),
        "name": [{ "text": user.display_name().as_str() }],
    })
}

/// What the member of staff does, for which organisation, in which team;
/// the team's duty phone as the way to reach them.
pub fn practitioner_role(user: &User, placement: &Placement) -> Value {
    let organisation = &placement.organisation;
    let mut role = json!({
        "resourceType": "PractitionerRole",
        "id": user.id().to_string(),
        "active": !user.disabled(),
        "practitioner": {
            "reference": format!("Practitioner/{}", user.id()),
            "display": user.display_name().as_str(),
        },
        "organization": {
            "reference": format!("Organization/{}", organisation.id()),
            "display": organisation.name(),
        },
        "code": [{ "coding": [{
            "system": code_system("role"),
            "code": user.role().as_str(),
            "display": user.role().label(),
        }] }],
    });
    if let Some(team) = &placement.team {
        role["specialty"] = json!([{ "text": team.name() }]);
        if let Some(phone) = team.duty_phone() {
            role["telecom"] =
                json!([{ "system": "phone", "value": phone.as_str(), "use": "work" }]);
        }
    }
    role
}

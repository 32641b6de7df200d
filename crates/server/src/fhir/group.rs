//! `Group`: a team's caseload — the people whose care team includes a
//! member of the team — as Bulk Data's group-level `$export` covers it.
//! A group is read and searched by the staff of the team's own
//! organisation, and names none of its members: who is in it is learned
//! only person by person, through the access decision, by exporting it.
//! To anyone else every group is the 404 for no such group.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use concordat_domain::organisation::Team;
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::search::{self, Found};
use super::table::{Interaction, Operation, OperationLevel, ResourceDef, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::authorisation::Viewer;
use crate::{directory, AppState};

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Group",
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
    search: &[],
    operations: &[Operation {
        name: "export",
        definition: super::export::GROUP_EXPORT,
        level: OperationLevel::Instance,
        route: || get(export),
    }],
};

/// The teams whose caseloads `viewer` may see as groups: their own
/// organisation's, for staff; none for a person's own account.
async fn own_teams(state: &AppState, viewer: &Viewer) -> Result<Vec<Team>, FhirError> {
    if viewer.user.person_id().is_some() {
        return Ok(Vec::new());
    }
    let organisation = viewer.user.organisation_id();
    Ok(directory::directory(state)
        .await?
        .teams
        .into_iter()
        .filter(|t| t.organisation_id() == organisation)
        .collect())
}

/// The team `id` names, if it is one of `viewer`'s own organisation's;
/// any other id is [`FhirError::NotFound`].
pub async fn own_team(state: &AppState, viewer: &Viewer, id: &str) -> Result<Team, FhirError> {
    own_teams(state, viewer)
        .await?
        .into_iter()
        .find(|t| t.id().to_string() == id)
        .ok_or(FhirError::NotFound)
}

/// `GET /fhir/Group/{id}/$export`: the caseload of one of the asker's
/// organisation's teams; any other id is the 404 for no such group.
async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<Response, FhirError> {
    let team = own_team(&state, &request.viewer, &id).await?;
    let level = super::export::ask::Level::Group;
    super::export::kick_off(&state, &headers, &request, level, Some(team.id())).await
}

/// `GET /fhir/Group/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let team = own_team(&state, &request.viewer, &id).await?;
    Ok(FhirBody::of(group(&team)))
}

/// `GET /fhir/Group`: the caseload of each team of the caller's
/// organisation.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    search::paged_only(&request.params)?;
    let found = own_teams(&state, &request.viewer)
        .await?
        .iter()
        .map(|t| Found {
            full_url: format!("{}/Group/{}", request.base, t.id()),
            resource: group(t),
        })
        .collect();
    Ok(FhirBody::of(search::searchset(&request, found)?))
}

/// A team's caseload as a `Group`: who manages it, and what it is.
pub fn group(team: &Team) -> Value {
    json!({
        "resourceType": "Group",
        "id": team.id().to_string(),
        "type": "person",
        "actual": true,
        "name": format!("{} caseload", team.name()),
        "managingEntity": { "reference": format!("Organization/{}", team.organisation_id()) },
    })
}

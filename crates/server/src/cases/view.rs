//! Reading a case: its members by name and organisation, its lead, its
//! actions and its meetings — for its current members only, each read
//! decided and audited. Anyone else meets the answer for no case, decided
//! and audited too, so an id names no one by how it is answered.

use std::collections::BTreeMap;

use concordat_access::AccessAction;
use concordat_domain::ids::{PersonId, UserId};
use concordat_store::cases::{self as store, Action, Case, CaseId, Meeting, Member};
use concordat_store::{organisations, persons, users, Conn};

use super::terms::CATEGORY;
use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::error::ServiceError;
use crate::AppState;

/// A user as a case shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub user: UserId,
    pub name: String,
    pub organisation: String,
}

/// A case as its members (and, without its meetings, its person) see it.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    pub person_name: String,
    /// The current members, the lead first.
    pub members: Vec<Named>,
    pub actions: Vec<Action>,
    pub meetings: Vec<Meeting>,
    /// Everyone the case names (members past and present, owners,
    /// attendees), by id.
    pub names: BTreeMap<UserId, Named>,
}

impl CaseView {
    /// A user's name, or a neutral word for an account since removed.
    pub fn name_of(&self, user: UserId) -> &str {
        self.names
            .get(&user)
            .map_or("a former member", |n| n.name.as_str())
    }

    pub fn lead(&self) -> Option<&Named> {
        self.names.get(&self.case.lead)
    }

    pub fn is_member(&self, user: UserId) -> bool {
        self.members.iter().any(|m| m.user == user)
    }
}

/// The current members' ids.
pub(super) fn current(members: &[Member]) -> Vec<UserId> {
    members
        .iter()
        .filter(|m| m.is_current())
        .map(|m| m.user)
        .collect()
}

/// Whether the viewer is on the case: a current member of an open case, or
/// a member when a closed one closed (its record stays theirs to read, as
/// far as the access decision still lets them read the person).
fn on_it(case: &Case, members: &[Member], viewer: &Viewer) -> bool {
    members.iter().any(|m| {
        m.user == viewer.user.id()
            && (m.is_current() || (case.closed_at.is_some() && m.ended_at == case.closed_at))
    })
}

/// The case `id` if the viewer is on it ([`on_it`]) and the access
/// decision lets them read the person's care team (decided and
/// audited); otherwise [`ServiceError::NotFound`], decided and audited as
/// a look for no one.
pub(super) async fn member_case(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
) -> Result<(Case, Vec<Member>), ServiceError> {
    let found = {
        let mut conn = state.store.read().await?;
        match store::case_by_id(&mut conn, id, false).await? {
            Some(case) => {
                let members = store::members_of(&mut conn, case.id).await?;
                Some((case, members))
            }
            None => None,
        }
    };
    let Some((case, members)) = found.filter(|(case, members)| on_it(case, members, viewer)) else {
        require(
            state,
            viewer,
            PersonId::nobody(),
            AccessAction::Read,
            CATEGORY,
        )
        .await?;
        return Err(ServiceError::NotFound);
    };
    require(state, viewer, case.person, AccessAction::Read, CATEGORY).await?;
    Ok((case, members))
}

/// Case `id` locked for a change in `tx`: it must still be open.
pub(super) async fn open_for_change(
    tx: &mut concordat_store::Conn,
    id: CaseId,
) -> Result<Case, ServiceError> {
    let case = store::case_by_id(tx, id, true)
        .await?
        .ok_or(ServiceError::NotFound)?;
    case.status.check_open().map_err(super::terms::invalid)?;
    Ok(case)
}

/// The case `id`, for one of its current members.
pub async fn case(state: &AppState, viewer: &Viewer, id: CaseId) -> Result<CaseView, ServiceError> {
    let (case, members) = member_case(state, viewer, id).await?;
    let mut conn = state.store.read().await?;
    assemble(&mut conn, case, members, true).await
}

/// The cases about `person` the viewer is or was a member of, open ones
/// first; reading the person's care team is decided and audited first.
pub async fn of_person(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Vec<Case>, ServiceError> {
    require(state, viewer, person, AccessAction::Read, CATEGORY).await?;
    let mut conn = state.store.read().await?;
    let mut theirs = Vec::new();
    for case in store::cases_of_person(&mut conn, person).await? {
        let members = store::members_of(&mut conn, case.id).await?;
        if members.iter().any(|m| m.user == viewer.user.id()) {
            theirs.push(case);
        }
    }
    Ok(theirs)
}

/// A case with its names, actions and (if `with_meetings`) meetings.
pub(super) async fn assemble(
    conn: &mut Conn,
    case: Case,
    members: Vec<Member>,
    with_meetings: bool,
) -> Result<CaseView, ServiceError> {
    let actions = store::actions_of(conn, case.id).await?;
    let meetings = if with_meetings {
        store::meetings_of(conn, case.id).await?
    } else {
        Vec::new()
    };
    let mut ids: Vec<UserId> = members.iter().map(|m| m.user).collect();
    ids.push(case.lead);
    ids.extend(actions.iter().map(|a| a.owner));
    ids.extend(meetings.iter().flat_map(|m| m.attendees.iter().copied()));
    ids.sort();
    ids.dedup();
    let mut names = BTreeMap::new();
    let mut organisation_names = BTreeMap::new();
    for user in users::users_by_ids(conn, &ids).await? {
        let org = user.organisation_id();
        if let std::collections::btree_map::Entry::Vacant(slot) = organisation_names.entry(org) {
            let name = organisations::organisation_by_id(conn, org)
                .await?
                .map(|o| o.name().to_string())
                .unwrap_or_default();
            slot.insert(name);
        }
        names.insert(
            user.id(),
            Named {
                user: user.id(),
                name: user.display_name().as_str().to_owned(),
                organisation: organisation_names[&org].clone(),
            },
        );
    }
    let mut current_members: Vec<Named> = current(&members)
        .into_iter()
        .filter_map(|u| names.get(&u).cloned())
        .collect();
    current_members.sort_by_key(|n| (n.user != case.lead, n.name.clone()));
    let person_name = persons::person_by_id(conn, case.person)
        .await?
        .map(|p| p.name().full())
        .unwrap_or_default();
    Ok(CaseView {
        case,
        person_name,
        members: current_members,
        actions,
        meetings,
        names,
    })
}

//! The list itself, for the team that offers support: only its members
//! see it, and each person on it is read through the access decision and
//! audited, so the person's access log shows every look at it.

use concordat_domain::ids::TeamId;
use concordat_domain::person::Person;
use concordat_store::frequent_contact::{self as store, Entry};

use super::terms::CATEGORY;
use crate::authorisation::{readable_with_people, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// One person on the list, as the support team sees them.
#[derive(Debug, Clone)]
pub struct Listed {
    pub entry: Entry,
    pub person: Person,
}

/// Whether the viewer's team offers support to the people on the list.
pub(super) async fn support_team_of(
    state: &AppState,
    viewer: &Viewer,
) -> Result<TeamId, ServiceError> {
    let refused = || {
        ServiceError::Forbidden(
            "the list of people in frequent contact is for the team that offers them support"
                .into(),
        )
    };
    let team = viewer.user.team_id().ok_or_else(refused)?;
    let mut conn = state.store.read().await?;
    if store::support_teams(&mut conn).await?.contains(&team) {
        Ok(team)
    } else {
        Err(refused())
    }
}

/// `limit` of the current entries from `offset` on (those waiting for
/// review first), and whether there are more; each person read through the
/// access decision and audited, and anyone it refuses left out.
pub async fn current(
    state: &AppState,
    viewer: &Viewer,
    offset: u32,
    limit: u32,
) -> Result<(Vec<Listed>, bool), ServiceError> {
    support_team_of(state, viewer).await?;
    let mut entries = {
        let mut conn = state.store.read().await?;
        store::current(&mut conn, offset, limit + 1).await?
    };
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    let shown = readable_with_people(state, viewer, entries, |e| e.person, CATEGORY).await?;
    Ok((
        shown
            .into_iter()
            .filter_map(|(entry, person)| person.map(|person| Listed { entry, person }))
            .collect(),
        more,
    ))
}

/// One entry of the viewer's support team, with its person read through
/// the access decision and audited. An entry of another team, one whose
/// person the decision refuses, or no entry at all: [`ServiceError::NotFound`].
pub async fn entry(
    state: &AppState,
    viewer: &Viewer,
    id: concordat_store::frequent_contact::EntryId,
) -> Result<Listed, ServiceError> {
    let team = support_team_of(state, viewer).await?;
    let found = {
        let mut conn = state.store.read().await?;
        store::entry_by_id(&mut conn, id, false).await?
    }
    .filter(|e| e.team == team);
    let person = found
        .as_ref()
        .map_or_else(concordat_domain::ids::PersonId::nobody, |e| e.person);
    // Decided (and audited) even for no entry, so that an id names no one
    // by how long it takes to answer.
    let shown = readable_with_people(state, viewer, vec![person], |p| *p, CATEGORY).await?;
    match (found, shown.into_iter().next()) {
        (Some(entry), Some((_, Some(person)))) => Ok(Listed { entry, person }),
        _ => Err(ServiceError::NotFound),
    }
}

/// Whether `user`'s team offers support to the people on the list (so
/// their home page offers it).
pub async fn offers_support(
    state: &AppState,
    user: &concordat_domain::user::User,
) -> Result<bool, ServiceError> {
    let Some(team) = user.team_id() else {
        return Ok(false);
    };
    let mut conn = state.store.read().await?;
    Ok(store::support_teams(&mut conn).await?.contains(&team))
}

//! The partnership's directory: its organisations and their teams, the
//! user accounts of its staff, and where a user stands in it. It names no
//! one the partnership cares for, so it needs no access decision; who may
//! list accounts is [`crate::permissions::may_see_users`].

use concordat_domain::ids::UserId;
use concordat_domain::organisation::{Organisation, Team};
use concordat_domain::role::Role;
use concordat_domain::user::User;
use concordat_store::{organisations, teams, users};

use crate::error::ServiceError;
use crate::permissions;
use crate::AppState;

/// Every organisation, and every team of each.
#[derive(Debug, Clone)]
pub struct Directory {
    pub organisations: Vec<Organisation>,
    pub teams: Vec<Team>,
}

impl Directory {
    /// The teams of `organisation`.
    pub fn teams_of(&self, organisation: &Organisation) -> impl Iterator<Item = &Team> {
        let id = organisation.id();
        self.teams.iter().filter(move |t| t.organisation_id() == id)
    }
}

pub async fn directory(state: &AppState) -> Result<Directory, ServiceError> {
    let mut conn = state.store.read().await?;
    Ok(Directory {
        organisations: organisations::list_organisations(&mut conn).await?,
        teams: teams::list_teams(&mut conn).await?,
    })
}

pub async fn organisations(state: &AppState) -> Result<Vec<Organisation>, ServiceError> {
    let mut conn = state.store.read().await?;
    Ok(organisations::list_organisations(&mut conn).await?)
}

/// The member of staff `id`, where they work: any account but a person's
/// own and a partner's system's. Staff are named on the record (care
/// teams, signatures, messages), so any signed-in caller may resolve one;
/// there is no list of them to browse. Anyone else, or no one, is
/// [`ServiceError::NotFound`].
pub async fn staff_member(state: &AppState, id: UserId) -> Result<(User, Placement), ServiceError> {
    let user = {
        let mut conn = state.store.read().await?;
        users::user_by_id(&mut conn, id).await?
    }
    .filter(|u| u.role() != Role::Person && !u.role().is_system())
    .ok_or(ServiceError::NotFound)?;
    let placement = placement(state, &user).await?;
    Ok((user, placement))
}

/// Where a user works: their organisation, and their team if they have one.
#[derive(Debug, Clone)]
pub struct Placement {
    pub organisation: Organisation,
    pub team: Option<Team>,
}

pub async fn placement(state: &AppState, user: &User) -> Result<Placement, ServiceError> {
    let mut conn = state.store.read().await?;
    let organisation = organisations::organisation_by_id(&mut conn, user.organisation_id())
        .await?
        .ok_or_else(|| ServiceError::Internal("the user's organisation is missing".into()))?;
    let team = match user.team_id() {
        Some(id) => teams::team_by_id(&mut conn, id).await?,
        None => None,
    };
    Ok(Placement { organisation, team })
}

/// The user accounts `user` may see: every one for an administrator, their
/// own organisation's for an information governance lead.
#[derive(Debug, Clone)]
pub struct Accounts {
    pub users: Vec<User>,
    pub organisations: Vec<Organisation>,
    /// The organisation the list is narrowed to, if it is.
    pub only: Option<Organisation>,
}

/// [`accounts`] whose username or name contains `wanted` (case ignored),
/// or all of them for an empty search.
pub async fn accounts_matching(
    state: &AppState,
    user: &User,
    wanted: &str,
) -> Result<Accounts, ServiceError> {
    let mut found = accounts(state, user).await?;
    let wanted = wanted.trim().to_lowercase();
    if !wanted.is_empty() {
        found.users.retain(|u| {
            u.username().as_str().contains(&wanted)
                || u.display_name().as_str().to_lowercase().contains(&wanted)
        });
    }
    Ok(found)
}

pub async fn accounts(state: &AppState, user: &User) -> Result<Accounts, ServiceError> {
    if !permissions::may_see_users(user.role()) {
        return Err(ServiceError::Forbidden(
            "only administrators and information governance leads can see user accounts".into(),
        ));
    }
    let mut conn = state.store.read().await?;
    let organisations = organisations::list_organisations(&mut conn).await?;
    let filter = (user.role() == Role::IgLead).then_some(user.organisation_id());
    let users = users::list_users(&mut conn, filter).await?;
    let only = filter.and_then(|id| organisations.iter().find(|o| o.id() == id).cloned());
    Ok(Accounts {
        users,
        organisations,
        only,
    })
}

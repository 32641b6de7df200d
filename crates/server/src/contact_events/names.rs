//! The team and staff an event names, resolved in the sender's
//! organisation: each name looked up once per batch, and a name not of
//! the organisation is the line's error.

use std::collections::HashMap;

use concordat_domain::ids::{OrganisationId, TeamId, UserId};
use concordat_domain::user::Username;
use concordat_store::{teams, users, Conn, StoreError};

use super::input::{Incoming, LineError};

/// The team and staff an event names, resolved in the sender's
/// organisation.
#[derive(Debug, Clone, Default)]
pub(super) struct Named {
    pub(super) team: Option<TeamId>,
    pub(super) users: Vec<UserId>,
}

/// The teams and staff of the sender's organisation that lines name, each
/// looked up once per batch.
pub(super) struct Names {
    organisation: OrganisationId,
    teams: HashMap<String, Option<TeamId>>,
    users: HashMap<Username, Option<UserId>>,
}

impl Names {
    pub(super) fn new(organisation: OrganisationId) -> Self {
        Self {
            organisation,
            teams: HashMap::new(),
            users: HashMap::new(),
        }
    }

    /// Whom `incoming` names, or why a name is not of the organisation.
    pub(super) async fn resolve(
        &mut self,
        conn: &mut Conn,
        incoming: &Incoming,
    ) -> Result<Result<Named, LineError>, StoreError> {
        let mut named = Named::default();
        if let Some(team) = &incoming.team {
            let key = team.to_lowercase();
            if !self.teams.contains_key(&key) {
                let found = teams::team_by_name(conn, self.organisation, team)
                    .await?
                    .map(|t| t.id());
                self.teams.insert(key.clone(), found);
            }
            match self.teams[&key] {
                Some(id) => named.team = Some(id),
                None => {
                    return Ok(Err(LineError::Invalid {
                        field: "team".into(),
                        message: format!("`{team}` is not a team of the sender's organisation"),
                    }))
                }
            }
        }
        for username in &incoming.attended_by {
            if !self.users.contains_key(username) {
                let found = users::user_by_username(conn, username)
                    .await?
                    .filter(|u| {
                        u.organisation_id() == self.organisation && u.role().is_practitioner()
                    })
                    .map(|u| u.id());
                self.users.insert(username.clone(), found);
            }
            match self.users[username] {
                Some(id) if !named.users.contains(&id) => named.users.push(id),
                Some(_) => {}
                None => {
                    return Ok(Err(LineError::Invalid {
                        field: "attended_by".into(),
                        message: format!(
                            "`{}` is not a member of staff of the sender's organisation",
                            username.as_str()
                        ),
                    }))
                }
            }
        }
        Ok(Ok(named))
    }
}

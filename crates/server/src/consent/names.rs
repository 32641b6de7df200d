//! The names shown beside a choice: who recorded it and for which
//! organisation, each user read once however many choices they recorded.

use concordat_domain::ids::UserId;
use concordat_domain::role::Role;
use concordat_store::{organisations, users, Conn, StoreError};

/// The names of the people who recorded choices, each read once.
#[derive(Debug, Default)]
pub(crate) struct UserNames {
    known: Vec<(UserId, String, String)>,
}

impl UserNames {
    /// The user's name and organisation's name (none for a person).
    pub(crate) async fn get(
        &mut self,
        conn: &mut Conn,
        id: UserId,
    ) -> Result<(String, String), StoreError> {
        if let Some((_, name, org)) = self.known.iter().find(|(u, _, _)| *u == id) {
            return Ok((name.clone(), org.clone()));
        }
        let (name, org) = match users::user_by_id(conn, id).await? {
            // A person's own account acts for no organisation.
            Some(user) if user.role() == Role::Person => {
                (user.display_name().as_str().to_owned(), String::new())
            }
            Some(user) => {
                let org = organisations::organisation_by_id(conn, user.organisation_id())
                    .await?
                    .map(|o| o.name().to_owned())
                    .unwrap_or_default();
                (user.display_name().as_str().to_owned(), org)
            }
            None => ("a former member of staff".to_owned(), String::new()),
        };
        self.known.push((id, name.clone(), org.clone()));
        Ok((name, org))
    }
}

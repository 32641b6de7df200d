//! Users — the people who sign in: practitioners of partner organisations,
//! governance and admin staff, and people viewing their own record. Owns the
//! sign-in name ([`Username`]), the [`DisplayName`], the password policy for a
//! [`NewPassword`], and the [`User`] with its one cross-field rule.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::carer::CarerOf;
use crate::ids::{OrganisationId, PersonId, TeamId, UserId};
use crate::role::Role;
use crate::text::{bounded, TextError};

mod password;

pub use password::{NewPassword, NewPasswordError};

/// A sign-in name: lowercase so "Sam.Jones" and "sam.jones" are one account,
/// and ASCII only so two names that look alike are alike (no Cyrillic "а"
/// standing in for a Latin "a").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username {
    name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a valid username: it must be 2 to 64 characters of letters, digits, `.`, `_` or `-`, starting with a letter or digit"
)]
pub struct UsernameError {
    input: String,
}

impl Username {
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        // ASCII lowercasing only: Unicode lowercasing maps some non-ASCII
        // letters (the Kelvin sign "K") onto ASCII ones, which would let a
        // look-alike name through as a duplicate of another.
        let name = raw.trim().to_ascii_lowercase();
        let allowed =
            |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-');
        let valid = (2..=64).contains(&name.len())
            && name.bytes().all(allowed)
            && name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if valid {
            Ok(Self { name })
        } else {
            Err(UsernameError {
                input: raw.trim().to_owned(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl std::str::FromStr for Username {
    type Err = UsernameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Username {
    type Error = UsernameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.name
    }
}

/// The name shown to colleagues and in the person's access log ("Dr Sam Jones").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName {
    name: String,
}

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded("display name", raw, Self::MAX_CHARS).map(|name| Self { name })
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl TryFrom<String> for DisplayName {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DisplayName> for String {
    fn from(value: DisplayName) -> Self {
        value.name
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("a user with the `person` role must be linked to a person record")]
    PersonRoleWithoutPerson,
    #[error("a user with the `{role}` role must not be linked to a person record: only the `person` role is")]
    OtherRoleLinkedToPerson { role: Role },
    #[error("a user with the `carer` role must be linked to the person they care for")]
    CarerRoleWithoutPerson,
    #[error("a user with the `{role}` role must not be linked as someone's carer: only the `carer` role is")]
    OtherRoleLinkedAsCarer { role: Role },
}

/// Someone who signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "UserRecord")]
pub struct User {
    id: UserId,
    username: Username,
    display_name: DisplayName,
    organisation_id: OrganisationId,
    team_id: Option<TeamId>,
    role: Role,
    // INVARIANT: `Some` exactly when `role` is `Role::Person`. A person's
    // account must point at their own record (it is all they may see), and a
    // practitioner's must not, or "own access" could open someone's record
    // to staff without any agreement.
    person_id: Option<PersonId>,
    // INVARIANT: `Some` exactly when `role` is `Role::Carer`, for the same
    // reason: a carer sees only what the person they care for lets them.
    carer_of: Option<CarerOf>,
    disabled: bool,
}

impl User {
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per field; each is a distinct validated type"
    )]
    pub fn new(
        id: UserId,
        username: Username,
        display_name: DisplayName,
        organisation_id: OrganisationId,
        team_id: Option<TeamId>,
        role: Role,
        person_id: Option<PersonId>,
        disabled: bool,
    ) -> Result<Self, UserError> {
        match (role == Role::Person, person_id.is_some()) {
            (true, false) => return Err(UserError::PersonRoleWithoutPerson),
            (false, true) => return Err(UserError::OtherRoleLinkedToPerson { role }),
            _ => {}
        }
        if role == Role::Carer {
            return Err(UserError::CarerRoleWithoutPerson);
        }
        Ok(Self {
            id,
            username,
            display_name,
            organisation_id,
            team_id,
            role,
            person_id,
            carer_of: None,
            disabled,
        })
    }

    /// A carer's account, linked to the person they care for. Its
    /// organisation is the one that invited them (the person's care team's).
    pub fn carer(
        id: UserId,
        username: Username,
        display_name: DisplayName,
        organisation_id: OrganisationId,
        carer_of: CarerOf,
        disabled: bool,
    ) -> Self {
        Self {
            id,
            username,
            display_name,
            organisation_id,
            team_id: None,
            role: Role::Carer,
            person_id: None,
            carer_of: Some(carer_of),
            disabled,
        }
    }

    pub fn id(&self) -> UserId {
        self.id
    }

    pub fn username(&self) -> &Username {
        &self.username
    }

    pub fn display_name(&self) -> &DisplayName {
        &self.display_name
    }

    pub fn organisation_id(&self) -> OrganisationId {
        self.organisation_id
    }

    pub fn team_id(&self) -> Option<TeamId> {
        self.team_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// The person's own record, for a user with the `person` role.
    pub fn person_id(&self) -> Option<PersonId> {
        self.person_id
    }

    /// Whose carer the user is, for a user with the `carer` role.
    pub fn carer_of(&self) -> Option<CarerOf> {
        self.carer_of
    }

    pub fn disabled(&self) -> bool {
        self.disabled
    }

    /// The same user, enabled or disabled. Cannot break the invariant.
    pub fn with_disabled(mut self, disabled: bool) -> Self {
        self.disabled = disabled;
        self
    }
}

impl fmt::Display for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.display_name, self.username)
    }
}

#[derive(Deserialize)]
struct UserRecord {
    id: UserId,
    username: Username,
    display_name: DisplayName,
    organisation_id: OrganisationId,
    team_id: Option<TeamId>,
    role: Role,
    person_id: Option<PersonId>,
    #[serde(default)]
    carer_of: Option<CarerOf>,
    disabled: bool,
}

impl TryFrom<UserRecord> for User {
    type Error = UserError;
    fn try_from(r: UserRecord) -> Result<Self, Self::Error> {
        match (r.role == Role::Carer, r.carer_of) {
            (true, Some(carer_of)) => {
                if r.person_id.is_some() {
                    return Err(UserError::OtherRoleLinkedToPerson { role: r.role });
                }
                return Ok(Self::carer(
                    r.id,
                    r.username,
                    r.display_name,
                    r.organisation_id,
                    carer_of,
                    r.disabled,
                ));
            }
            (true, None) => return Err(UserError::CarerRoleWithoutPerson),
            (false, Some(_)) => return Err(UserError::OtherRoleLinkedAsCarer { role: r.role }),
            (false, None) => {}
        }
        Self::new(
            r.id,
            r.username,
            r.display_name,
            r.organisation_id,
            r.team_id,
            r.role,
            r.person_id,
            r.disabled,
        )
    }
}

#[cfg(test)]
mod tests;

//! The care team around a person: the professionals from any partner who work
//! with them, and the one lead professional everyone can reach. Membership is
//! one of the legitimate relationships the access decision looks for, so the
//! team's rules live here, not in a handler.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{CareTeamId, OrganisationId, PersonId, UserId};
use crate::text::{bounded, TextError};

/// One professional on a care team and what they are responsible for
/// ("care coordinator", "employment support").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CareTeamMemberRecord")]
pub struct CareTeamMember {
    user_id: UserId,
    organisation_id: OrganisationId,
    responsibility: String,
}

impl CareTeamMember {
    pub const MAX_RESPONSIBILITY_CHARS: usize = 120;

    pub fn new(
        user_id: UserId,
        organisation_id: OrganisationId,
        responsibility: &str,
    ) -> Result<Self, TextError> {
        let responsibility = bounded(
            "responsibility",
            responsibility,
            Self::MAX_RESPONSIBILITY_CHARS,
        )?;
        Ok(Self {
            user_id,
            organisation_id,
            responsibility,
        })
    }

    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    pub fn organisation_id(&self) -> OrganisationId {
        self.organisation_id
    }

    pub fn responsibility(&self) -> &str {
        &self.responsibility
    }
}

#[derive(Deserialize)]
struct CareTeamMemberRecord {
    user_id: UserId,
    organisation_id: OrganisationId,
    responsibility: String,
}

impl TryFrom<CareTeamMemberRecord> for CareTeamMember {
    type Error = TextError;
    fn try_from(r: CareTeamMemberRecord) -> Result<Self, Self::Error> {
        Self::new(r.user_id, r.organisation_id, &r.responsibility)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CareTeamError {
    #[error(transparent)]
    Name(#[from] TextError),
    #[error("a care team must have at least one member")]
    NoMembers,
    #[error("user `{user_id}` is listed on the care team more than once")]
    DuplicateMember { user_id: UserId },
    #[error("the lead professional `{lead}` must be a member of the care team")]
    LeadNotMember { lead: UserId },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CareTeamRecord")]
pub struct CareTeam {
    id: CareTeamId,
    person_id: PersonId,
    name: String,
    // INVARIANT: non-empty, unique by user, and containing `lead`. A team with
    // a lead who is not on it would leave a GP ringing someone who cannot
    // see the record — the "limbo" this software exists to prevent.
    members: Vec<CareTeamMember>,
    lead: UserId,
}

impl CareTeam {
    pub const MAX_NAME_CHARS: usize = 120;

    pub fn new(
        id: CareTeamId,
        person_id: PersonId,
        name: &str,
        members: Vec<CareTeamMember>,
        lead: UserId,
    ) -> Result<Self, CareTeamError> {
        let name = bounded("name", name, Self::MAX_NAME_CHARS)?;
        if members.is_empty() {
            return Err(CareTeamError::NoMembers);
        }
        for (i, member) in members.iter().enumerate() {
            if members[..i]
                .iter()
                .any(|earlier| earlier.user_id == member.user_id)
            {
                return Err(CareTeamError::DuplicateMember {
                    user_id: member.user_id,
                });
            }
        }
        if !members.iter().any(|member| member.user_id == lead) {
            return Err(CareTeamError::LeadNotMember { lead });
        }
        Ok(Self {
            id,
            person_id,
            name,
            members,
            lead,
        })
    }

    pub fn id(&self) -> CareTeamId {
        self.id
    }

    pub fn person_id(&self) -> PersonId {
        self.person_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn members(&self) -> &[CareTeamMember] {
        &self.members
    }

    pub fn lead(&self) -> UserId {
        self.lead
    }

    /// The lead's membership, with their organisation and responsibility.
    pub fn lead_member(&self) -> &CareTeamMember {
        // INVARIANT: the lead is always a member, so this finds one; the
        // fallback to the first member (never empty) only satisfies the types.
        self.member(self.lead).unwrap_or(&self.members[0])
    }

    pub fn member(&self, user_id: UserId) -> Option<&CareTeamMember> {
        self.members.iter().find(|member| member.user_id == user_id)
    }

    pub fn has_member(&self, user_id: UserId) -> bool {
        self.member(user_id).is_some()
    }

    /// Whether anyone from `organisation_id` is on the team.
    pub fn includes_organisation(&self, organisation_id: OrganisationId) -> bool {
        self.members
            .iter()
            .any(|member| member.organisation_id == organisation_id)
    }

    /// The team with `member` added; refused if they are already on it.
    pub fn with_member(&self, member: CareTeamMember) -> Result<Self, CareTeamError> {
        let mut members = self.members.clone();
        members.push(member);
        Self::new(self.id, self.person_id, &self.name, members, self.lead)
    }

    /// The team without `user_id`; refused for the lead (hand over first,
    /// with [`Self::with_lead`]). Removing someone not on it changes nothing.
    pub fn without_member(&self, user_id: UserId) -> Result<Self, CareTeamError> {
        let members = self
            .members
            .iter()
            .filter(|m| m.user_id != user_id)
            .cloned()
            .collect();
        Self::new(self.id, self.person_id, &self.name, members, self.lead)
    }

    /// The team with a new lead, who must already be a member.
    pub fn with_lead(&self, lead: UserId) -> Result<Self, CareTeamError> {
        Self::new(
            self.id,
            self.person_id,
            &self.name,
            self.members.clone(),
            lead,
        )
    }
}

impl fmt::Display for CareTeam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[derive(Deserialize)]
struct CareTeamRecord {
    id: CareTeamId,
    person_id: PersonId,
    name: String,
    members: Vec<CareTeamMember>,
    lead: UserId,
}

impl TryFrom<CareTeamRecord> for CareTeam {
    type Error = CareTeamError;
    fn try_from(r: CareTeamRecord) -> Result<Self, Self::Error> {
        Self::new(r.id, r.person_id, &r.name, r.members, r.lead)
    }
}

#[cfg(test)]
mod tests;

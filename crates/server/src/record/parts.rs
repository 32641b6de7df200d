//! What a record read shows besides the person row itself, as read from
//! the store in one go and kept between reads under the access versions.

use concordat_access::FieldMask;
use concordat_domain::care_team::CareTeam;
use concordat_domain::ids::{PersonId, UserId};
use concordat_domain::organisation::Organisation;
use concordat_domain::user::User;
use concordat_store::{care_teams, masks, organisations, users, Conn, StoreError};

/// What a record read shows besides the person row itself: the masks on
/// it, the care teams with their members' accounts, and the organisations
/// they belong to. Kept between reads under the access versions.
#[derive(Debug)]
pub struct RecordParts {
    pub(super) masks: Vec<FieldMask>,
    pub(super) care_teams: Vec<CareTeam>,
    pub(super) members: Vec<User>,
    pub(super) organisations: Vec<Organisation>,
}

impl RecordParts {
    /// Whether `user` is on one of the person's care teams.
    pub(crate) fn has_member(&self, user: UserId) -> bool {
        self.care_teams
            .iter()
            .any(|t| t.members().iter().any(|m| m.user_id() == user))
    }

    pub(super) async fn load(conn: &mut Conn, person: PersonId) -> Result<Self, StoreError> {
        let masks = masks::masks_of(conn, person)
            .await?
            .iter()
            .map(|m| FieldMask::new(&m.field, &m.visible_to))
            .collect();
        let care_teams = care_teams::care_teams_of_person(conn, person).await?;
        // Only the members' accounts: the partnership may have thousands of
        // staff.
        let member_ids: Vec<_> = care_teams
            .iter()
            .flat_map(|t| t.members().iter().map(|m| m.user_id()))
            .collect();
        Ok(Self {
            masks,
            members: users::users_by_ids(conn, &member_ids).await?,
            organisations: organisations::list_organisations(conn).await?,
            care_teams,
        })
    }
}

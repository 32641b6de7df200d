//! The relationship a contact opens: for the team and staff it names, for
//! as long as the contact lasts; a discharge ends what the admission
//! opened. Events from source systems and contacts recorded by hand open
//! them alike.

use chrono::{DateTime, Utc};
use concordat_domain::contact_event::{ContactEvent, ContactKind, ContactLasts};
use concordat_domain::ids::{OrganisationId, TeamId, UserId};
use concordat_store::relationships::{self, CareRelationship, RelationshipKind};
use concordat_store::{Conn, StoreError};

use crate::AppState;

/// How long an admission's relationship is kept when no discharge comes:
/// in practice until the discharge, which ends it.
pub const ADMISSION_AT_MOST_DAYS: i64 = 3650;

/// The relationships a contact opens for whom it names, for as long as it
/// lasts; none for a kind that is a single act, or an event naming no one.
pub fn opened_relationships(
    state: &AppState,
    event: &ContactEvent,
    organisation: OrganisationId,
    team: Option<TeamId>,
    users: &[UserId],
    reason: &str,
    now: DateTime<Utc>,
) -> Vec<CareRelationship> {
    let ends_at = match event.kind.lasts() {
        ContactLasts::Not => return Vec::new(),
        ContactLasts::For(duration) => now + duration,
        ContactLasts::LookUpWindow => now + state.config.crisis_lookup_for,
        ContactLasts::UntilDischarge => now + chrono::Duration::days(ADMISSION_AT_MOST_DAYS),
    };
    let row = |team: Option<TeamId>, user: Option<UserId>| CareRelationship {
        id: uuid::Uuid::new_v4(),
        person: event.person,
        organisation,
        user,
        team,
        contact_kind: Some(event.kind),
        kind: RelationshipKind::ActiveContact,
        reason: reason.to_owned(),
        started_at: now,
        ends_at,
    };
    team.map(|t| row(Some(t), None))
        .into_iter()
        .chain(users.iter().map(|u| row(None, Some(*u))))
        .collect()
}

/// Writes a contact's relationships, and for a discharge ends what the
/// organisation's admission of the person opened.
pub async fn open_and_close(
    conn: &mut Conn,
    event: &ContactEvent,
    organisation: OrganisationId,
    opened: &[CareRelationship],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if event.kind == ContactKind::Discharge {
        relationships::end_contact_relationships(
            conn,
            event.person,
            organisation,
            ContactKind::Admission,
            now,
        )
        .await?;
    }
    for relationship in opened {
        relationships::insert_relationship(conn, relationship).await?;
    }
    Ok(())
}

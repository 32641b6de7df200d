//! The support team's access to a person on the list: a relationship
//! lasting until the entry must be reviewed, written only by the audit
//! writer in the transaction of the audit entry that says why and until
//! when — at identification and again at each review that keeps the person
//! on the list — so the team never holds access the audit does not show.

use chrono::{DateTime, Utc};
use concordat_domain::dates::long_date;
use concordat_domain::ids::{OrganisationId, PersonId, TeamId};
use concordat_domain::purpose::Purpose;
use concordat_store::audit::{Actor, AuditAction, AuditEntry, Outcome};
use concordat_store::relationships::{CareRelationship, Opening, RelationshipKind};

use super::terms::{CATEGORY, SUPPORT_REASON};
use crate::authorisation::AccessError;
use crate::AppState;

/// The team's relationship with `person` from `now` until `until`.
pub(super) fn relationship(
    person: PersonId,
    team: TeamId,
    organisation: OrganisationId,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> CareRelationship {
    CareRelationship {
        id: uuid::Uuid::new_v4(),
        person,
        organisation,
        user: None,
        team: Some(team),
        contact_kind: None,
        kind: RelationshipKind::ActiveContact,
        reason: SUPPORT_REASON.to_owned(),
        started_at: now,
        ends_at: until,
    }
}

/// What opened or extended the team's access, and by whom (no one for
/// identification, which the threshold makes).
pub(super) struct Grant {
    pub actor: Option<Actor>,
    pub purpose: Option<Purpose>,
    pub what: String,
    pub until: DateTime<Utc>,
    pub opening: Opening,
}

/// Writes `grant`'s audit entry and, in its transaction, the relationship
/// it opens or extends.
pub(super) async fn open(state: &AppState, grant: Grant) -> Result<u64, AccessError> {
    let person = grant.opening.person();
    Ok(state
        .audit
        .record_opening(
            AuditEntry {
                occurred_at: state.clock.now(),
                actor: grant.actor,
                purpose: grant.purpose,
                person: Some(person),
                action: AuditAction::Write,
                categories: vec![CATEGORY],
                outcome: Outcome::Allowed,
                reasons: vec![
                    grant.what,
                    format!(
                        "the support team may read the record to offer support until {}",
                        long_date(grant.until.date_naive())
                    ),
                ],
                policy_ids: Vec::new(),
                break_glass: false,
            },
            grant.opening,
        )
        .await?)
}

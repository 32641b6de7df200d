//! A member's access to the person: a `case-member` relationship for the
//! member alone, lasting while the membership does (at most
//! [`MEMBERSHIP_AT_MOST`]), written only by the audit writer in the
//! transaction of the audit entry that says which case and who added
//! them — so nobody holds access the audit does not show. Its end is
//! written with the membership's end and audited after.

use chrono::{DateTime, Utc};
use concordat_domain::case::MEMBERSHIP_AT_MOST;
use concordat_domain::ids::PersonId;
use concordat_domain::user::User;
use concordat_store::audit::{AuditAction, AuditEntry, Outcome};
use concordat_store::cases::Case;
use concordat_store::relationships::{CareRelationship, Opening, RelationshipKind};

use super::terms::CATEGORY;
use crate::authorisation::{actor, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// The relationship a new membership of `case` gives `member`, from `now`.
pub(super) fn relationship(case: &Case, member: &User, now: DateTime<Utc>) -> CareRelationship {
    CareRelationship {
        id: uuid::Uuid::new_v4(),
        person: case.person,
        organisation: member.organisation_id(),
        user: Some(member.id()),
        team: None,
        contact_kind: None,
        kind: RelationshipKind::CaseMember,
        reason: case.reason.clone(),
        started_at: now,
        ends_at: now + MEMBERSHIP_AT_MOST,
    }
}

/// Writes the audit entry saying `viewer` made `member` a member of `case`
/// and, in its transaction, the relationship it gives.
pub(super) async fn open(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    member: &User,
    relationship: CareRelationship,
) -> Result<(), ServiceError> {
    let until = relationship.ends_at;
    state
        .audit
        .record_opening(
            AuditEntry {
                occurred_at: state.clock.now(),
                actor: Some(actor(&viewer.user)),
                purpose: Some(viewer.purpose),
                person: Some(case.person),
                action: AuditAction::Write,
                categories: vec![CATEGORY],
                outcome: Outcome::Allowed,
                reasons: vec![
                    format!(
                        "made {} a member of multi-agency case {}",
                        member.display_name().as_str(),
                        case.id
                    ),
                    format!(
                        "the member may read what their agreement grants while the case is \
                         open and they are on it, until {} at most",
                        concordat_domain::dates::when(until)
                    ),
                ],
                policy_ids: Vec::new(),
                break_glass: false,
            },
            Opening::New(relationship),
        )
        .await?;
    Ok(())
}

/// The audit entry of memberships ended (a member leaving, or the case
/// closing), written after the end committed: the access is already gone.
pub(super) async fn ended(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    what: String,
) -> Result<(), ServiceError> {
    state
        .audit
        .record(AuditEntry {
            occurred_at: state.clock.now(),
            actor: Some(actor(&viewer.user)),
            purpose: Some(viewer.purpose),
            person: Some(person),
            action: AuditAction::Write,
            categories: vec![CATEGORY],
            outcome: Outcome::Allowed,
            reasons: vec![what],
            policy_ids: Vec::new(),
            break_glass: false,
        })
        .await?;
    Ok(())
}

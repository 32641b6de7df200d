//! The crisis side of a person's record: the crisis plan made with them,
//! safety flags, contacts with services, and the out-of-hours crisis
//! look-up. Every read and write here goes through the one access decision
//! (`crate::authorisation`) and is audited before anything is shown or changed.

pub mod contacts;
pub mod coverage;
pub mod flags;
pub mod lookup;
pub mod plans;

use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_store::audit::AuditAction;
use concordat_store::care_teams;

use crate::authorisation::{authorise, Authorisation, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// Decides and audits `action` on `category` of `person`'s record, and
/// fails unless it is allowed.
pub async fn require(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    category: DataCategory,
) -> Result<Authorisation, ServiceError> {
    let audit_action = match action {
        AccessAction::Write => AuditAction::Write,
        _ => AuditAction::Read,
    };
    let authorisation = authorise(state, viewer, person, action, &[category], audit_action).await?;
    match authorisation.refusal() {
        Some(refused) => Err(refused.into()),
        None => Ok(authorisation),
    }
}

/// Whether the viewer works on the person's care team, or is the person:
/// drafts of a plan are for them; everyone else sees only what was agreed.
pub async fn sees_drafts(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<bool, ServiceError> {
    // The person needs no look at the care teams.
    if sees_drafts_given(viewer, person, false) {
        return Ok(true);
    }
    let mut conn = state.store.read().await?;
    let member = care_teams::is_care_team_member(&mut conn, person, viewer.user.id()).await?;
    Ok(sees_drafts_given(viewer, person, member))
}

/// [`sees_drafts`], for a caller that knows whether the viewer is on the
/// person's care team (from the record's kept parts, say).
pub(crate) fn sees_drafts_given(viewer: &Viewer, person: PersonId, on_care_team: bool) -> bool {
    on_care_team || viewer.user.person_id() == Some(person)
}

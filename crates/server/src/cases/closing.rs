//! Closing a case with an outcome: its lead closes it, every membership
//! and the access it gave end at once, what is left of the actions'
//! escalations is cancelled, and the person is told. A closed case is kept
//! as the record of what was done and takes no more changes.

use concordat_domain::case::{closing_note, CaseOutcome, CaseStatus};
use concordat_store::cases::{self as store, Case, CaseId};
use concordat_store::{jobs, relationships};

use super::terms::{invalid, NOTICE_KIND};
use super::view::{member_case, open_for_change};
use crate::authorisation::Viewer;
use crate::delivery::{Message, Outbox};
use crate::error::ServiceError;
use crate::escalation::case_action::KIND as ESCALATION;
use crate::told::tell_the_person;
use crate::AppState;

/// Closes case `id` with `outcome`, for its lead.
pub async fn close(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
    outcome: CaseOutcome,
    note: &str,
) -> Result<Case, ServiceError> {
    let note = closing_note(note).map_err(invalid)?;
    let (case, _) = member_case(state, viewer, id).await?;
    if case.lead != viewer.user.id() {
        return Err(ServiceError::Forbidden(
            "only the case's lead professional closes it".into(),
        ));
    }
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let mut case = open_for_change(&mut tx, id).await?;
    case.status = CaseStatus::Closed;
    case.outcome = Some(outcome);
    case.closing_note = note;
    case.closed_by = Some(viewer.user.id());
    case.closed_at = Some(now);
    store::save_case(&mut tx, &case).await?;
    // INVARIANT: no membership, and so no access, outlives the case.
    let mut ended = 0;
    for member in store::members_of(&mut tx, id).await? {
        if member.is_current() {
            store::end_member(&mut tx, member.id, now).await?;
            relationships::end_relationship(&mut tx, member.relationship, case.person, now).await?;
            ended += 1;
        }
    }
    for action in store::actions_of(&mut tx, id).await? {
        if action.done_at.is_none() {
            jobs::cancel(&mut tx, ESCALATION, &action.id.to_string(), now).await?;
        }
    }
    let mut outbox = Outbox::default();
    let told = Message {
        kind: NOTICE_KIND.into(),
        subject: "Your multi-agency case was closed".into(),
        body: format!(
            "Your multi-agency case was closed: {}. The professionals on it can no longer \
             read your record through it.",
            outcome.label().to_lowercase()
        ),
        link: Some("/my/case".into()),
        person: Some(case.person),
    };
    tell_the_person(&mut tx, &mut outbox, case.person, &told, now).await?;
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    super::access::ended(
        state,
        viewer,
        case.person,
        format!(
            "closed multi-agency case {id} ({}): {ended} memberships and their access ended",
            outcome.label().to_lowercase()
        ),
    )
    .await?;
    Ok(case)
}

//! The shared plan's actions: any member adds one, owned by a member and
//! due on a day not yet past; a missed one escalates through the
//! scheduler, to its owner and then to the lead
//! ([`crate::escalation::case_action`]); marking it done stops that.

use chrono::NaiveDate;
use concordat_domain::case::{done_note, NewAction, Told};
use concordat_domain::ids::UserId;
use concordat_store::cases::{self as store, Action, ActionId, CaseId};
use concordat_store::jobs;

use super::terms::{invalid, link, NOTICE_KIND};
use super::view::{current, member_case, open_for_change};
use crate::authorisation::Viewer;
use crate::delivery::{Message, Outbox, Recipient};
use crate::error::ServiceError;
use crate::escalation::case_action::KIND as ESCALATION;
use crate::AppState;

/// An action as entered.
#[derive(Debug, Clone)]
pub struct NewActionInput {
    pub what: String,
    pub owner: UserId,
    pub due_on: NaiveDate,
}

/// Adds an action to case `id`, for one of its members; its owner is told
/// (unless they added it) and its escalation is scheduled.
pub async fn add_action(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
    input: NewActionInput,
) -> Result<Action, ServiceError> {
    member_case(state, viewer, id).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let case = open_for_change(&mut tx, id).await?;
    let members = current(&store::members_of(&mut tx, id).await?);
    let parsed = NewAction::parse(
        &input.what,
        input.owner,
        input.due_on,
        &members,
        now.date_naive(),
    )
    .map_err(invalid)?;
    let action = Action {
        id: uuid::Uuid::new_v4(),
        case: id,
        what: parsed.what().to_owned(),
        owner: parsed.owner(),
        due_on: parsed.due_on(),
        added_by: viewer.user.id(),
        added_at: now,
        done_at: None,
        done_by: None,
        done_note: String::new(),
        escalation_step: 0,
    };
    store::insert_action(&mut tx, &action).await?;
    jobs::schedule(
        &mut tx,
        ESCALATION,
        &action.id.to_string(),
        Told::Owner.step(),
        Told::Owner.due_at(action.due_on),
        "{}",
        now,
    )
    .await?;
    if action.owner != viewer.user.id() {
        let mut outbox = Outbox::default();
        outbox.push(
            Recipient::User(action.owner),
            Message {
                kind: NOTICE_KIND.into(),
                subject: "A multi-agency case gave you an action".into(),
                body: format!(
                    "{} gave you an action, due {}: {}",
                    viewer.user.display_name().as_str(),
                    concordat_domain::dates::long_date(action.due_on),
                    action.what
                ),
                link: Some(link(id)),
                person: Some(case.person),
            },
            now,
        );
        outbox.flush(&mut tx, now).await?;
    }
    tx.commit().await?;
    Ok(action)
}

/// Marks action `action` of case `id` done, for one of its members; what
/// is left of its escalation is cancelled.
pub async fn mark_done(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
    action: ActionId,
    note: &str,
) -> Result<Action, ServiceError> {
    let note = done_note(note).map_err(invalid)?;
    member_case(state, viewer, id).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    open_for_change(&mut tx, id).await?;
    let mut found = store::action_by_id(&mut tx, action, true)
        .await?
        .filter(|a| a.case == id)
        .ok_or(ServiceError::NotFound)?;
    if found.done_at.is_some() {
        return Err(ServiceError::Conflict("this action is already done".into()));
    }
    found.done_at = Some(now);
    found.done_by = Some(viewer.user.id());
    found.done_note = note;
    store::save_action(&mut tx, &found).await?;
    jobs::cancel(&mut tx, ESCALATION, &found.id.to_string(), now).await?;
    tx.commit().await?;
    Ok(found)
}

//! Recording a matched event for its person: the event as its sender sent
//! it, about the person it was matched to, through the same ingest as any event
//! — the sender's registration, the access decision for the sender, the
//! audit, the relationships it opens, whom it tells. The held event then
//! says what became of it.

use concordat_domain::person::Person;
use concordat_domain::purpose::Purpose;
use concordat_domain::user::User;
use concordat_store::held_events::{self, HeldEvent, HeldStatus};
use concordat_store::users;

use crate::authorisation::Viewer;
use crate::contact_events::{self, EventInput, LineStatus, Whom};
use crate::error::ServiceError;
use crate::AppState;

/// Who matched an event: the job (`None`) or a reviewer, with their note.
pub(super) type DecidedBy<'a> = Option<(&'a User, &'a str)>;

/// Records `held` for `person` and saves what became of it: linked with
/// the contact's id, or not recorded with why.
pub(super) async fn record_for(
    state: &AppState,
    held: &mut HeldEvent,
    person: &Person,
    decided_by: DecidedBy<'_>,
) -> Result<HeldStatus, ServiceError> {
    let now = state.clock.now();
    let outcome = record(state, held, person).await?;
    held.person = Some(person.id());
    match outcome {
        Ok(id) => {
            held.status = HeldStatus::Linked;
            held.contact_event = id;
        }
        Err(why) => {
            held.status = HeldStatus::NotRecorded;
            held.decision_note = why;
        }
    }
    if let Some((reviewer, note)) = decided_by {
        held.decided_by = Some(reviewer.id());
        held.decided_at = Some(now);
        if held.status == HeldStatus::Linked {
            held.decision_note = note.to_owned();
        }
    }
    let mut tx = state.store.write().await?;
    held_events::save(&mut tx, held).await?;
    tx.commit().await?;
    Ok(held.status)
}

/// The contact's id once recorded (or found recorded before), or why it
/// was not.
async fn record(
    state: &AppState,
    held: &HeldEvent,
    person: &Person,
) -> Result<Result<Option<concordat_domain::ids::ContactEventId>, String>, ServiceError> {
    let sender = {
        let mut conn = state.store.read().await?;
        users::user_by_id(&mut conn, held.source_user).await?
    };
    let Some(sender) = sender else {
        return Ok(Err("the sending system's account no longer exists".into()));
    };
    let purpose =
        Purpose::parse(&held.purpose).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let viewer = Viewer {
        user: sender,
        purpose,
    };
    let input: EventInput = serde_json::from_str(&held.payload)
        .map_err(|e| ServiceError::Internal(format!("a held event's payload: {e}")))?;
    // The event as it was checked when it arrived, now about the person it
    // was matched to, whether or not they have an NHS number.
    let parsed = input.check(state.clock.now()).map(|mut incoming| {
        incoming.whom = Whom::Matched(person.id());
        incoming
    });
    let reports = match contact_events::ingest(state, &viewer, vec![(1, parsed)]).await {
        Ok(reports) => reports,
        // The sender is no longer registered (its account disabled, its
        // registration ended): nothing is recorded in its name.
        Err(ServiceError::Forbidden(why)) => return Ok(Err(why)),
        Err(other) => return Err(other),
    };
    let Some(report) = reports.into_iter().next() else {
        return Err(ServiceError::Internal("an event went unreported".into()));
    };
    Ok(match report.status {
        LineStatus::Recorded => Ok(report.id),
        LineStatus::Duplicate => {
            Ok(contact_events::recorded_as(state, &viewer, &held.event_id).await?)
        }
        LineStatus::Held | LineStatus::Error => Err(report
            .reason
            .unwrap_or_else(|| "the event could not be recorded".into())),
    })
}

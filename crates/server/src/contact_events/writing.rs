//! Writing a batch's allowed lines, a transaction at a time: each line's
//! event, relationships, transitions, notifications, webhook deliveries
//! and the traumatic incident it marks for its staff together, a duplicate
//! skipped, and a failed transaction's lines reported as not recorded.

use chrono::{DateTime, Utc};
use concordat_domain::contact_event::ContactEvent;
use concordat_domain::ids::{ContactEventId, UserId};
use concordat_domain::user::User;
use concordat_domain::wellbeing::IncidentKind;
use concordat_store::contact_events::{self, Transition};
use concordat_store::wellbeing::Incident;
use concordat_store::{users, Conn, StoreError};

use super::input::LineError;
use super::lines::{Line, PersonLines};
use super::opening::{open_and_close, opened_relationships};
use super::report::{LineReport, LineStatus};
use crate::authorisation::Viewer;
use crate::delivery::Outbox;
use crate::wellbeing::record as wellbeing;
use crate::AppState;

/// Lines written per transaction. On SQLite each commit (and the WAL
/// pages it rewrites) costs more than the rows: 5,000 took the commit share
/// of a 100,000-line batch from 5 s at 500 to under 1 s, while one
/// transaction still holds the writer for well under a second.
pub const LINES_PER_TRANSACTION: usize = 5000;

/// Writes the allowed lines, [`LINES_PER_TRANSACTION`] at a time.
pub(super) async fn write(
    state: &AppState,
    viewer: &Viewer,
    allowed: &[PersonLines],
    now: DateTime<Utc>,
) -> Vec<LineReport> {
    let mut queue: Vec<(&PersonLines, &Line)> = allowed
        .iter()
        .flat_map(|group| group.lines.iter().map(move |line| (group, line)))
        .collect();
    queue.sort_by_key(|(_, line)| line.number);
    let mut reports = Vec::with_capacity(queue.len());
    for chunk in queue.chunks(LINES_PER_TRANSACTION) {
        match write_chunk(state, viewer, chunk, now).await {
            Ok(done) => reports.extend(done),
            Err(error) => {
                tracing::error!(%error, lines = chunk.len(), "contact events not stored");
                reports.extend(
                    chunk
                        .iter()
                        .map(|(_, line)| LineReport::error(line.number, LineError::NotStored)),
                );
            }
        }
    }
    reports
}

async fn write_chunk(
    state: &AppState,
    viewer: &Viewer,
    chunk: &[(&PersonLines, &Line)],
    now: DateTime<Utc>,
) -> Result<Vec<LineReport>, StoreError> {
    let user = &viewer.user;
    let recorder_name = user.display_name().as_str().to_owned();
    let events: Vec<ContactEvent> = chunk
        .iter()
        .map(|(group, line)| ContactEvent {
            id: ContactEventId::new(),
            person: group.person.id(),
            kind: line.incoming.kind,
            occurred_at: line.incoming.occurred_at,
            recorded_at: now,
            recorded_by: Some(user.id()),
            recorder_name: recorder_name.clone(),
            organisation: Some(user.organisation_id()),
            outcome: line.incoming.outcome.clone(),
            note: line.incoming.note.clone(),
            source: Some(line.incoming.source.clone()),
        })
        .collect();
    let mut tx = state.store.write().await?;
    let new = contact_events::insert_new_events(&mut tx, &events).await?;
    let mut outbox = Outbox::default();
    let mut reports = Vec::with_capacity(chunk.len());
    for (((group, line), event), is_new) in chunk.iter().zip(&events).zip(new) {
        let incoming = &line.incoming;
        if !is_new {
            reports.push(LineReport {
                line: line.number,
                status: LineStatus::Duplicate,
                reason: Some(format!(
                    "already recorded: {}/{}",
                    incoming.source.system, incoming.source.event_id
                )),
                id: None,
                held: None,
                error: None,
            });
            continue;
        }
        let reason = format!(
            "{} reported by {}",
            mid_sentence(event.kind.label()),
            recorder_name
        );
        let opened = opened_relationships(
            state,
            event,
            user.organisation_id(),
            line.named.team,
            &line.named.users,
            &reason,
            now,
        );
        open_and_close(&mut tx, event, user.organisation_id(), &opened, now).await?;
        if incoming.transition != Transition::default() {
            contact_events::insert_transition(&mut tx, event.id, &incoming.transition).await?;
        }
        if let Some(detention) = &incoming.detention {
            contact_events::insert_detention(&mut tx, event.id, detention).await?;
        }
        group
            .told
            .tell(
                &mut tx,
                &mut outbox,
                &group.person,
                event,
                incoming,
                user,
                now,
            )
            .await?;
        // Only here, past the duplicate check and inside the event's own
        // transaction: an event sent again offers no second check, and an
        // event not kept leaves no incident behind.
        if let Some(kind) = incoming.traumatic_incident {
            record_incident(
                &mut tx,
                &mut outbox,
                user,
                kind,
                incoming.occurred_at,
                &line.named.users,
                now,
            )
            .await?;
        }
        reports.push(LineReport {
            line: line.number,
            status: LineStatus::Recorded,
            reason: None,
            id: Some(event.id),
            held: None,
            error: None,
        });
    }
    let mut people: Vec<_> = chunk
        .iter()
        .zip(&events)
        .zip(&reports)
        .filter(|((_, event), report)| {
            report.status == LineStatus::Recorded && event.kind.counts_as_emergency_contact()
        })
        .map(|((_, event), _)| event.person)
        .collect();
    people.sort();
    people.dedup();
    let identified = crate::frequent_contact::identify(
        &mut tx,
        &mut outbox,
        &people,
        state.config.frequent_contact,
        now,
    )
    .await?;
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    if let Err(error) = crate::frequent_contact::audit_identified(state, identified).await {
        tracing::error!(%error, "identification in frequent contact not audited; no access opened");
    }
    Ok(reports)
}

/// Records the traumatic incident an event marks, attended by the staff it
/// names, as the wellbeing service records one a member of staff types:
/// for the sender's organisation, recorded by the sending system. It
/// carries nothing of the person or the event, so it reaches neither the
/// record nor the audit log.
pub(super) async fn record_incident(
    conn: &mut Conn,
    outbox: &mut Outbox,
    sender: &User,
    kind: IncidentKind,
    occurred_at: DateTime<Utc>,
    named: &[UserId],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut attended = users::users_by_ids(conn, named).await?;
    // `attended_by` names any practitioner of the sender's organisation,
    // a disabled account among them; a check is offered only to those
    // still at work.
    attended.retain(|u| wellbeing::may_attend(u, sender.organisation_id()));
    // In the order sent, so each lead's notices read as the sender wrote them.
    attended.sort_by_key(|u| named.iter().position(|id| *id == u.id()));
    if attended.is_empty() {
        return Ok(());
    }
    let incident = Incident {
        id: uuid::Uuid::now_v7(),
        organisation: sender.organisation_id(),
        kind,
        occurred_at,
        recorded_by: sender.id(),
        recorded_at: now,
    };
    wellbeing::write(conn, outbox, &incident, &attended).await
}

/// A label as it reads inside a sentence: its first letter lower case,
/// unless the first word is an abbreviation ("A&E visit", "NHS 111 call").
fn mid_sentence(label: &str) -> String {
    let mut chars = label.chars();
    let abbreviation = label
        .chars()
        .nth(1)
        .is_some_and(|second| !second.is_lowercase() && second != ' ');
    match chars.next() {
        Some(first) if !abbreviation => first.to_lowercase().chain(chars).collect(),
        _ => label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::mid_sentence;

    #[test]
    fn a_label_reads_inside_a_sentence_keeping_abbreviations() {
        assert_eq!(mid_sentence("Street triage"), "street triage");
        assert_eq!(mid_sentence("A&E visit"), "A&E visit");
        assert_eq!(mid_sentence("NHS 111 call"), "NHS 111 call");
        assert_eq!(mid_sentence("999 call"), "999 call");
    }
}

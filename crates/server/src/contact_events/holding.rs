//! Holding the events of a batch that name their person only by details
//! for matching (`crate::matching`):
//! each kept as sent, one audit entry for the lot, and the job that
//! matches them scheduled — in that order, so nothing is held unaudited.
//! A traumatic incident an event marks is recorded for its staff as the
//! event is held: their support waits on no one's matching.

use chrono::{DateTime, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::UserId;
use concordat_domain::wellbeing::IncidentKind;
use concordat_store::audit::{AuditAction, Outcome};
use concordat_store::held_events::{self, HeldEvent, HeldStatus};

use super::lines::Line;
use super::writing::record_incident;
use super::{LineReport, Whom};
use crate::authorisation::{act_entry, Viewer};
use crate::delivery::Outbox;
use crate::error::ServiceError;
use crate::matching::schedule;
use crate::AppState;

/// Holds `lines` (numbered as sent, each naming its person by details)
/// from `viewer`, a registered source system whose registration the
/// caller has checked, and reports each as held — or as already held when
/// the sender sent it before.
pub async fn hold(
    state: &AppState,
    viewer: &Viewer,
    lines: Vec<Line>,
    now: DateTime<Utc>,
) -> Result<Vec<LineReport>, ServiceError> {
    // Each held event with the incident it marks and the staff it names.
    let held: Vec<(usize, Option<IncidentKind>, Vec<UserId>, HeldEvent)> = lines
        .into_iter()
        .filter_map(|line| {
            let Line {
                number,
                incoming,
                named,
            } = line;
            let Whom::Described { details, payload } = incoming.whom else {
                return None;
            };
            let event = HeldEvent {
                id: uuid::Uuid::new_v4(),
                organisation: viewer.user.organisation_id(),
                source_user: viewer.user.id(),
                purpose: viewer.purpose.as_str().to_owned(),
                event_id: incoming.source.event_id,
                kind: incoming.kind.as_str().to_owned(),
                occurred_at: incoming.occurred_at,
                payload,
                details,
                status: HeldStatus::Waiting,
                received_at: now,
                matched_at: None,
                person: None,
                contact_event: None,
                decided_by: None,
                decided_at: None,
                decision_note: String::new(),
                unsure: false,
            };
            Some((number, incoming.traumatic_incident, named.users, event))
        })
        .collect();
    let mut entry = act_entry(
        state,
        viewer,
        None,
        AuditAction::Write,
        Outcome::Allowed,
        vec![format!(
            "{} contact event(s) received without an NHS number, held for matching: {}",
            held.len(),
            held.iter()
                .map(|(_, _, _, h)| h.event_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )],
    );
    entry.categories = vec![DataCategory::Contacts];
    state
        .audit
        .record(entry)
        .await
        .map_err(crate::authorisation::AccessError::from)?;

    let mut reports = Vec::with_capacity(held.len());
    let mut tx = state.store.write().await?;
    let mut outbox = Outbox::default();
    for (number, incident, attended, event) in &held {
        let new = held_events::insert(&mut tx, event).await?;
        let id = if new {
            event.id
        } else {
            held_events::by_source(&mut tx, event.source_user, &event.event_id)
                .await?
                .map_or(event.id, |h| h.id)
        };
        // Once, with the event's first holding: one sent again offers no
        // second check.
        if let (true, Some(kind)) = (new, *incident) {
            record_incident(
                &mut tx,
                &mut outbox,
                &viewer.user,
                kind,
                event.occurred_at,
                attended,
                now,
            )
            .await?;
        }
        reports.push(LineReport::held(*number, id, !new));
    }
    schedule::schedule(&mut tx, now).await?;
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    Ok(reports)
}

//! Contact events from source systems (an ambulance service's 999 calls,
//! a hospital's admissions and discharges), one at a time or in batches of
//! NDJSON. Each event is idempotent by its source system's id for it:
//! sending it again changes nothing and is answered as already recorded.
//!
//! # Who may send an event
//!
//! The caller is a user of the partnership — a person, or a system
//! integration account (a user with the role of the staff whose events it
//! carries: an ED system's account is an `ed-clinician`). Events are
//! recorded for the caller's organisation, and the access decision must
//! allow the caller to *write* the person's `contacts`, like a
//! professional recording a contact by hand. An event is itself a contact
//! between the caller's organisation and the person: when the organisation
//! has no current relationship with the person (an ED attendance of
//! someone the hospital has never seen), the decision is asked *as if* the
//! event's active contact were open, and if it allows, the contact is
//! opened ([`CONTACT_LASTS_DAYS`]) with the first new event. Agreements
//! and the person's refusals still decide: a hospital without an agreement
//! that lets its role write contacts, or one the person refused sharing
//! with, is refused.
//!
//! # Batches
//!
//! A batch is decided per person, not per line: the lines are grouped by
//! NHS number, the facts gathered and the decision made once for each
//! person, and ONE audit entry per person per batch lists every event of
//! theirs in it (and whom they tell). A per-line decision would cost about
//! fifteen statements a line; this costs that per person and a share of a
//! multi-row INSERT per line, which is what lets a batch of 100,000 events
//! go in at tens of thousands a second. The decision is made on facts read
//! at the start of the batch, as a single request's would be.
//!
//! Each line stands alone: its event, notifications and webhook deliveries
//! are written in the same transaction or not at all. Lines are written
//! [`LINES_PER_TRANSACTION`] to a transaction; a duplicate is skipped
//! within it (not an error that would end it), and a transaction that
//! fails reports each of its lines as not recorded.

mod input;
pub mod tell;

pub use input::{parse_line, EventInput, Incoming, LineError};

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use concordat_access::{AccessAction, Decision};
use concordat_domain::category::DataCategory;
use concordat_domain::contact_event::ContactEvent;
use concordat_domain::ids::{ContactEventId, PersonId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::Person;
use concordat_store::audit::AuditAction;
use concordat_store::contact_events::{self, Transition};
use concordat_store::relationships::{self, CareRelationship, RelationshipKind};
use concordat_store::{persons, webhooks as hook_store, StoreError};
use serde::Serialize;

use crate::access::{self, gather, Refused, Viewer};
use crate::delivery::Outbox;
use crate::AppState;

/// Lines written per transaction. On SQLite each commit (and the WAL
/// pages it rewrites) costs more than the rows: 5,000 took the commit share
/// of a 100,000-line batch from 5 s at 500 to under 1 s, while one
/// transaction still holds the writer for well under a second.
pub const LINES_PER_TRANSACTION: usize = 5000;
/// How long the active contact an event opens lasts.
pub const CONTACT_LASTS_DAYS: i64 = 7;
/// Lines accepted in one batch.
pub const MAX_LINES: usize = 200_000;

/// What became of one line.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LineReport {
    pub line: usize,
    pub status: LineStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The recorded event's id in Concordat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<ContactEventId>,
    #[serde(skip)]
    pub error: Option<LineError>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LineStatus {
    Recorded,
    Duplicate,
    Error,
}

impl LineReport {
    fn error(line: usize, error: LineError) -> Self {
        Self {
            line,
            status: LineStatus::Error,
            reason: Some(error.to_string()),
            id: None,
            error: Some(error),
        }
    }
}

/// One person's lines in a batch, and what was decided for them.
struct PersonLines {
    person: Person,
    lines: Vec<(usize, Incoming)>,
    /// Whether the caller's organisation has no current relationship, so
    /// the first new event opens an active contact.
    opens_contact: bool,
    told: tell::Recipients,
}

/// Records `lines` (numbered from 1, each already parsed or failed) for
/// `viewer`, and says what became of each, in line order.
pub async fn ingest(
    state: &AppState,
    viewer: &Viewer,
    lines: Vec<(usize, Result<Incoming, LineError>)>,
) -> Result<Vec<LineReport>, StoreError> {
    let now = state.clock.now();
    let mut reports = Vec::with_capacity(lines.len());
    let mut by_person: BTreeMap<NhsNumber, Vec<(usize, Incoming)>> = BTreeMap::new();
    for (line, parsed) in lines {
        match parsed {
            Ok(incoming) => by_person
                .entry(incoming.nhs_number)
                .or_default()
                .push((line, incoming)),
            Err(error) => reports.push(LineReport::error(line, error)),
        }
    }

    // Decide once per person, on facts read now.
    let mut allowed: Vec<PersonLines> = Vec::new();
    let mut entries = Vec::new();
    {
        let hooks = {
            let mut conn = state.store.read().await?;
            hook_store::active_webhooks(&mut conn, None).await?
        };
        let mut conn = state.store.read().await?;
        for (nhs, person_lines) in by_person {
            let Some(person) = persons::person_by_nhs_number(&mut conn, &nhs).await? else {
                for (line, _) in person_lines {
                    reports.push(LineReport::error(
                        line,
                        LineError::NotFound(nhs.to_string()),
                    ));
                }
                continue;
            };
            let mut facts = gather(&mut conn, &viewer.user, person.id(), now).await?;
            let opens_contact = !facts.relationships.iter().any(|r| !r.ended);
            if opens_contact {
                facts
                    .relationships
                    .push(concordat_access::Relationship::contact());
            }
            let decisions = access::decide(
                &state.engine,
                viewer,
                person.id(),
                AccessAction::Write,
                &[DataCategory::Contacts],
                &facts,
                now,
            );
            let refusal = refusal(&decisions, &nhs);
            let told = match &refusal {
                None => tell::recipients(&mut conn, &person, &person_lines, &hooks).await?,
                Some(_) => tell::Recipients::default(),
            };
            let mut entry =
                access::audit_entry(viewer, person.id(), AuditAction::Write, &decisions, now);
            entry.reasons.insert(
                0,
                format!(
                    "contact events received: {}",
                    person_lines
                        .iter()
                        .map(|(_, e)| format!("{}/{}", e.source.system, e.source.event_id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            if refusal.is_none() {
                if opens_contact {
                    entry.reasons.push(
                        "the events open an active contact for the sender's organisation".into(),
                    );
                }
                entry.reasons.extend(told.describe());
            }
            entries.push(entry);
            match refusal {
                Some(error) => {
                    for (line, _) in person_lines {
                        reports.push(LineReport::error(line, error.clone()));
                    }
                }
                None => allowed.push(PersonLines {
                    person,
                    lines: person_lines,
                    opens_contact,
                    told,
                }),
            }
        }
    }

    // No audit, no write: every person's entry commits before any event.
    let audited =
        futures::future::join_all(entries.into_iter().map(|e| state.audit.record(e))).await;
    if let Some(Err(error)) = audited.iter().find(|r| r.is_err()) {
        tracing::error!(%error, "contact events not audited; none recorded");
        for group in allowed {
            for (line, _) in group.lines {
                reports.push(LineReport::error(line, LineError::NotStored));
            }
        }
        reports.sort_by_key(|r| r.line);
        return Ok(reports);
    }

    reports.extend(write(state, viewer, &allowed, now).await);
    reports.sort_by_key(|r| r.line);
    Ok(reports)
}

/// Why every line about this person is refused, if they are.
fn refusal(decisions: &[(DataCategory, Decision)], nhs: &NhsNumber) -> Option<LineError> {
    Some(match Refused::of(decisions)? {
        Refused::NotFound => LineError::NotFound(nhs.to_string()),
        Refused::Denied { reason, rule } => LineError::Denied { reason, rule },
    })
}

/// Writes the allowed lines, [`LINES_PER_TRANSACTION`] at a time.
async fn write(
    state: &AppState,
    viewer: &Viewer,
    allowed: &[PersonLines],
    now: DateTime<Utc>,
) -> Vec<LineReport> {
    let mut queue: Vec<(usize, &PersonLines, &Incoming)> = allowed
        .iter()
        .flat_map(|group| group.lines.iter().map(move |(line, e)| (*line, group, e)))
        .collect();
    queue.sort_by_key(|(line, _, _)| *line);
    let mut reports = Vec::with_capacity(queue.len());
    let mut opened: HashSet<PersonId> = HashSet::new();
    for chunk in queue.chunks(LINES_PER_TRANSACTION) {
        match write_chunk(state, viewer, chunk, &mut opened, now).await {
            Ok(done) => reports.extend(done),
            Err(error) => {
                tracing::error!(%error, lines = chunk.len(), "contact events not stored");
                reports.extend(
                    chunk
                        .iter()
                        .map(|(line, _, _)| LineReport::error(*line, LineError::NotStored)),
                );
            }
        }
    }
    reports
}

async fn write_chunk(
    state: &AppState,
    viewer: &Viewer,
    chunk: &[(usize, &PersonLines, &Incoming)],
    opened: &mut HashSet<PersonId>,
    now: DateTime<Utc>,
) -> Result<Vec<LineReport>, StoreError> {
    let user = &viewer.user;
    let recorder_name = user.display_name().as_str().to_owned();
    let events: Vec<ContactEvent> = chunk
        .iter()
        .map(|(_, group, e)| ContactEvent {
            id: ContactEventId::new(),
            person: group.person.id(),
            kind: e.kind,
            occurred_at: e.occurred_at,
            recorded_at: now,
            recorded_by: Some(user.id()),
            recorder_name: recorder_name.clone(),
            organisation: Some(user.organisation_id()),
            outcome: e.outcome.clone(),
            note: e.note.clone(),
            source: Some(e.source.clone()),
        })
        .collect();
    let mut tx = state.store.write().await?;
    let new = contact_events::insert_new_events(&mut tx, &events).await?;
    let mut outbox = Outbox::default();
    let mut newly_opened = Vec::new();
    let mut reports = Vec::with_capacity(chunk.len());
    for (((line, group, incoming), event), is_new) in chunk.iter().zip(&events).zip(new) {
        if !is_new {
            reports.push(LineReport {
                line: *line,
                status: LineStatus::Duplicate,
                reason: Some(format!(
                    "already recorded: {}/{}",
                    incoming.source.system, incoming.source.event_id
                )),
                id: None,
                error: None,
            });
            continue;
        }
        let person = group.person.id();
        if group.opens_contact && !opened.contains(&person) && !newly_opened.contains(&person) {
            relationships::insert_relationship(
                &mut tx,
                &CareRelationship {
                    id: uuid::Uuid::new_v4(),
                    person,
                    organisation: user.organisation_id(),
                    user: None,
                    kind: RelationshipKind::ActiveContact,
                    reason: format!("contact event from {}", incoming.source.system),
                    started_at: now,
                    ends_at: now + chrono::Duration::days(CONTACT_LASTS_DAYS),
                },
            )
            .await?;
            newly_opened.push(person);
        }
        if incoming.transition != Transition::default() {
            contact_events::insert_transition(&mut tx, event.id, &incoming.transition).await?;
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
        reports.push(LineReport {
            line: *line,
            status: LineStatus::Recorded,
            reason: None,
            id: Some(event.id),
            error: None,
        });
    }
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    opened.extend(newly_opened);
    Ok(reports)
}

/// Counts of a batch's outcomes, for its report.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub lines: usize,
    pub recorded: usize,
    pub duplicates: usize,
    pub errors: usize,
}

impl Totals {
    pub fn of(reports: &[LineReport]) -> Self {
        let mut totals = Totals {
            lines: reports.len(),
            ..Totals::default()
        };
        for r in reports {
            match r.status {
                LineStatus::Recorded => totals.recorded += 1,
                LineStatus::Duplicate => totals.duplicates += 1,
                LineStatus::Error => totals.errors += 1,
            }
        }
        totals
    }
}

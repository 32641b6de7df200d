//! Contact events from registered source systems (an ambulance service's
//! 999 calls, a hospital's admissions and discharges), one at a time or in
//! batches of NDJSON. Each event is idempotent by its source system's id
//! for it: sending it again changes nothing and is answered as already
//! recorded.
//!
//! # Who may send an event
//!
//! Only a registered source system: an account with the `source-system`
//! role, bound to one organisation and registered for the kinds of contact
//! that organisation can truthfully report (see
//! `concordat_domain::source_system`). Its events carry its own name as
//! their source and are recorded as its own, with its own audit identity.
//! A member of staff recording a contact they attended does so on the
//! person's record (`crate::crisis::contacts`), where they need a
//! relationship already.
//!
//! A source system's report is its relationship with the person for that
//! report alone: the decision is asked whether it may *write* the person's
//! `contacts` with the report as its relationship, under an agreement that
//! grants source systems of its organisation reporting contacts, and
//! subject to the person's refusals. A refusal of any kind answers exactly
//! as an unknown NHS number does; the audit keeps why.
//!
//! # The relationship a contact opens
//!
//! An event may name the team and the staff of the sender's organisation
//! who attended (`team`, `attended_by`). Those, and no one else, may then
//! read the record for as long as the contact lasts ([`opening`], by
//! `ContactKind::lasts`): a day for a 999 call, 36 hours for a section 136
//! detention, an admission until the discharge. An event naming no one
//! opens nothing. The person's access log shows the contact as the reason
//! for each access it made legitimate.
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
//! Each line stands alone: its event, relationships, notifications and
//! webhook deliveries are written in the same transaction or not at all.
//! Lines are written [`LINES_PER_TRANSACTION`] to a transaction; a
//! duplicate is skipped within it (not an error that would end it), and a
//! transaction that fails reports each of its lines as not recorded.

mod described;
mod holding;
mod input;
mod lines;
mod names;
pub mod opening;
mod registration;
mod report;
pub mod tell;
mod writing;

pub use described::{DescribedPerson, SenderIdentifier};
pub use input::{parse_line, EventInput, Incoming, LineError, Whom};

use std::collections::BTreeMap;

use concordat_access::{AccessAction, Relationship};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{ContactEventId, PersonId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::Person;
use concordat_store::audit::AuditAction;
use concordat_store::{contact_events, persons, webhooks as hook_store};

use crate::authorisation::{self, gather, Refused, Viewer};
use crate::error::ServiceError;
use crate::AppState;

use lines::{received, Line, PersonLines};
use names::Names;
pub use registration::NOT_A_SOURCE_SYSTEM;
use registration::{check, registration};
pub use report::{LineReport, LineStatus, Totals};
use writing::write;
pub use writing::LINES_PER_TRANSACTION;

/// Lines accepted in one batch.
pub const MAX_LINES: usize = 200_000;

/// Records `lines` (numbered from 1, each already parsed or failed) sent
/// by `viewer`, a registered source system, and says what became of each,
/// in line order.
/// The contact the calling source system already reported under its own
/// id `event_id` (a report [`ingest`] answered as a duplicate), so a
/// surface can point the sender at it. A source system finds only its own
/// reports; anyone else is refused as [`ingest`] refuses them.
pub async fn recorded_as(
    state: &AppState,
    viewer: &Viewer,
    event_id: &str,
) -> Result<Option<ContactEventId>, ServiceError> {
    let mut conn = state.store.read().await?;
    registration(&mut conn, &viewer.user).await?;
    Ok(
        contact_events::event_id_by_source(&mut conn, viewer.user.username().as_str(), event_id)
            .await?,
    )
}

pub async fn ingest(
    state: &AppState,
    viewer: &Viewer,
    lines: Vec<(usize, Result<Incoming, LineError>)>,
) -> Result<Vec<LineReport>, ServiceError> {
    let now = state.clock.now();
    let user = &viewer.user;
    let mut reports = Vec::with_capacity(lines.len());
    let mut by_person: BTreeMap<Subject, Vec<Line>> = BTreeMap::new();
    let mut described: Vec<Line> = Vec::new();
    {
        let mut conn = state.store.read().await?;
        let source = registration(&mut conn, user).await?;
        let mut names = Names::new(user.organisation_id());
        for (number, parsed) in lines {
            let checked = match parsed {
                Ok(incoming) => match check(&source, user.username(), &incoming) {
                    Ok(()) => names
                        .resolve(&mut conn, &incoming)
                        .await?
                        .map(|named| Line {
                            number,
                            incoming,
                            named,
                        }),
                    Err(error) => Err(error),
                },
                Err(error) => Err(error),
            };
            match checked {
                Ok(line) => match &line.incoming.whom {
                    Whom::Numbered(nhs) => by_person
                        .entry(Subject::Numbered(*nhs))
                        .or_default()
                        .push(line),
                    Whom::Matched(id) => by_person
                        .entry(Subject::Matched(*id))
                        .or_default()
                        .push(line),
                    Whom::Described { .. } => described.push(line),
                },
                Err(error) => reports.push(LineReport::error(number, error)),
            }
        }
    }
    // Events naming no NHS number are held whatever they describe: none is
    // matched here, so the answer is the same whether anyone fits.
    if !described.is_empty() {
        reports.extend(holding::hold(state, viewer, described, now).await?);
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
        for (subject, person_lines) in by_person {
            // An NHS number no one has takes the same path as a refusal —
            // facts gathered, decided, audited — so neither its answer nor
            // its time tells the sender whether the person exists.
            let found = match subject {
                Subject::Numbered(nhs) => persons::person_by_nhs_number(&mut conn, &nhs).await?,
                Subject::Matched(id) => persons::person_by_id(&mut conn, id).await?,
            };
            let person_id = found.as_ref().map_or_else(PersonId::nobody, Person::id);
            let mut facts = gather(&mut conn, user, person_id, now).await?;
            // The report is the source system's relationship for itself.
            facts.relationships.push(Relationship::source_report());
            let decisions = authorisation::decide(
                &state.engine,
                viewer,
                person_id,
                AccessAction::Write,
                &[DataCategory::Contacts],
                None,
                &facts,
                now,
            );
            state.metrics.decided(AccessAction::Write, &decisions);
            let Some(person) = found else {
                let mut entry = authorisation::audit_entry(
                    viewer,
                    person_id,
                    AuditAction::Write,
                    &decisions,
                    now,
                );
                entry.outcome = concordat_store::audit::Outcome::Denied;
                entry.reasons = vec![format!(
                    "contact events received for {}, which no one is: {}",
                    subject.described(),
                    received(&person_lines)
                )];
                entries.push(entry);
                for line in person_lines {
                    reports.push(LineReport::error(line.number, subject.not_found()));
                }
                continue;
            };
            // Whatever refused — the person, the agreement, the purpose —
            // answers as an unknown NHS number does; the audit says why.
            let refused = Refused::of(&decisions).is_some();
            let told = if refused {
                tell::Recipients::default()
            } else {
                let kinds = person_lines.iter().map(|l| l.incoming.kind);
                tell::recipients(&mut conn, &person, kinds, &hooks).await?
            };
            let mut entry = authorisation::audit_entry(
                viewer,
                person.id(),
                AuditAction::Write,
                &decisions,
                now,
            );
            entry.reasons.insert(
                0,
                format!("contact events received: {}", received(&person_lines)),
            );
            if !refused {
                entry.reasons.extend(told.describe());
            }
            entries.push(entry);
            if refused {
                for line in person_lines {
                    reports.push(LineReport::error(line.number, subject.not_found()));
                }
            } else {
                allowed.push(PersonLines {
                    person,
                    lines: person_lines,
                    told,
                });
            }
        }
    }

    // No audit, no write: every person's entry commits before any event.
    let audited =
        futures::future::join_all(entries.into_iter().map(|e| state.audit.record(e))).await;
    if let Some(Err(error)) = audited.iter().find(|r| r.is_err()) {
        tracing::error!(%error, "contact events not audited; none recorded");
        for group in allowed {
            for line in group.lines {
                reports.push(LineReport::error(line.number, LineError::NotStored));
            }
        }
        reports.sort_by_key(|r| r.line);
        return Ok(reports);
    }

    reports.extend(write(state, viewer, &allowed, now).await);
    reports.sort_by_key(|r| r.line);
    Ok(reports)
}

/// Whom a batch's lines are about: the NHS number the sender gave, or the
/// person a held event was matched to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Subject {
    Numbered(NhsNumber),
    Matched(PersonId),
}

impl Subject {
    /// For the audit entry of a subject no one is.
    fn described(self) -> String {
        match self {
            Subject::Numbered(nhs) => format!("NHS number {}", nhs.as_str()),
            Subject::Matched(id) => format!("person {id}, to whom a held event was matched"),
        }
    }

    /// The answer for each line when no one is the subject, or the
    /// decision refused: the same either way.
    fn not_found(self) -> LineError {
        match self {
            Subject::Numbered(nhs) => LineError::NotFound(nhs.to_string()),
            Subject::Matched(_) => LineError::NotRecordedForMatch,
        }
    }
}

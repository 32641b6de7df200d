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
//! read the record for as long as the contact lasts
//! ([`ContactKind::lasts`]): a day for a 999 call, 36 hours for a section
//! 136 detention, an admission until the discharge. An event naming no one
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

mod input;
pub mod tell;

pub use input::{parse_line, EventInput, Incoming, LineError};

use concordat_domain::user::User;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use concordat_access::{AccessAction, Relationship};
use concordat_domain::category::DataCategory;
use concordat_domain::contact_event::{ContactEvent, ContactKind, ContactLasts};
use concordat_domain::ids::{ContactEventId, OrganisationId, PersonId, TeamId, UserId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::Person;
use concordat_domain::role::Role;
use concordat_domain::source_system::SourceSystem;
use concordat_domain::user::Username;
use concordat_store::audit::AuditAction;
use concordat_store::contact_events::{self, Transition};
use concordat_store::relationships::{self, CareRelationship, RelationshipKind};
use concordat_store::{
    persons, source_systems, teams, users, webhooks as hook_store, Conn, StoreError,
};
use serde::Serialize;

use crate::authorisation::{self, gather, Refused, Viewer};
use crate::delivery::Outbox;
use crate::error::ServiceError;
use crate::AppState;

/// Lines written per transaction. On SQLite each commit (and the WAL
/// pages it rewrites) costs more than the rows: 5,000 took the commit share
/// of a 100,000-line batch from 5 s at 500 to under 1 s, while one
/// transaction still holds the writer for well under a second.
pub const LINES_PER_TRANSACTION: usize = 5000;
/// Lines accepted in one batch.
pub const MAX_LINES: usize = 200_000;
/// How long an admission's relationship is kept when no discharge comes:
/// in practice until the discharge, which ends it.
pub const ADMISSION_AT_MOST_DAYS: i64 = 3650;

/// Why a batch from anyone but a registered source system is not taken.
pub const NOT_A_SOURCE_SYSTEM: &str = "contact events come from registered source systems; \
     record a contact you attended on the person's record instead";

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

/// The team and staff an event names, resolved in the sender's
/// organisation.
#[derive(Debug, Clone, Default)]
struct Named {
    team: Option<TeamId>,
    users: Vec<UserId>,
}

/// One line, checked against the sender's registration and resolved.
struct Line {
    number: usize,
    incoming: Incoming,
    named: Named,
}

/// One person's lines in a batch, and what was decided for them.
struct PersonLines {
    person: Person,
    lines: Vec<Line>,
    told: tell::Recipients,
}

/// Records `lines` (numbered from 1, each already parsed or failed) sent
/// by `viewer`, a registered source system, and says what became of each,
/// in line order.
pub async fn ingest(
    state: &AppState,
    viewer: &Viewer,
    lines: Vec<(usize, Result<Incoming, LineError>)>,
) -> Result<Vec<LineReport>, ServiceError> {
    let now = state.clock.now();
    let user = &viewer.user;
    let mut reports = Vec::with_capacity(lines.len());
    let mut by_person: BTreeMap<NhsNumber, Vec<Line>> = BTreeMap::new();
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
                Ok(line) => by_person
                    .entry(line.incoming.nhs_number)
                    .or_default()
                    .push(line),
                Err(error) => reports.push(LineReport::error(number, error)),
            }
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
            // An NHS number no one has takes the same path as a refusal —
            // facts gathered, decided, audited — so neither its answer nor
            // its time tells the sender whether the person exists.
            let found = persons::person_by_nhs_number(&mut conn, &nhs).await?;
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
                &facts,
                now,
            );
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
                    "contact events received for NHS number {}, which no one has: {}",
                    nhs.as_str(),
                    received(&person_lines)
                )];
                entries.push(entry);
                for line in person_lines {
                    reports.push(LineReport::error(
                        line.number,
                        LineError::NotFound(nhs.to_string()),
                    ));
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
                    reports.push(LineReport::error(
                        line.number,
                        LineError::NotFound(nhs.to_string()),
                    ));
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

/// "northshire-ed/E-1, northshire-ed/E-2": the events of a person's lines.
fn received(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "{}/{}",
                l.incoming.source.system, l.incoming.source.event_id
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The registration of `user`, who must be a registered source system.
async fn registration(conn: &mut Conn, user: &User) -> Result<SourceSystem, ServiceError> {
    if user.role() != Role::SourceSystem {
        return Err(ServiceError::Forbidden(NOT_A_SOURCE_SYSTEM.into()));
    }
    source_systems::source_system_of(conn, user.id())
        .await?
        .ok_or_else(|| ServiceError::Forbidden(NOT_A_SOURCE_SYSTEM.into()))
}

/// Whether a line is one the source system may send: under its own name,
/// of a kind it is registered for.
fn check(source: &SourceSystem, name: &Username, incoming: &Incoming) -> Result<(), LineError> {
    if incoming.source.system != name.as_str() {
        return Err(LineError::Invalid {
            field: "source_system".into(),
            message: format!(
                "this account reports as `{}`, not `{}`",
                name.as_str(),
                incoming.source.system
            ),
        });
    }
    if !source.reports(incoming.kind) {
        let kinds: Vec<&str> = source.kinds().iter().map(|k| k.as_str()).collect();
        return Err(LineError::Invalid {
            field: "kind".into(),
            message: format!(
                "`{}` is not registered to report `{}`; it reports {}",
                name.as_str(),
                incoming.kind.as_str(),
                kinds.join(", ")
            ),
        });
    }
    Ok(())
}

/// The teams and staff of the sender's organisation that lines name, each
/// looked up once per batch.
struct Names {
    organisation: OrganisationId,
    teams: HashMap<String, Option<TeamId>>,
    users: HashMap<Username, Option<UserId>>,
}

impl Names {
    fn new(organisation: OrganisationId) -> Self {
        Self {
            organisation,
            teams: HashMap::new(),
            users: HashMap::new(),
        }
    }

    /// Whom `incoming` names, or why a name is not of the organisation.
    async fn resolve(
        &mut self,
        conn: &mut Conn,
        incoming: &Incoming,
    ) -> Result<Result<Named, LineError>, StoreError> {
        let mut named = Named::default();
        if let Some(team) = &incoming.team {
            let key = team.to_lowercase();
            if !self.teams.contains_key(&key) {
                let found = teams::team_by_name(conn, self.organisation, team)
                    .await?
                    .map(|t| t.id());
                self.teams.insert(key.clone(), found);
            }
            match self.teams[&key] {
                Some(id) => named.team = Some(id),
                None => {
                    return Ok(Err(LineError::Invalid {
                        field: "team".into(),
                        message: format!("`{team}` is not a team of the sender's organisation"),
                    }))
                }
            }
        }
        for username in &incoming.attended_by {
            if !self.users.contains_key(username) {
                let found = users::user_by_username(conn, username)
                    .await?
                    .filter(|u| {
                        u.organisation_id() == self.organisation && u.role().is_practitioner()
                    })
                    .map(|u| u.id());
                self.users.insert(username.clone(), found);
            }
            match self.users[username] {
                Some(id) if !named.users.contains(&id) => named.users.push(id),
                Some(_) => {}
                None => {
                    return Ok(Err(LineError::Invalid {
                        field: "attended_by".into(),
                        message: format!(
                            "`{}` is not a member of staff of the sender's organisation",
                            username.as_str()
                        ),
                    }))
                }
            }
        }
        Ok(Ok(named))
    }
}

/// The relationships a contact opens for whom it names, for as long as it
/// lasts; none for a kind that is a single act, or an event naming no one.
pub fn opened_relationships(
    state: &AppState,
    event: &ContactEvent,
    organisation: OrganisationId,
    team: Option<TeamId>,
    users: &[UserId],
    reason: &str,
    now: DateTime<Utc>,
) -> Vec<CareRelationship> {
    let ends_at = match event.kind.lasts() {
        ContactLasts::Not => return Vec::new(),
        ContactLasts::For(duration) => now + duration,
        ContactLasts::LookUpWindow => now + state.config.crisis_lookup_for,
        ContactLasts::UntilDischarge => now + chrono::Duration::days(ADMISSION_AT_MOST_DAYS),
    };
    let row = |team: Option<TeamId>, user: Option<UserId>| CareRelationship {
        id: uuid::Uuid::new_v4(),
        person: event.person,
        organisation,
        user,
        team,
        contact_kind: Some(event.kind),
        kind: RelationshipKind::ActiveContact,
        reason: reason.to_owned(),
        started_at: now,
        ends_at,
    };
    team.map(|t| row(Some(t), None))
        .into_iter()
        .chain(users.iter().map(|u| row(None, Some(*u))))
        .collect()
}

/// Writes a contact's relationships, and for a discharge ends what the
/// organisation's admission of the person opened.
pub async fn open_and_close(
    conn: &mut Conn,
    event: &ContactEvent,
    organisation: OrganisationId,
    opened: &[CareRelationship],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if event.kind == ContactKind::Discharge {
        relationships::end_contact_relationships(
            conn,
            event.person,
            organisation,
            ContactKind::Admission,
            now,
        )
        .await?;
    }
    for relationship in opened {
        relationships::insert_relationship(conn, relationship).await?;
    }
    Ok(())
}

/// Writes the allowed lines, [`LINES_PER_TRANSACTION`] at a time.
async fn write(
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
                error: None,
            });
            continue;
        }
        let reason = format!(
            "{} reported by {}",
            event.kind.label().to_lowercase(),
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
            line: line.number,
            status: LineStatus::Recorded,
            reason: None,
            id: Some(event.id),
            error: None,
        });
    }
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
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

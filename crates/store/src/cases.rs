//! Multi-agency cases: the case, its members (each membership with its
//! start, its end and the relationship it gave), the shared plan's actions
//! and the review meetings. The access a membership gives is written by
//! the audit writer (`relationships::Opening`); this module keeps the case's
//! own record of it.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::case::{CaseOutcome, CaseStatus};
use concordat_domain::ids::{OrganisationId, PersonId, UserId};
use sqlx::any::AnyRow;

use crate::backend::lock_rows;
use crate::{rows, time, Conn, StoreError};

pub type CaseId = uuid::Uuid;
pub type ActionId = uuid::Uuid;
pub type MeetingId = uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: CaseId,
    pub person: PersonId,
    pub reason: String,
    /// The lead professional: always a current member.
    pub lead: UserId,
    pub status: CaseStatus,
    pub opened_by: UserId,
    pub opened_at: DateTime<Utc>,
    pub outcome: Option<CaseOutcome>,
    pub closing_note: String,
    pub closed_by: Option<UserId>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: uuid::Uuid,
    pub case: CaseId,
    pub user: UserId,
    pub organisation: OrganisationId,
    /// The `case-member` relationship this membership gave.
    pub relationship: uuid::Uuid,
    pub added_by: UserId,
    pub added_at: DateTime<Utc>,
    /// When the member was removed or the case closed.
    pub ended_at: Option<DateTime<Utc>>,
}

impl Member {
    pub fn is_current(&self) -> bool {
        self.ended_at.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: ActionId,
    pub case: CaseId,
    pub what: String,
    pub owner: UserId,
    pub due_on: NaiveDate,
    pub added_by: UserId,
    pub added_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<UserId>,
    pub done_note: String,
    /// The last escalation step taken (0: none).
    pub escalation_step: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    pub case: CaseId,
    pub held_on: NaiveDate,
    pub attendees: Vec<UserId>,
    pub notes: String,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

const CASE_COLUMNS: &str = "id, person_id, reason, lead_user_id, status, opened_by, opened_at, \
     outcome, closing_note, closed_by, closed_at";

pub async fn insert_case(conn: &mut Conn, c: &Case) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO cases ({CASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(c.id.to_string())
    .bind(c.person.to_string())
    .bind(c.reason.clone())
    .bind(c.lead.to_string())
    .bind(c.status.as_str())
    .bind(c.opened_by.to_string())
    .bind(time::encode(c.opened_at))
    .bind(c.outcome.map(CaseOutcome::as_str))
    .bind(c.closing_note.clone())
    .bind(c.closed_by.map(|u| u.to_string()))
    .bind(c.closed_at.map(time::encode))
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes what changes over a case's life: its lead, and its closure.
pub async fn save_case(conn: &mut Conn, c: &Case) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE cases SET lead_user_id = $1, status = $2, outcome = $3, closing_note = $4, \
         closed_by = $5, closed_at = $6 WHERE id = $7",
    )
    .bind(c.lead.to_string())
    .bind(c.status.as_str())
    .bind(c.outcome.map(CaseOutcome::as_str))
    .bind(c.closing_note.clone())
    .bind(c.closed_by.map(|u| u.to_string()))
    .bind(c.closed_at.map(time::encode))
    .bind(c.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// A case; with `for_update` its row stays locked (PostgreSQL) until the
/// transaction ends, so two changes to one case are made one after the
/// other, each seeing the other's.
pub async fn case_by_id(
    conn: &mut Conn,
    id: CaseId,
    for_update: bool,
) -> Result<Option<Case>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE id = $1{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(case_from_row).transpose()
}

/// Every case about the person, open ones first, newest first (at most 50).
pub async fn cases_of_person(conn: &mut Conn, person: PersonId) -> Result<Vec<Case>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE person_id = $1 \
         ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, opened_at DESC, id LIMIT 50"
    ))
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(case_from_row).collect()
}

/// The open cases `user` is a current member of, newest first (at most 100).
pub async fn open_cases_of_member(conn: &mut Conn, user: UserId) -> Result<Vec<Case>, StoreError> {
    let columns = CASE_COLUMNS
        .split(", ")
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(&format!(
        "SELECT {columns} FROM cases c JOIN case_members m ON m.case_id = c.id \
         WHERE m.user_id = $1 AND m.ended_at IS NULL AND c.status = 'open' \
         ORDER BY c.opened_at DESC, c.id LIMIT 100"
    ))
    .bind(user.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(case_from_row).collect()
}

fn case_from_row(row: &AnyRow) -> Result<Case, StoreError> {
    let corrupt = |e: String| StoreError::corrupt("case", e);
    Ok(Case {
        id: uuid::Uuid::parse_str(&rows::text(row, "id")?).map_err(|e| corrupt(e.to_string()))?,
        person: rows::id(row, "person_id")?,
        reason: rows::text(row, "reason")?,
        lead: rows::id(row, "lead_user_id")?,
        status: CaseStatus::parse(&rows::text(row, "status")?)
            .map_err(|e| corrupt(e.to_string()))?,
        opened_by: rows::id(row, "opened_by")?,
        opened_at: rows::instant(row, "opened_at")?,
        outcome: rows::opt_text(row, "outcome")?
            .map(|o| CaseOutcome::parse(&o).map_err(|e| corrupt(e.to_string())))
            .transpose()?,
        closing_note: rows::text(row, "closing_note")?,
        closed_by: rows::opt_id(row, "closed_by")?,
        closed_at: rows::opt_instant(row, "closed_at")?,
    })
}

pub async fn insert_member(conn: &mut Conn, m: &Member) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_members (id, case_id, user_id, organisation_id, relationship_id, \
         added_by, added_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(m.id.to_string())
    .bind(m.case.to_string())
    .bind(m.user.to_string())
    .bind(m.organisation.to_string())
    .bind(m.relationship.to_string())
    .bind(m.added_by.to_string())
    .bind(time::encode(m.added_at))
    .bind(m.ended_at.map(time::encode))
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends membership `id` at `at`, if it has not ended.
pub async fn end_member(
    conn: &mut Conn,
    id: uuid::Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE case_members SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
        .bind(time::encode(at))
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Every membership of the case, past ones too, in the order they began.
pub async fn members_of(conn: &mut Conn, case: CaseId) -> Result<Vec<Member>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, case_id, user_id, organisation_id, relationship_id, added_by, added_at, \
         ended_at FROM case_members WHERE case_id = $1 ORDER BY added_at, id",
    )
    .bind(case.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let uuid = |col: &str| {
                uuid::Uuid::parse_str(&rows::text(row, col)?)
                    .map_err(|e| StoreError::corrupt("case member", e))
            };
            Ok(Member {
                id: uuid("id")?,
                case: uuid("case_id")?,
                user: rows::id(row, "user_id")?,
                organisation: rows::id(row, "organisation_id")?,
                relationship: uuid("relationship_id")?,
                added_by: rows::id(row, "added_by")?,
                added_at: rows::instant(row, "added_at")?,
                ended_at: rows::opt_instant(row, "ended_at")?,
            })
        })
        .collect()
}

const ACTION_COLUMNS: &str = "id, case_id, what, owner_user_id, due_on, added_by, added_at, \
     done_at, done_by, done_note, escalation_step";

pub async fn insert_action(conn: &mut Conn, a: &Action) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO case_actions ({ACTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
         $9, $10, $11)"
    ))
    .bind(a.id.to_string())
    .bind(a.case.to_string())
    .bind(a.what.clone())
    .bind(a.owner.to_string())
    .bind(time::encode_date(a.due_on))
    .bind(a.added_by.to_string())
    .bind(time::encode(a.added_at))
    .bind(a.done_at.map(time::encode))
    .bind(a.done_by.map(|u| u.to_string()))
    .bind(a.done_note.clone())
    .bind(a.escalation_step)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes what changes over an action's life: done, and escalated.
pub async fn save_action(conn: &mut Conn, a: &Action) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE case_actions SET done_at = $1, done_by = $2, done_note = $3, \
         escalation_step = $4 WHERE id = $5",
    )
    .bind(a.done_at.map(time::encode))
    .bind(a.done_by.map(|u| u.to_string()))
    .bind(a.done_note.clone())
    .bind(a.escalation_step)
    .bind(a.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// An action; with `for_update` its row stays locked (PostgreSQL) so an
/// escalation step and marking it done cannot both act on what they read.
pub async fn action_by_id(
    conn: &mut Conn,
    id: ActionId,
    for_update: bool,
) -> Result<Option<Action>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT {ACTION_COLUMNS} FROM case_actions WHERE id = $1{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(action_from_row).transpose()
}

/// The case's actions, soonest due first.
pub async fn actions_of(conn: &mut Conn, case: CaseId) -> Result<Vec<Action>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {ACTION_COLUMNS} FROM case_actions WHERE case_id = $1 ORDER BY due_on, added_at, id"
    ))
    .bind(case.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(action_from_row).collect()
}

fn action_from_row(row: &AnyRow) -> Result<Action, StoreError> {
    let uuid = |col: &str| {
        uuid::Uuid::parse_str(&rows::text(row, col)?)
            .map_err(|e| StoreError::corrupt("case action", e))
    };
    Ok(Action {
        id: uuid("id")?,
        case: uuid("case_id")?,
        what: rows::text(row, "what")?,
        owner: rows::id(row, "owner_user_id")?,
        due_on: time::decode_date(&rows::text(row, "due_on")?)?,
        added_by: rows::id(row, "added_by")?,
        added_at: rows::instant(row, "added_at")?,
        done_at: rows::opt_instant(row, "done_at")?,
        done_by: rows::opt_id(row, "done_by")?,
        done_note: rows::text(row, "done_note")?,
        escalation_step: rows::int(row, "escalation_step")?,
    })
}

/// Writes a meeting and who attended it.
pub async fn insert_meeting(conn: &mut Conn, m: &Meeting) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_meetings (id, case_id, held_on, notes, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(m.id.to_string())
    .bind(m.case.to_string())
    .bind(time::encode_date(m.held_on))
    .bind(m.notes.clone())
    .bind(m.recorded_by.to_string())
    .bind(time::encode(m.recorded_at))
    .execute(&mut *conn)
    .await?;
    for attendee in &m.attendees {
        sqlx::query("INSERT INTO case_meeting_attendees (meeting_id, user_id) VALUES ($1, $2)")
            .bind(m.id.to_string())
            .bind(attendee.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The case's meetings, latest first, each with its attendees.
pub async fn meetings_of(conn: &mut Conn, case: CaseId) -> Result<Vec<Meeting>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, case_id, held_on, notes, recorded_by, recorded_at FROM case_meetings \
         WHERE case_id = $1 ORDER BY held_on DESC, recorded_at DESC, id",
    )
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let attended = sqlx::query(
        "SELECT a.meeting_id, a.user_id FROM case_meeting_attendees a \
         JOIN case_meetings m ON m.id = a.meeting_id WHERE m.case_id = $1 ORDER BY a.user_id",
    )
    .bind(case.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let id = rows::text(row, "id")?;
            let attendees = attended
                .iter()
                .filter(|a| rows::text(a, "meeting_id").is_ok_and(|m| m == id))
                .map(|a| rows::id(a, "user_id"))
                .collect::<Result<_, _>>()?;
            Ok(Meeting {
                id: uuid::Uuid::parse_str(&id)
                    .map_err(|e| StoreError::corrupt("case meeting", e))?,
                case,
                held_on: time::decode_date(&rows::text(row, "held_on")?)?,
                attendees,
                notes: rows::text(row, "notes")?,
                recorded_by: rows::id(row, "recorded_by")?,
                recorded_at: rows::instant(row, "recorded_at")?,
            })
        })
        .collect()
}

//! Contact events held for matching: sent without an NHS number, kept
//! with the details they were sent with until they are matched to a
//! person, and the people each may be.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::ids::{ContactEventId, OrganisationId, PersonId, UserId};
use sqlx::any::AnyRow;

use crate::backend::lock_rows;
use crate::{rows, time, Conn, StoreError};

/// A held event's id.
pub type HeldEventId = uuid::Uuid;

/// Where a held event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldStatus {
    /// Received; not yet compared with the people Concordat knows.
    Waiting,
    /// Someone may be the person, but not certainly: a reviewer decides.
    Review,
    /// No one is likely enough, or a reviewer said none of them is.
    Unmatched,
    /// Matched, and recorded as the person's contact.
    Linked,
    /// Matched, but the contact could not be recorded for the person
    /// (the access decision refused it); the audit keeps why.
    NotRecorded,
}

impl HeldStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Review => "review",
            Self::Unmatched => "unmatched",
            Self::Linked => "linked",
            Self::NotRecorded => "not-recorded",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, StoreError> {
        Ok(match raw {
            "waiting" => Self::Waiting,
            "review" => Self::Review,
            "unmatched" => Self::Unmatched,
            "linked" => Self::Linked,
            "not-recorded" => Self::NotRecorded,
            other => return Err(StoreError::corrupt("held event status", other)),
        })
    }
}

/// The details a held event names its person by, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeldDetails {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub sex: Option<String>,
    /// The sender's own identifier for the person: (system, value).
    pub identifier: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldEvent {
    pub id: HeldEventId,
    pub organisation: OrganisationId,
    pub source_user: UserId,
    /// The purpose of use the sender's token carried (`direct-care`, …).
    pub purpose: String,
    pub event_id: String,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    /// The event as it was sent, as JSON.
    pub payload: String,
    pub details: HeldDetails,
    pub status: HeldStatus,
    pub received_at: DateTime<Utc>,
    pub matched_at: Option<DateTime<Utc>>,
    pub person: Option<PersonId>,
    pub contact_event: Option<ContactEventId>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    /// A reviewer looked and could not say; it waits for another.
    pub unsure: bool,
}

/// A person a held event may be, with the evidence (JSON) for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCandidate {
    pub person: PersonId,
    pub rank: i64,
    pub evidence: String,
}

const COLUMNS: &str = "id, organisation_id, source_user_id, purpose, event_id, kind, \
     occurred_at, payload, given_name, family_name, birth_date, postcode, phone, sex, \
     identifier_system, identifier_value, status, received_at, matched_at, person_id, \
     contact_event_id, decided_by, decided_at, decision_note, unsure";

/// Holds `e`; false, changing nothing, if its sender already sent an event
/// with its id for matching.
pub async fn insert(conn: &mut Conn, e: &HeldEvent) -> Result<bool, StoreError> {
    let d = &e.details;
    let done = sqlx::query(&format!(
        "INSERT INTO held_events ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) \
         ON CONFLICT (source_user_id, event_id) DO NOTHING"
    ))
    .bind(e.id.to_string())
    .bind(e.organisation.to_string())
    .bind(e.source_user.to_string())
    .bind(e.purpose.clone())
    .bind(e.event_id.clone())
    .bind(e.kind.clone())
    .bind(time::encode(e.occurred_at))
    .bind(e.payload.clone())
    .bind(d.given_name.clone())
    .bind(d.family_name.clone())
    .bind(d.birth_date.map(time::encode_date))
    .bind(d.postcode.clone())
    .bind(d.phone.clone())
    .bind(d.sex.clone())
    .bind(d.identifier.as_ref().map(|(s, _)| s.clone()))
    .bind(d.identifier.as_ref().map(|(_, v)| v.clone()))
    .bind(e.status.as_str())
    .bind(time::encode(e.received_at))
    .bind(e.matched_at.map(time::encode))
    .bind(e.person.map(|p| p.to_string()))
    .bind(e.contact_event.map(|c| c.to_string()))
    .bind(e.decided_by.map(|u| u.to_string()))
    .bind(e.decided_at.map(time::encode))
    .bind(e.decision_note.clone())
    .bind(i64::from(e.unsure))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Writes what changes over a held event's life: its matching and the
/// decision on it.
pub async fn save(conn: &mut Conn, e: &HeldEvent) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE held_events SET status = $1, matched_at = $2, person_id = $3, \
         contact_event_id = $4, decided_by = $5, decided_at = $6, decision_note = $7, \
         unsure = $8 WHERE id = $9",
    )
    .bind(e.status.as_str())
    .bind(e.matched_at.map(time::encode))
    .bind(e.person.map(|p| p.to_string()))
    .bind(e.contact_event.map(|c| c.to_string()))
    .bind(e.decided_by.map(|u| u.to_string()))
    .bind(e.decided_at.map(time::encode))
    .bind(e.decision_note.clone())
    .bind(i64::from(e.unsure))
    .bind(e.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// A held event; with `for_update` its row stays locked (PostgreSQL)
/// until the transaction ends, so two reviewers cannot both decide it.
pub async fn by_id(
    conn: &mut Conn,
    id: HeldEventId,
    for_update: bool,
) -> Result<Option<HeldEvent>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM held_events WHERE id = $1{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The event `source_user` held under its own id `event_id`.
pub async fn by_source(
    conn: &mut Conn,
    source_user: UserId,
    event_id: &str,
) -> Result<Option<HeldEvent>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM held_events WHERE source_user_id = $1 AND event_id = $2"
    ))
    .bind(source_user.to_string())
    .bind(event_id.to_owned())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every held event in `status`, oldest first.
pub async fn with_status(
    conn: &mut Conn,
    status: HeldStatus,
    limit: i64,
) -> Result<Vec<HeldEvent>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM held_events WHERE status = $1 ORDER BY received_at, id LIMIT $2"
    ))
    .bind(status.as_str())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// `organisation`'s held events in any of `statuses` that no reviewer has
/// decided, oldest first.
pub async fn undecided_of_organisation(
    conn: &mut Conn,
    organisation: OrganisationId,
    statuses: &[HeldStatus],
    limit: i64,
) -> Result<Vec<HeldEvent>, StoreError> {
    let listed = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM held_events WHERE organisation_id = $1 AND status IN ({listed}) \
         AND decided_at IS NULL ORDER BY received_at, id LIMIT $2"
    ))
    .bind(organisation.to_string())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Replaces the candidates of `held` with `candidates`.
pub async fn set_candidates(
    conn: &mut Conn,
    held: HeldEventId,
    candidates: &[HeldCandidate],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM held_event_candidates WHERE held_event_id = $1")
        .bind(held.to_string())
        .execute(&mut *conn)
        .await?;
    for c in candidates {
        sqlx::query(
            "INSERT INTO held_event_candidates (held_event_id, person_id, rank, evidence) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(held.to_string())
        .bind(c.person.to_string())
        .bind(c.rank)
        .bind(c.evidence.clone())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The candidates of `held`, best first.
pub async fn candidates(
    conn: &mut Conn,
    held: HeldEventId,
) -> Result<Vec<HeldCandidate>, StoreError> {
    let rows = sqlx::query(
        "SELECT person_id, rank, evidence FROM held_event_candidates \
         WHERE held_event_id = $1 ORDER BY rank",
    )
    .bind(held.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(HeldCandidate {
                person: rows::id(row, "person_id")?,
                rank: rows::int(row, "rank")?,
                evidence: rows::text(row, "evidence")?,
            })
        })
        .collect()
}

fn from_row(row: &AnyRow) -> Result<HeldEvent, StoreError> {
    let identifier = match (
        rows::opt_text(row, "identifier_system")?,
        rows::opt_text(row, "identifier_value")?,
    ) {
        (Some(system), Some(value)) => Some((system, value)),
        _ => None,
    };
    Ok(HeldEvent {
        id: rows::text(row, "id")?
            .parse()
            .map_err(|e| StoreError::corrupt("held event id", e))?,
        organisation: rows::id(row, "organisation_id")?,
        source_user: rows::id(row, "source_user_id")?,
        purpose: rows::text(row, "purpose")?,
        event_id: rows::text(row, "event_id")?,
        kind: rows::text(row, "kind")?,
        occurred_at: rows::instant(row, "occurred_at")?,
        payload: rows::text(row, "payload")?,
        details: HeldDetails {
            given_name: rows::opt_text(row, "given_name")?,
            family_name: rows::opt_text(row, "family_name")?,
            birth_date: rows::opt_text(row, "birth_date")?
                .map(|d| time::decode_date(&d))
                .transpose()?,
            postcode: rows::opt_text(row, "postcode")?,
            phone: rows::opt_text(row, "phone")?,
            sex: rows::opt_text(row, "sex")?,
            identifier,
        },
        status: HeldStatus::parse(&rows::text(row, "status")?)?,
        received_at: rows::instant(row, "received_at")?,
        matched_at: rows::opt_instant(row, "matched_at")?,
        person: rows::opt_id(row, "person_id")?,
        contact_event: rows::opt_id(row, "contact_event_id")?,
        decided_by: rows::opt_id(row, "decided_by")?,
        decided_at: rows::opt_instant(row, "decided_at")?,
        decision_note: rows::text(row, "decision_note")?,
        unsure: rows::flag(row, "unsure")?,
    })
}

//! A person's requests to correct their record, and their answers.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::correction::{CorrectionPart, CorrectionStatus};
use concordat_domain::ids::{PersonId, UserId};
use sqlx::any::AnyRow;

use crate::backend::lock_rows;
use crate::{rows, time, Conn, StoreError};

/// A request's id.
pub type CorrectionId = uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub id: CorrectionId,
    pub person: PersonId,
    pub part: CorrectionPart,
    pub what_is_wrong: String,
    pub should_say: String,
    pub asked_at: DateTime<Utc>,
    /// The lead professional who answers it.
    pub owner: UserId,
    pub answer_by: NaiveDate,
    pub status: CorrectionStatus,
    pub answer: String,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<DateTime<Utc>>,
    pub escalation_step: i64,
}

const COLUMNS: &str = "id, person_id, part, what_is_wrong, should_say, asked_at, owner_user_id, \
     answer_by, status, answer, answered_by, answered_at, escalation_step";

pub async fn insert(conn: &mut Conn, c: &Correction) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO corrections ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13)"
    ))
    .bind(c.id.to_string())
    .bind(c.person.to_string())
    .bind(c.part.as_str())
    .bind(c.what_is_wrong.clone())
    .bind(c.should_say.clone())
    .bind(time::encode(c.asked_at))
    .bind(c.owner.to_string())
    .bind(time::encode_date(c.answer_by))
    .bind(c.status.as_str())
    .bind(c.answer.clone())
    .bind(c.answered_by.map(|u| u.to_string()))
    .bind(c.answered_at.map(time::encode))
    .bind(c.escalation_step)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes what changes: the answer and the escalation.
pub async fn save(conn: &mut Conn, c: &Correction) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE corrections SET status = $1, answer = $2, answered_by = $3, answered_at = $4, \
         escalation_step = $5 WHERE id = $6",
    )
    .bind(c.status.as_str())
    .bind(c.answer.clone())
    .bind(c.answered_by.map(|u| u.to_string()))
    .bind(c.answered_at.map(time::encode))
    .bind(c.escalation_step)
    .bind(c.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// A request; with `for_update` its row stays locked (PostgreSQL) until
/// the transaction ends.
pub async fn by_id(
    conn: &mut Conn,
    id: CorrectionId,
    for_update: bool,
) -> Result<Option<Correction>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM corrections WHERE id = $1{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// `person`'s requests, newest first.
pub async fn of_person(conn: &mut Conn, person: PersonId) -> Result<Vec<Correction>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM corrections WHERE person_id = $1 ORDER BY asked_at DESC, id"
    ))
    .bind(person.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The requests `owner` has to answer or has answered, open ones first,
/// oldest first within each.
pub async fn of_owner(
    conn: &mut Conn,
    owner: UserId,
    limit: i64,
) -> Result<Vec<Correction>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM corrections WHERE owner_user_id = $1 \
         ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, asked_at, id LIMIT $2"
    ))
    .bind(owner.to_string())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &AnyRow) -> Result<Correction, StoreError> {
    Ok(Correction {
        id: rows::text(row, "id")?
            .parse()
            .map_err(|e| StoreError::corrupt("correction id", e))?,
        person: rows::id(row, "person_id")?,
        part: CorrectionPart::parse(&rows::text(row, "part")?)
            .map_err(|e| StoreError::corrupt("correction part", e))?,
        what_is_wrong: rows::text(row, "what_is_wrong")?,
        should_say: rows::text(row, "should_say")?,
        asked_at: rows::instant(row, "asked_at")?,
        owner: rows::id(row, "owner_user_id")?,
        answer_by: time::decode_date(&rows::text(row, "answer_by")?)?,
        status: CorrectionStatus::parse(&rows::text(row, "status")?)
            .map_err(|e| StoreError::corrupt("correction status", e))?,
        answer: rows::text(row, "answer")?,
        answered_by: rows::opt_id(row, "answered_by")?,
        answered_at: rows::opt_instant(row, "answered_at")?,
        escalation_step: rows::int(row, "escalation_step")?,
    })
}

//! The frequent-contact list: each entry made when a person's emergency
//! contacts passed the threshold, its review, and the person's own request
//! for one; the people whose contacts may pass it; and the teams that offer
//! support to those on the list.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::frequent_contact::{Contact, Count, EntryStatus, NextStep};
use concordat_domain::ids::{PersonId, TeamId, UserId};
use sqlx::any::AnyRow;

use crate::backend::lock_rows;
use crate::{rows, time, Conn, StoreError};

/// An entry's id.
pub type EntryId = uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    pub person: PersonId,
    /// The team offering support.
    pub team: TeamId,
    pub identified_at: DateTime<Utc>,
    /// The contacts counted when the person was identified.
    pub count: Count,
    pub status: EntryStatus,
    /// When it ends unless reviewed (again).
    pub review_by: DateTime<Utc>,
    pub next_step: Option<NextStep>,
    pub note: String,
    pub reviewed_by: Option<UserId>,
    pub reviewer_name: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The person asked for a review, in their own words.
    pub asked_review_at: Option<DateTime<Utc>>,
    pub asked_words: String,
}

const COLUMNS: &str = "id, person_id, team_id, identified_at, last_month, last_year, agencies, \
     status, review_by, next_step, note, reviewed_by, reviewer_name, reviewed_at, ended_at, \
     asked_review_at, asked_words";

pub async fn insert_entry(conn: &mut Conn, e: &Entry) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO frequent_contact_entries ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    ))
    .bind(e.id.to_string())
    .bind(e.person.to_string())
    .bind(e.team.to_string())
    .bind(time::encode(e.identified_at))
    .bind(i64::from(e.count.last_month))
    .bind(i64::from(e.count.last_year))
    .bind(i64::from(e.count.agencies))
    .bind(e.status.as_str())
    .bind(time::encode(e.review_by))
    .bind(e.next_step.map(NextStep::as_str))
    .bind(e.note.clone())
    .bind(e.reviewed_by.map(|u| u.to_string()))
    .bind(e.reviewer_name.clone())
    .bind(e.reviewed_at.map(time::encode))
    .bind(e.ended_at.map(time::encode))
    .bind(e.asked_review_at.map(time::encode))
    .bind(e.asked_words.clone())
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes what changes over an entry's life: its review, its end, the
/// person's request.
pub async fn save(conn: &mut Conn, e: &Entry) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE frequent_contact_entries SET status = $1, review_by = $2, next_step = $3, \
         note = $4, reviewed_by = $5, reviewer_name = $6, reviewed_at = $7, ended_at = $8, \
         asked_review_at = $9, asked_words = $10 WHERE id = $11",
    )
    .bind(e.status.as_str())
    .bind(time::encode(e.review_by))
    .bind(e.next_step.map(NextStep::as_str))
    .bind(e.note.clone())
    .bind(e.reviewed_by.map(|u| u.to_string()))
    .bind(e.reviewer_name.clone())
    .bind(e.reviewed_at.map(time::encode))
    .bind(e.ended_at.map(time::encode))
    .bind(e.asked_review_at.map(time::encode))
    .bind(e.asked_words.clone())
    .bind(e.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// An entry; with `for_update` its row stays locked (PostgreSQL) until the
/// transaction ends, so a review and the expiry job cannot both act on what
/// they read.
pub async fn entry_by_id(
    conn: &mut Conn,
    id: EntryId,
    for_update: bool,
) -> Result<Option<Entry>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM frequent_contact_entries WHERE id = $1{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

fn current_statuses() -> String {
    EntryStatus::ALL
        .iter()
        .filter(|s| s.is_current())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The person's current entry, if they are on the list.
pub async fn current_of_person(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Option<Entry>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM frequent_contact_entries WHERE person_id = $1 \
         AND status IN ({}) ORDER BY identified_at DESC LIMIT 1",
        current_statuses()
    ))
    .bind(person.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every entry about the person, newest first (at most 50).
pub async fn of_person(conn: &mut Conn, person: PersonId) -> Result<Vec<Entry>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM frequent_contact_entries WHERE person_id = $1 \
         ORDER BY identified_at DESC, id LIMIT 50"
    ))
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The current entries, those waiting for review first and then the
/// soonest to end, `limit` from `offset` on.
pub async fn current(conn: &mut Conn, offset: u32, limit: u32) -> Result<Vec<Entry>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM frequent_contact_entries WHERE status IN ({}) \
         ORDER BY CASE WHEN status = '{}' THEN 0 ELSE 1 END, review_by, id \
         LIMIT {limit} OFFSET {offset}",
        current_statuses(),
        EntryStatus::Identified.as_str()
    ))
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Current entries whose time to be reviewed ran out by `now`.
pub async fn due_to_end(
    conn: &mut Conn,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<EntryId>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT id FROM frequent_contact_entries WHERE status IN ({}) AND review_by <= $1 \
         ORDER BY review_by LIMIT {limit}",
        current_statuses()
    ))
    .bind(time::encode(now))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            uuid::Uuid::parse_str(&rows::text(r, "id")?)
                .map_err(|e| StoreError::corrupt("frequent contact entry", e))
        })
        .collect()
}

/// Those of `people` with more than `more_than` emergency contacts in the
/// year to `now` and no current entry: the only ones who can pass either
/// threshold (a year holds the month, and the yearly threshold is at least
/// the monthly one). Whether they do is the domain's to say. Only the
/// people named are counted, through the index on each person's contacts,
/// so recording a contact never scans everyone's.
pub async fn candidates(
    conn: &mut Conn,
    people: &[PersonId],
    now: DateTime<Utc>,
    more_than: u32,
) -> Result<Vec<PersonId>, StoreError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT person_id FROM contact_events WHERE person_id IN ({ids}) \
         AND kind IN ({kinds}) AND occurred_at > {from} AND occurred_at <= {to} \
         AND person_id NOT IN (SELECT person_id FROM frequent_contact_entries WHERE status IN ({current})) \
         GROUP BY person_id HAVING COUNT(*) > {more_than} ORDER BY person_id",
        ids = rows::parameters(conn, 1, people.len()),
        kinds = emergency_kinds(),
        from = rows::parameters(conn, people.len() + 1, 1),
        to = rows::parameters(conn, people.len() + 2, 1),
        current = current_statuses(),
    );
    let mut query = sqlx::query(&sql);
    for person in people {
        query = query.bind(person.to_string());
    }
    let rows = query
        .bind(time::encode(now - concordat_domain::frequent_contact::YEAR))
        .bind(time::encode(now))
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| rows::id(r, "person_id")).collect()
}

fn emergency_kinds() -> String {
    ContactKind::ALL
        .iter()
        .filter(|k| k.counts_as_emergency_contact())
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The person's emergency contacts in the year to `now`.
pub async fn contacts_of(
    conn: &mut Conn,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<Vec<Contact>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT kind, occurred_at, organisation_id FROM contact_events WHERE person_id = $1 \
         AND kind IN ({}) AND occurred_at > $2 AND occurred_at <= $3 ORDER BY occurred_at",
        emergency_kinds()
    ))
    .bind(person.to_string())
    .bind(time::encode(now - concordat_domain::frequent_contact::YEAR))
    .bind(time::encode(now))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Contact {
                kind: ContactKind::parse(&rows::text(r, "kind")?)
                    .map_err(|e| StoreError::corrupt("contact event", e))?,
                occurred_at: rows::instant(r, "occurred_at")?,
                organisation: rows::opt_id(r, "organisation_id")?,
            })
        })
        .collect()
}

/// The teams that offer support to the people on the list, oldest first.
pub async fn support_teams(conn: &mut Conn) -> Result<Vec<TeamId>, StoreError> {
    let rows = sqlx::query(
        "SELECT id FROM teams WHERE offers_frequent_contact_support = 1 ORDER BY name, id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| rows::id(r, "id")).collect()
}

/// Whether `team` offers support to the people on the list.
pub async fn set_support_team(
    conn: &mut Conn,
    team: TeamId,
    offers: bool,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE teams SET offers_frequent_contact_support = $1 WHERE id = $2")
        .bind(i64::from(offers))
        .bind(team.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Who is on the list, as governance may see it: for each current entry,
/// the person's date of birth, sex and ethnic category code — nothing that
/// names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demography {
    pub birth_date: NaiveDate,
    pub sex: Option<String>,
    pub ethnic_category: Option<String>,
}

pub async fn make_up(conn: &mut Conn) -> Result<Vec<Demography>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT p.birth_date, p.sex, p.ethnic_category FROM frequent_contact_entries e \
         JOIN persons p ON p.id = e.person_id WHERE e.status IN ({})",
        current_statuses()
    ))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Demography {
                birth_date: time::decode_date(&rows::text(r, "birth_date")?)?,
                sex: rows::opt_text(r, "sex")?,
                ethnic_category: rows::opt_text(r, "ethnic_category")?,
            })
        })
        .collect()
}

fn count(row: &AnyRow, col: &str) -> Result<u32, StoreError> {
    u32::try_from(rows::int(row, col)?)
        .map_err(|e| StoreError::corrupt("frequent contact entry", e))
}

fn from_row(row: &AnyRow) -> Result<Entry, StoreError> {
    let status = EntryStatus::parse(&rows::text(row, "status")?)
        .map_err(|e| StoreError::corrupt("frequent contact entry", e))?;
    let next_step = rows::opt_text(row, "next_step")?
        .map(|s| NextStep::parse(&s))
        .transpose()
        .map_err(|e| StoreError::corrupt("frequent contact entry", e))?;
    Ok(Entry {
        id: uuid::Uuid::parse_str(&rows::text(row, "id")?)
            .map_err(|e| StoreError::corrupt("frequent contact entry", e))?,
        person: rows::id(row, "person_id")?,
        team: rows::id(row, "team_id")?,
        identified_at: rows::instant(row, "identified_at")?,
        count: Count {
            last_month: count(row, "last_month")?,
            last_year: count(row, "last_year")?,
            agencies: count(row, "agencies")?,
        },
        status,
        review_by: rows::instant(row, "review_by")?,
        next_step,
        note: rows::text(row, "note")?,
        reviewed_by: rows::opt_id(row, "reviewed_by")?,
        reviewer_name: rows::text(row, "reviewer_name")?,
        reviewed_at: rows::opt_instant(row, "reviewed_at")?,
        ended_at: rows::opt_instant(row, "ended_at")?,
        asked_review_at: rows::opt_instant(row, "asked_review_at")?,
        asked_words: rows::text(row, "asked_words")?,
    })
}

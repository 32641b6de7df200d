//! Two person records found to be one person: a record started from
//! contacts merged into the fuller one, and undone. Nothing is rewritten
//! but the owner of what moves; what moved is kept by id with the merge,
//! so an undo moves exactly that back.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, PersonId, UserId};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::access_versions::person_changed;
use crate::backend::lock_rows;
use crate::{rows, time, Conn, StoreError};

/// A merge's id.
pub type MergeId = uuid::Uuid;

/// What a record holds that a merge cannot carry over, each as (what, how
/// many): these belong to the teams that made them, and folding them into
/// another record would change what that person has agreed or been told.
/// Listed in the words a reviewer reads.
const HELD_APART: [(&str, &str); 15] = [
    (
        "a crisis plan",
        "SELECT COUNT(*) AS n FROM crisis_plans WHERE person_id = $1",
    ),
    (
        "safety flags",
        "SELECT COUNT(*) AS n FROM safety_flags WHERE person_id = $1",
    ),
    (
        "sharing choices",
        "SELECT COUNT(*) AS n FROM consent_directives WHERE person_id = $1",
    ),
    (
        "masked details",
        "SELECT COUNT(*) AS n FROM field_masks WHERE person_id = $1",
    ),
    (
        "carers or contacts",
        "SELECT COUNT(*) AS n FROM related_persons WHERE person_id = $1",
    ),
    (
        "a care team",
        "SELECT COUNT(*) AS n FROM care_teams WHERE person_id = $1",
    ),
    (
        "referrals",
        "SELECT COUNT(*) AS n FROM referrals WHERE person_id = $1",
    ),
    (
        "messages",
        "SELECT COUNT(*) AS n FROM message_threads WHERE person_id = $1",
    ),
    (
        "a multi-agency case",
        "SELECT COUNT(*) AS n FROM cases WHERE person_id = $1",
    ),
    (
        "corrections asked for",
        "SELECT COUNT(*) AS n FROM corrections WHERE person_id = $1",
    ),
    (
        "capacity assessments",
        "SELECT COUNT(*) AS n FROM capacity_assessments WHERE person_id = $1",
    ),
    (
        "advance choices",
        "SELECT COUNT(*) AS n FROM advance_choice_documents WHERE person_id = $1",
    ),
    (
        "an account of their own or a carer's",
        "SELECT COUNT(*) AS n FROM users WHERE person_id = $1 OR carer_person_id = $1",
    ),
    (
        "break-glass access",
        "SELECT COUNT(*) AS n FROM break_glass WHERE person_id = $1",
    ),
    (
        "relationships other than from contacts",
        "SELECT COUNT(*) AS n FROM care_relationships WHERE person_id = $1 \
         AND kind NOT IN ('active-contact', 'match-review')",
    ),
];

/// What `person` holds that a merge cannot carry: empty for a record of
/// contacts and identifiers alone.
pub async fn held_apart(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<&'static str>, StoreError> {
    let mut held = Vec::new();
    for (what, sql) in HELD_APART {
        let row = sqlx::query(sql)
            .bind(person.to_string())
            .fetch_one(&mut *conn)
            .await?;
        if rows::int(&row, "n")? > 0 {
            held.push(what);
        }
    }
    Ok(held)
}

/// What a merge moved from the merged record to the kept one, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// (system, value).
    pub identifiers: Vec<(String, String)>,
    pub contact_events: Vec<String>,
    pub relationships: Vec<String>,
    pub held_events: Vec<String>,
    pub frequent_contact_entries: Vec<String>,
}

impl Moved {
    /// "1 identifier and 3 contacts": for the audit and the reviewer.
    pub fn describe(&self) -> String {
        let counted = |n: usize, one: &str, many: &str| {
            (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
        };
        let parts: Vec<String> = [
            counted(self.identifiers.len(), "identifier", "identifiers"),
            counted(self.contact_events.len(), "contact", "contacts"),
            counted(
                self.relationships.len(),
                "relationship from a contact",
                "relationships from contacts",
            ),
            counted(self.held_events.len(), "held event", "held events"),
            counted(
                self.frequent_contact_entries.len(),
                "frequent-contact entry",
                "frequent-contact entries",
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "nothing but the record itself".to_owned()
        } else {
            concordat_domain::text::listed(&parts)
        }
    }
}

/// A merge as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonMerge {
    pub id: MergeId,
    pub kept: PersonId,
    pub merged: PersonId,
    /// The organisation of the reviewer who merged: its reviewers may
    /// undo it.
    pub organisation: OrganisationId,
    /// The sender's id of the held event that listed both records.
    pub event_id: String,
    /// Each record as the reviewer saw it ("Gary Holt, NHS 999 000 0034"),
    /// so the service's merges can be told apart.
    pub kept_label: String,
    pub merged_label: String,
    pub merged_by: UserId,
    pub merged_at: DateTime<Utc>,
    pub note: String,
    pub moved: Moved,
    pub undone_by: Option<UserId>,
    pub undone_at: Option<DateTime<Utc>>,
    pub undo_note: String,
}

/// The ids of `table`'s rows of `person` (with `condition`).
async fn ids_of(
    conn: &mut Conn,
    table: &str,
    person: PersonId,
    condition: &str,
) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT id FROM {table} WHERE person_id = $1{condition} ORDER BY id"
    ))
    .bind(person.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| rows::text(r, "id")).collect()
}

/// Moves `ids` of `table` to `to`.
async fn move_rows(
    conn: &mut Conn,
    table: &str,
    ids: &[String],
    to: PersonId,
) -> Result<(), StoreError> {
    for id in ids {
        sqlx::query(&format!("UPDATE {table} SET person_id = $1 WHERE id = $2"))
            .bind(to.to_string())
            .bind(id.clone())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether `person` is merged into another record now; their row locked
/// for the caller's transaction when `for_update`.
pub async fn merged_into(
    conn: &mut Conn,
    person: PersonId,
    for_update: bool,
) -> Result<Option<PersonId>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT merged_into FROM persons WHERE id = $1{lock}"
    ))
    .bind(person.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => rows::opt_id(&row, "merged_into"),
        None => Ok(None),
    }
}

/// A reviewer's merge, as asked.
#[derive(Debug, Clone, Copy)]
pub struct MergeAsked<'a> {
    pub id: MergeId,
    pub kept: PersonId,
    pub merged: PersonId,
    pub organisation: OrganisationId,
    pub event_id: &'a str,
    pub kept_label: &'a str,
    pub merged_label: &'a str,
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub note: &'a str,
}

/// Merges `merged` into `kept` in the caller's transaction: moves what
/// `merged` holds, marks it merged, records the merge with what moved, and
/// moves both people's access versions. The caller has checked that
/// `merged` holds nothing [`held_apart`] and that no identifier system is
/// on both.
pub async fn merge(conn: &mut Conn, asked: MergeAsked<'_>) -> Result<PersonMerge, StoreError> {
    let MergeAsked {
        id,
        kept,
        merged,
        organisation,
        event_id,
        kept_label,
        merged_label,
        by,
        at,
        note,
    } = asked;
    let identifiers = sqlx::query(
        "SELECT system, value FROM person_identifiers WHERE person_id = $1 ORDER BY system",
    )
    .bind(merged.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((rows::text(r, "system")?, rows::text(r, "value")?)))
    .collect::<Result<Vec<_>, StoreError>>()?;
    let moved = Moved {
        identifiers,
        contact_events: ids_of(conn, "contact_events", merged, "").await?,
        relationships: ids_of(
            conn,
            "care_relationships",
            merged,
            " AND kind = 'active-contact'",
        )
        .await?,
        held_events: ids_of(conn, "held_events", merged, "").await?,
        frequent_contact_entries: ids_of(conn, "frequent_contact_entries", merged, "").await?,
    };
    move_everything(conn, &moved, kept).await?;
    sqlx::query("UPDATE persons SET merged_into = $1 WHERE id = $2")
        .bind(kept.to_string())
        .bind(merged.to_string())
        .execute(&mut *conn)
        .await?;
    let record = PersonMerge {
        id,
        kept,
        merged,
        organisation,
        event_id: event_id.to_owned(),
        kept_label: kept_label.to_owned(),
        merged_label: merged_label.to_owned(),
        merged_by: by,
        merged_at: at,
        note: note.to_owned(),
        moved,
        undone_by: None,
        undone_at: None,
        undo_note: String::new(),
    };
    sqlx::query(
        "INSERT INTO person_merges (id, kept_id, merged_id, organisation_id, event_id, \
         kept_label, merged_label, merged_by, merged_at, note, moved) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id.to_string())
    .bind(kept.to_string())
    .bind(merged.to_string())
    .bind(organisation.to_string())
    .bind(event_id.to_owned())
    .bind(kept_label.to_owned())
    .bind(merged_label.to_owned())
    .bind(by.to_string())
    .bind(time::encode(at))
    .bind(note.to_owned())
    .bind(encode_moved(&record.moved)?)
    .execute(&mut *conn)
    .await?;
    person_changed(conn, kept).await?;
    person_changed(conn, merged).await?;
    Ok(record)
}

/// Moves every row `moved` lists to `to`.
async fn move_everything(conn: &mut Conn, moved: &Moved, to: PersonId) -> Result<(), StoreError> {
    for (system, value) in &moved.identifiers {
        sqlx::query(
            "UPDATE person_identifiers SET person_id = $1 WHERE system = $2 AND value = $3",
        )
        .bind(to.to_string())
        .bind(system.clone())
        .bind(value.clone())
        .execute(&mut *conn)
        .await?;
    }
    move_rows(conn, "contact_events", &moved.contact_events, to).await?;
    move_rows(conn, "care_relationships", &moved.relationships, to).await?;
    move_rows(conn, "held_events", &moved.held_events, to).await?;
    move_rows(
        conn,
        "frequent_contact_entries",
        &moved.frequent_contact_entries,
        to,
    )
    .await
}

/// Undoes `merge` in the caller's transaction: moves back exactly what it
/// moved, the merged record stands alone again, and the merge says who
/// undid it.
pub async fn undo(
    conn: &mut Conn,
    merge: &PersonMerge,
    by: UserId,
    at: DateTime<Utc>,
    note: &str,
) -> Result<(), StoreError> {
    move_everything(conn, &merge.moved, merge.merged).await?;
    sqlx::query("UPDATE persons SET merged_into = NULL WHERE id = $1")
        .bind(merge.merged.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE person_merges SET undone_by = $1, undone_at = $2, undo_note = $3 WHERE id = $4",
    )
    .bind(by.to_string())
    .bind(time::encode(at))
    .bind(note.to_owned())
    .bind(merge.id.to_string())
    .execute(&mut *conn)
    .await?;
    person_changed(conn, merge.kept).await?;
    person_changed(conn, merge.merged).await
}

const COLUMNS: &str = "id, kept_id, merged_id, organisation_id, event_id, kept_label, \
                       merged_label, merged_by, merged_at, note, moved, undone_by, undone_at, \
                       undo_note";

/// The merge `id`; locked for the caller's transaction when `for_update`.
pub async fn by_id(
    conn: &mut Conn,
    id: MergeId,
    for_update: bool,
) -> Result<Option<PersonMerge>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM person_merges WHERE id = $1{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// `organisation`'s merges, newest first, at most `limit`.
pub async fn of_organisation(
    conn: &mut Conn,
    organisation: OrganisationId,
    limit: i64,
) -> Result<Vec<PersonMerge>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM person_merges WHERE organisation_id = $1 \
         ORDER BY merged_at DESC, id LIMIT {limit}"
    ))
    .bind(organisation.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

fn encode_moved(moved: &Moved) -> Result<String, StoreError> {
    serde_json::to_string(moved).map_err(|e| StoreError::corrupt("what a merge moved", e))
}

fn from_row(row: &AnyRow) -> Result<PersonMerge, StoreError> {
    Ok(PersonMerge {
        id: rows::text(row, "id")?
            .parse()
            .map_err(|e| StoreError::corrupt("merge id", e))?,
        kept: rows::id(row, "kept_id")?,
        merged: rows::id(row, "merged_id")?,
        organisation: rows::id(row, "organisation_id")?,
        event_id: rows::text(row, "event_id")?,
        kept_label: rows::text(row, "kept_label")?,
        merged_label: rows::text(row, "merged_label")?,
        merged_by: rows::id(row, "merged_by")?,
        merged_at: rows::instant(row, "merged_at")?,
        note: rows::text(row, "note")?,
        moved: serde_json::from_str(&rows::text(row, "moved")?)
            .map_err(|e| StoreError::corrupt("what a merge moved", e))?,
        undone_by: rows::opt_id(row, "undone_by")?,
        undone_at: rows::opt_instant(row, "undone_at")?,
        undo_note: rows::text(row, "undo_note")?,
    })
}

//! Bulk Data exports: what was asked, how far the work has gone, and the
//! NDJSON files written so far. An export works through the people it
//! covers in the order of their ids; each batch's files are written and
//! the cursor moved in one transaction, and only by the holder of the
//! cursor the batch started from, so a batch interrupted by a restart is
//! done again from where the last one ended, and never twice.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{TeamId, UserId};
use sqlx::any::AnyRow;

use crate::{rows, time, Conn, StoreError};

/// Where an export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportStatus {
    Running,
    Complete,
    Failed,
}

impl ExportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Complete => "complete",
            Self::Failed => "failed",
        }
    }

    fn parse(raw: &str) -> Result<Self, StoreError> {
        match raw {
            "running" => Ok(Self::Running),
            "complete" => Ok(Self::Complete),
            "failed" => Ok(Self::Failed),
            other => Err(StoreError::corrupt(
                "bulk export",
                format!("status `{other}`"),
            )),
        }
    }
}

/// One export, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub id: uuid::Uuid,
    pub user: UserId,
    /// The purpose of use's code, as the token that asked carried it.
    pub purpose: String,
    /// `system`, `patient` or `group`.
    pub level: String,
    /// The team whose caseload a group-level export covers.
    pub group: Option<TeamId>,
    pub types: Vec<String>,
    pub since: Option<DateTime<Utc>>,
    /// The kick-off request's address, echoed in the manifest.
    pub request: String,
    pub status: ExportStatus,
    /// The last person written; empty before the first batch.
    pub cursor: String,
    pub people_total: i64,
    pub people_done: i64,
    pub files_written: i64,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

/// Keeps a new export, running, with nothing written yet.
pub async fn insert(conn: &mut Conn, export: &Export) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO bulk_exports (id, user_id, purpose, level, group_id, types, since, request, \
         status, cursor, people_total, people_done, files_written, error, created_at, \
         completed_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(export.id.to_string())
    .bind(export.user.to_string())
    .bind(export.purpose.clone())
    .bind(export.level.clone())
    .bind(export.group.map(|g| g.to_string()))
    .bind(export.types.join(","))
    .bind(export.since.map(time::encode))
    .bind(export.request.clone())
    .bind(export.status.as_str())
    .bind(export.cursor.clone())
    .bind(export.people_total)
    .bind(export.people_done)
    .bind(export.files_written)
    .bind(export.error.clone())
    .bind(time::encode(export.created_at))
    .bind(export.completed_at.map(time::encode))
    .bind(time::encode(export.expires_at))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn export_by_id(conn: &mut Conn, id: uuid::Uuid) -> Result<Option<Export>, StoreError> {
    let row = sqlx::query("SELECT * FROM bulk_exports WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

fn from_row(row: &AnyRow) -> Result<Export, StoreError> {
    let id = rows::text(row, "id")?;
    Ok(Export {
        id: uuid::Uuid::parse_str(&id).map_err(|e| StoreError::corrupt("bulk export", e))?,
        user: rows::id(row, "user_id")?,
        purpose: rows::text(row, "purpose")?,
        level: rows::text(row, "level")?,
        group: rows::opt_id(row, "group_id")?,
        types: rows::text(row, "types")?
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        since: rows::opt_instant(row, "since")?,
        request: rows::text(row, "request")?,
        status: ExportStatus::parse(&rows::text(row, "status")?)?,
        cursor: rows::text(row, "cursor")?,
        people_total: rows::int(row, "people_total")?,
        people_done: rows::int(row, "people_done")?,
        files_written: rows::int(row, "files_written")?,
        error: rows::opt_text(row, "error")?,
        created_at: rows::instant(row, "created_at")?,
        completed_at: rows::opt_instant(row, "completed_at")?,
        expires_at: rows::instant(row, "expires_at")?,
    })
}

/// One file of a batch: NDJSON of `count` resources of one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub resource_type: String,
    pub count: i64,
    pub body: String,
}

/// Writes a batch: its files after those written so far, and the cursor
/// moved from `from` to `to` past `people` more people. False, writing
/// nothing, if the export is no longer running from `from` (cancelled,
/// or the batch was written already by whoever held it before).
pub async fn write_batch(
    conn: &mut Conn,
    export: &Export,
    to: &str,
    people: i64,
    files: &[ExportFile],
) -> Result<bool, StoreError> {
    let moved = sqlx::query(
        "UPDATE bulk_exports SET cursor = $1, people_done = people_done + $2, \
         files_written = files_written + $3 \
         WHERE id = $4 AND cursor = $5 AND status = 'running'",
    )
    .bind(to.to_owned())
    .bind(people)
    .bind(i64::try_from(files.len()).unwrap_or(i64::MAX))
    .bind(export.id.to_string())
    .bind(export.cursor.clone())
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() == 0 {
        return Ok(false);
    }
    for (i, file) in files.iter().enumerate() {
        let seq = export.files_written + i64::try_from(i).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO bulk_export_files (export_id, seq, resource_type, count, body) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(export.id.to_string())
        .bind(seq)
        .bind(file.resource_type.clone())
        .bind(file.count)
        .bind(file.body.clone())
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// Ends a running export as `status` (complete or failed) at `now`, its
/// files kept until `expires_at`. False if it is no longer running from
/// the cursor `export` holds.
pub async fn finish(
    conn: &mut Conn,
    export: &Export,
    status: ExportStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE bulk_exports SET status = $1, error = $2, completed_at = $3, expires_at = $6 \
         WHERE id = $4 AND cursor = $5 AND status = 'running'",
    )
    .bind(status.as_str())
    .bind(error.map(str::to_owned))
    .bind(time::encode(now))
    .bind(export.id.to_string())
    .bind(export.cursor.clone())
    .bind(time::encode(expires_at))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes an export and its files: cancelled, or its time up. A batch
/// still being written then finds nothing to write to.
pub async fn delete(conn: &mut Conn, id: uuid::Uuid) -> Result<(), StoreError> {
    delete_files(conn, id).await?;
    sqlx::query("DELETE FROM bulk_exports WHERE id = $1")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

async fn delete_files(conn: &mut Conn, id: uuid::Uuid) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM bulk_export_files WHERE export_id = $1")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// An output file, without its body: what a manifest lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub seq: i64,
    pub resource_type: String,
    pub count: i64,
}

/// The files an export has written, in order.
pub async fn files(conn: &mut Conn, id: uuid::Uuid) -> Result<Vec<FileEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, resource_type, count FROM bulk_export_files \
         WHERE export_id = $1 ORDER BY seq",
    )
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FileEntry {
                seq: rows::int(r, "seq")?,
                resource_type: rows::text(r, "resource_type")?,
                count: rows::int(r, "count")?,
            })
        })
        .collect()
}

/// One file's NDJSON.
pub async fn file_body(
    conn: &mut Conn,
    id: uuid::Uuid,
    seq: i64,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT body FROM bulk_export_files WHERE export_id = $1 AND seq = $2")
        .bind(id.to_string())
        .bind(seq)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| rows::text(r, "body")).transpose()
}

//! The scheduler's job table. A job is one step of work for one item (the
//! first escalation of a referral, the third attempt at a webhook delivery)
//! due at a time. Nodes claim due jobs for a lease; a job whose lease ran
//! out without being finished (its node died) is claimed again.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use crate::backend::lock_rows_skipping_held;
use crate::{rows, time, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: uuid::Uuid,
    pub kind: String,
    pub subject_id: String,
    pub step: i64,
    pub run_at: DateTime<Utc>,
    pub payload: String,
    pub attempts: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Pending,
    Running,
    Done,
    Cancelled,
    /// Gave up after its last attempt; kept for an administrator to retry.
    Dead,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
            Self::Dead => "dead",
        }
    }
}

/// Schedules step `step` of `kind` for `subject_id` at `run_at`. Returns
/// false, changing nothing, if that step is already scheduled (or was run).
pub async fn schedule(
    conn: &mut Conn,
    kind: &str,
    subject_id: &str,
    step: i64,
    run_at: DateTime<Utc>,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO jobs (id, kind, subject_id, step, run_at, payload, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) \
         ON CONFLICT (kind, subject_id, step) DO NOTHING",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(kind.to_owned())
    .bind(subject_id.to_owned())
    .bind(step)
    .bind(time::encode(run_at))
    .bind(payload.to_owned())
    .bind(time::encode(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Claims up to `limit` jobs due at `now` for `node` until `lease_until`:
/// pending ones, and running ones whose lease has run out. On PostgreSQL
/// rows another node is claiming are skipped, not waited for; on SQLite
/// the single writer serialises claims. Call in a write transaction and
/// commit before running the jobs.
pub async fn claim_due(
    conn: &mut Conn,
    node: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Job>, StoreError> {
    let skip_locked = lock_rows_skipping_held(conn);
    let sql = format!(
        "UPDATE jobs SET status = 'running', claimed_by = $1, claimed_until = $2, \
         attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM jobs WHERE run_at <= $3 AND \
           (status = 'pending' OR (status = 'running' AND claimed_until < $3)) \
           ORDER BY run_at, id LIMIT $4{skip_locked}) \
         RETURNING id, kind, subject_id, step, run_at, payload, attempts"
    );
    let now_text = time::encode(now);
    let rows = sqlx::query(&sql)
        .bind(node.to_owned())
        .bind(time::encode(lease_until))
        .bind(now_text)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    let mut jobs: Vec<Job> = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

/// Ends a job this node holds. False if the job is no longer this node's
/// (its lease ran out and another node took it): the caller then rolls
/// back whatever it did, so the work is done once.
pub async fn finish(
    conn: &mut Conn,
    id: uuid::Uuid,
    node: &str,
    status: JobStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET status = $1, last_error = $2, finished_at = $3 \
         WHERE id = $4 AND claimed_by = $5 AND status = 'running'",
    )
    .bind(status.as_str())
    .bind(error.map(str::to_owned))
    .bind(time::encode(now))
    .bind(id.to_string())
    .bind(node.to_owned())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Puts a job this node holds back to wait until `run_at` (a retry).
pub async fn retry_at(
    conn: &mut Conn,
    id: uuid::Uuid,
    node: &str,
    run_at: DateTime<Utc>,
    error: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET status = 'pending', run_at = $1, last_error = $2, claimed_by = NULL, \
         claimed_until = NULL WHERE id = $3 AND claimed_by = $4 AND status = 'running'",
    )
    .bind(time::encode(run_at))
    .bind(error.to_owned())
    .bind(id.to_string())
    .bind(node.to_owned())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Cancels the pending jobs of `kind` for `subject_id` (an acknowledgement
/// stops an escalation chain). Returns how many were cancelled.
pub async fn cancel(
    conn: &mut Conn,
    kind: &str,
    subject_id: &str,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET status = 'cancelled', finished_at = $1 \
         WHERE kind = $2 AND subject_id = $3 AND status = 'pending'",
    )
    .bind(time::encode(now))
    .bind(kind.to_owned())
    .bind(subject_id.to_owned())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Makes a dead job pending again, due at `now` (an administrator's retry).
pub async fn revive(
    conn: &mut Conn,
    id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET status = 'pending', run_at = $1, finished_at = NULL, claimed_by = NULL, \
         claimed_until = NULL WHERE id = $2 AND status = 'dead'",
    )
    .bind(time::encode(now))
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

fn from_row(row: &AnyRow) -> Result<Job, StoreError> {
    Ok(Job {
        id: uuid::Uuid::parse_str(&rows::text(row, "id")?)
            .map_err(|e| StoreError::corrupt("job", e))?,
        kind: rows::text(row, "kind")?,
        subject_id: rows::text(row, "subject_id")?,
        step: rows::int(row, "step")?,
        run_at: rows::instant(row, "run_at")?,
        payload: rows::text(row, "payload")?,
        attempts: rows::int(row, "attempts")?,
    })
}

/// The jobs of one kind waiting to run: how many, and since when the
/// oldest of those already due has been due (`None` when none is due).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub kind: String,
    pub count: i64,
    pub oldest_due: Option<DateTime<Utc>>,
}

/// The queue as it stands at `now`, kind by kind: the jobs not yet
/// claimed, or whose claim has lapsed (as [`claim_due`] would take them).
pub async fn waiting(conn: &mut Conn, now: DateTime<Utc>) -> Result<Vec<Waiting>, StoreError> {
    let rows = sqlx::query(
        "SELECT kind, COUNT(*) AS n, \
           MIN(CASE WHEN run_at <= $1 THEN run_at END) AS oldest_due \
         FROM jobs \
         WHERE status = 'pending' OR (status = 'running' AND claimed_until < $1) \
         GROUP BY kind ORDER BY kind",
    )
    .bind(time::encode(now))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Waiting {
                kind: rows::text(row, "kind")?,
                count: rows::int(row, "n")?,
                oldest_due: rows::opt_instant(row, "oldest_due")?,
            })
        })
        .collect()
}

//! Appending to the audit log by group commit. Callers hand entries to one
//! writer task per node; it takes everything queued (up to [`MAX_BATCH`]),
//! appends it in ONE transaction with a signed checkpoint, commits, and only
//! then answers each caller. So an entry is acknowledged only once it is
//! durable — "no audit, no access" — at the cost of one commit per batch
//! rather than one per request.
//!
//! Several nodes sharing a PostgreSQL database each run a writer; they take
//! turns on the lock of the `audit_head` row, so the chain never forks. On
//! SQLite the store's single-writer permit does the same.

use std::sync::Arc;

use chrono::Utc;
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};

use super::chain::{decode_hash, StoredEntry};
use super::signer::CheckpointSigner;
use super::AuditEntry;
use crate::kept::KeptConnection;
use crate::{rows, time, Backend, Conn, Store, StoreError};

/// Most entries committed in one transaction: large enough that a burst of
/// requests shares a commit, small enough that one transaction stays short.
pub const MAX_BATCH: usize = 512;

/// How many entries may wait for the writer before callers themselves wait
/// to queue: back-pressure rather than unbounded memory when the database
/// is slow.
const QUEUE: usize = 8 * MAX_BATCH;

/// Rows per INSERT statement: 16 columns × 64 rows stays well under every
/// driver's limit on parameters while saving most round trips.
const ROWS_PER_INSERT: usize = 64;

#[derive(Debug, Clone, Error)]
pub enum AuditError {
    /// The batch holding the entry was not committed; nothing of it was kept.
    #[error("the audit log could not be written")]
    Write(#[source] Arc<StoreError>),
    #[error("the audit writer has stopped")]
    Stopped,
}

struct Pending {
    entry: AuditEntry,
    done: oneshot::Sender<Result<u64, AuditError>>,
}

/// A handle on this node's audit writer; clone it freely. The writer task
/// ends when the last handle is dropped.
#[derive(Debug, Clone)]
pub struct AuditLog {
    queue: mpsc::Sender<Pending>,
}

impl AuditLog {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(store: Store, signer: CheckpointSigner) -> AuditLog {
        let (queue, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(store, signer, receiver));
        AuditLog { queue }
    }

    /// Appends `entry` and returns its sequence number once the transaction
    /// holding it has committed. Return no data to the caller before this
    /// succeeds. A caller that stops waiting does not withdraw the entry:
    /// once queued it is written (the decision was made either way).
    pub async fn record(&self, entry: AuditEntry) -> Result<u64, AuditError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Pending { entry, done })
            .await
            .map_err(|_| AuditError::Stopped)?;
        // A dropped sender means the writer task died mid-batch: the entry
        // may or may not be in the log, so report failure.
        answer.await.map_err(|_| AuditError::Stopped)?
    }
}

async fn write_batches(
    store: Store,
    signer: CheckpointSigner,
    mut receiver: mpsc::Receiver<Pending>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut kept = KeptConnection::new(store.clone());
    // recv_many waits for at least one entry, then takes whatever else is
    // already queued: the batch grows with the load, with no timer.
    while kept.idle(receiver.recv_many(&mut batch, MAX_BATCH)).await > 0 {
        let entries: Vec<&AuditEntry> = batch.iter().map(|p| &p.entry).collect();
        let written = match kept.get().await {
            Ok(conn) => append_batch(&store, conn, &signer, &entries).await,
            Err(err) => Err(err),
        };
        kept.done(&written);
        match written {
            Ok(first_seq) => {
                for (seq, pending) in (first_seq..).zip(batch.drain(..)) {
                    let _ = pending.done.send(Ok(seq));
                }
            }
            Err(err) => {
                tracing::error!(error = ?err, entries = batch.len(), "audit batch not written");
                let err = Arc::new(err);
                for pending in batch.drain(..) {
                    let _ = pending.done.send(Err(AuditError::Write(Arc::clone(&err))));
                }
            }
        }
    }
}

/// Appends `entries` in one transaction with a checkpoint of the last one;
/// returns the first entry's seq.
async fn append_batch(
    store: &Store,
    conn: &mut Conn,
    signer: &CheckpointSigner,
    entries: &[&AuditEntry],
) -> Result<u64, StoreError> {
    let mut tx = store.write_on(conn).await?;
    let (head_seq, head_hash) = lock_head(&mut tx, store.backend()).await?;
    let mut prev = head_hash;
    let mut rows = Vec::with_capacity(entries.len());
    for (seq, entry) in (head_seq + 1..).zip(entries) {
        let row = StoredEntry::new(seq, entry, prev);
        prev = row.hash.clone();
        rows.push(row);
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        insert_entries(&mut tx, chunk).await?;
    }
    if let Some(last) = rows.last() {
        let hash = decode_hash(&last.hash)
            .ok_or_else(|| StoreError::corrupt("audit head", "hash is not hex"))?;
        let signed_at = Utc::now();
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, signature, signed_at, key_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(last.seq)
        .bind(last.hash.clone())
        .bind(signer.sign(last.seq, &hash, signed_at))
        .bind(time::encode(signed_at))
        .bind(signer.key_id().to_owned())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(last.seq)
            .bind(last.hash.clone())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    u64::try_from(head_seq + 1).map_err(|_| StoreError::corrupt("audit head", head_seq))
}

/// The end of the chain, locked until the transaction ends.
async fn lock_head(conn: &mut Conn, backend: Backend) -> Result<(i64, String), StoreError> {
    let sql = match backend {
        // Other nodes' writers wait here until this transaction ends, then
        // read the head it left (READ COMMITTED re-reads a locked row).
        Backend::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
        // `Store::write` admits one writer at a time in this process, but a
        // transaction dropped just before may still be rolling back on
        // another connection. Starting with a write (a no-op update) makes
        // SQLite wait for that lock under the busy timeout; a read first
        // would fail at once with SQLITE_BUSY when it tried to upgrade.
        Backend::Sqlite => "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
    };
    let row = sqlx::query(sql)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::corrupt("audit head", "the row is missing"))?;
    Ok((rows::int(&row, "seq")?, rows::text(&row, "hash")?))
}

async fn insert_entries(conn: &mut Conn, rows: &[StoredEntry]) -> Result<(), StoreError> {
    const COLUMNS: usize = 16;
    let sql = format!(
        "INSERT INTO audit_log ({}) VALUES {}",
        super::chain::ENTRY_COLUMNS,
        crate::rows::value_rows(conn, rows.len(), COLUMNS)
    );
    let mut query = sqlx::query(&sql);
    for row in rows {
        // INVARIANT: the same order as ENTRY_COLUMNS.
        query = query
            .bind(row.seq)
            .bind(row.occurred_at.clone())
            .bind(row.actor_user_id.clone())
            .bind(row.actor_username.clone())
            .bind(row.actor_organisation_id.clone())
            .bind(row.actor_role.clone())
            .bind(row.purpose.clone())
            .bind(row.person_id.clone())
            .bind(row.action.clone())
            .bind(row.categories.clone())
            .bind(row.outcome.clone())
            .bind(row.reasons.clone())
            .bind(row.policy_ids.clone())
            .bind(row.break_glass)
            .bind(row.prev_hash.clone())
            .bind(row.hash.clone());
    }
    query.execute(conn).await?;
    Ok(())
}

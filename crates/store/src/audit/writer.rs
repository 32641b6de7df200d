//! Appending to the audit log by group commit. Callers hand entries to one
//! writer task per node; it takes everything queued (up to [`MAX_BATCH`]),
//! appends it in ONE transaction with a signed checkpoint, commits, and only
//! then answers each caller. So an entry is acknowledged only once it is
//! durable — "no audit, no access" — at the cost of one commit per batch
//! rather than one per request.
//!
//! An entry may carry the relationship its act opens ([`Opening`]: a crisis
//! look-up is itself the relationship that lets its user read the crisis
//! summary). The writer writes it in the batch's transaction, so the
//! relationship and its entry commit together or not at all, and the
//! look-up costs no transaction of its own. One opening that cannot be
//! written must not cost the entries batched with it: a batch that fails
//! with openings in it is written again one entry at a time.
//!
//! Several nodes sharing a PostgreSQL database each run a writer; they take
//! turns on the lock of the `audit_head` row, so the chain never forks. On
//! SQLite the store's single-writer permit does the same, and the whole
//! batch goes to the database as one statement list (begin, entries,
//! checkpoint, head, commit): each statement sent separately is a round
//! trip to the connection's thread, and on a busy machine each of those
//! waits its turn for a core while every request of the batch waits too.
//!
//! One file at about 400 lines: the batch's transaction and the chain it
//! extends are one concept, since each checkpoint signs what its batch
//! appended, and neither reads right without the other.

use std::sync::Arc;

use chrono::Utc;
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};

use super::chain::{decode_hash, StoredEntry};
use super::signer::CheckpointSigner;
use super::AuditEntry;
use crate::kept::KeptConnection;
use crate::relationships::{self, Opening};
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
    /// Written in the same transaction as `entry`.
    opening: Option<Opening>,
    done: oneshot::Sender<Result<u64, AuditError>>,
}

/// A handle on this node's audit writer; clone it freely. The writer task
/// ends when the last handle is dropped.
#[derive(Debug, Clone)]
pub struct AuditLog {
    queue: mpsc::Sender<Pending>,
}

/// Told of each batch the writer commits, or fails to: how many entries
/// it held and how long its transaction took (for the server's metrics).
pub trait BatchObserver: Send + Sync + 'static {
    fn written(&self, entries: usize, took: std::time::Duration, committed: bool);
}

struct Unobserved;

impl BatchObserver for Unobserved {
    fn written(&self, _: usize, _: std::time::Duration, _: bool) {}
}

impl AuditLog {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(store: Store, signer: CheckpointSigner) -> AuditLog {
        Self::start_observed(store, signer, Arc::new(Unobserved))
    }

    /// [`start`](Self::start), telling `observer` of every batch.
    pub fn start_observed(
        store: Store,
        signer: CheckpointSigner,
        observer: Arc<dyn BatchObserver>,
    ) -> AuditLog {
        let (queue, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(store, signer, receiver, observer));
        AuditLog { queue }
    }

    /// Appends `entry` and returns its sequence number once the transaction
    /// holding it has committed. Return no data to the caller before this
    /// succeeds. A caller that stops waiting does not withdraw the entry:
    /// once queued it is written (the decision was made either way).
    pub async fn record(&self, entry: AuditEntry) -> Result<u64, AuditError> {
        self.append(entry, None).await
    }

    /// [`record`](Self::record), writing `opening` (and moving its person's
    /// access version) in the same transaction as `entry`: once this
    /// succeeds both have committed; if it fails, neither was kept.
    pub async fn record_opening(
        &self,
        entry: AuditEntry,
        opening: Opening,
    ) -> Result<u64, AuditError> {
        self.append(entry, Some(opening)).await
    }

    async fn append(&self, entry: AuditEntry, opening: Option<Opening>) -> Result<u64, AuditError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Pending {
                entry,
                opening,
                done,
            })
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
    observer: Arc<dyn BatchObserver>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut kept = KeptConnection::new(store.clone());
    let mut head = None;
    // recv_many waits for at least one entry, then takes whatever else is
    // already queued: the batch grows with the load, with no timer.
    while kept.idle(receiver.recv_many(&mut batch, MAX_BATCH)).await > 0 {
        let started = std::time::Instant::now();
        let written = write(&store, &mut kept, &signer, &batch, &mut head).await;
        observer.written(batch.len(), started.elapsed(), written.is_ok());
        match written {
            Ok(first_seq) => {
                for (seq, pending) in (first_seq..).zip(batch.drain(..)) {
                    let _ = pending.done.send(Ok(seq));
                }
            }
            // One opening that cannot be written fails only its own entry.
            Err(err) if batch.len() > 1 && batch.iter().any(|p| p.opening.is_some()) => {
                tracing::warn!(error = ?err, entries = batch.len(), "audit batch written again one entry at a time");
                for pending in batch.drain(..) {
                    let alone = std::slice::from_ref(&pending);
                    match write(&store, &mut kept, &signer, alone, &mut head).await {
                        Ok(seq) => {
                            let _ = pending.done.send(Ok(seq));
                        }
                        Err(err) => fail(vec![pending], err),
                    }
                }
            }
            Err(err) => fail(std::mem::take(&mut batch), err),
        }
    }
}

/// Tells every caller in `batch` that its entry was not kept.
fn fail(batch: Vec<Pending>, err: StoreError) {
    tracing::error!(error = ?err, entries = batch.len(), "audit batch not written");
    let err = Arc::new(err);
    for pending in batch {
        let _ = pending.done.send(Err(AuditError::Write(Arc::clone(&err))));
    }
}

/// Appends `batch` (entries and their openings) in one transaction;
/// returns the first entry's seq.
async fn write(
    store: &Store,
    kept: &mut KeptConnection,
    signer: &CheckpointSigner,
    batch: &[Pending],
    head: &mut Option<Head>,
) -> Result<u64, StoreError> {
    let entries: Vec<&AuditEntry> = batch.iter().map(|p| &p.entry).collect();
    let openings: Vec<&Opening> = batch.iter().filter_map(|p| p.opening.as_ref()).collect();
    let written = match store.backend() {
        Backend::Postgres => match kept.get().await {
            Ok(conn) => append_locked(store, conn, signer, &entries, &openings)
                .await
                .map(|(first, _)| first),
            Err(err) => Err(err),
        },
        Backend::Sqlite => append_listed(store, kept, signer, &entries, &openings, head).await,
    };
    kept.done(&written);
    written
}

/// The end of the chain: the last entry's seq and hash (0 and the genesis
/// hash before the first).
#[derive(Debug, Clone)]
struct Head {
    seq: i64,
    hash: String,
}

impl Head {
    /// The end of the chain once `rows` (chained after `self`) are in.
    fn after(&self, rows: &[StoredEntry]) -> Head {
        rows.last().map_or_else(
            || self.clone(),
            |last| Head {
                seq: last.seq,
                hash: last.hash.clone(),
            },
        )
    }
}

/// `entries` as rows following `head`, each hashed over its predecessor.
fn chained(head: &Head, entries: &[&AuditEntry]) -> Vec<StoredEntry> {
    let mut prev = head.hash.clone();
    let mut rows = Vec::with_capacity(entries.len());
    for (seq, entry) in (head.seq + 1..).zip(entries) {
        let row = StoredEntry::new(seq, entry, prev);
        prev = row.hash.clone();
        rows.push(row);
    }
    rows
}

fn first_seq(head: &Head) -> Result<u64, StoreError> {
    u64::try_from(head.seq + 1).map_err(|_| StoreError::corrupt("audit head", head.seq))
}

/// Appends `entries` in one transaction that reads the head first, with a
/// checkpoint of the last one, and writes `openings` in it; returns the
/// first entry's seq and the new head.
async fn append_locked(
    store: &Store,
    conn: &mut Conn,
    signer: &CheckpointSigner,
    entries: &[&AuditEntry],
    openings: &[&Opening],
) -> Result<(u64, Head), StoreError> {
    let mut tx = store.write_on(conn).await?;
    for opening in openings {
        relationships::write_opening(&mut tx, opening).await?;
    }
    let sql = match store.backend() {
        // Other nodes' writers wait here until this transaction ends, then
        // read the head it left (READ COMMITTED re-reads a locked row).
        Backend::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
        // BEGIN IMMEDIATE already holds the only write lock.
        Backend::Sqlite => "SELECT seq, hash FROM audit_head WHERE id = 1",
    };
    let head = read_head(&mut tx, sql).await?;
    let rows = chained(&head, entries);
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = insert_sql(&tx, chunk.len());
        bind_entries(sqlx::query(&sql), chunk)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(last) = rows.last() {
        let sql = checkpoint_sql(&tx);
        bind_checkpoint(sqlx::query(&sql), signer, last)?
            .execute(&mut *tx)
            .await?;
        let sql = head_sql(&tx);
        bind_head(sqlx::query(&sql), last).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok((first_seq(&head)?, head.after(&rows)))
}

/// SQLite: appends `entries` after the head this writer's last commit left,
/// as one list of statements from BEGIN to COMMIT. The first time, after
/// any failure, and when another process appended meanwhile (a command run
/// beside the server, which makes the chain's trigger refuse the list),
/// the batch is written by [`append_locked`] after the head as it stands.
async fn append_listed(
    store: &Store,
    kept: &mut KeptConnection,
    signer: &CheckpointSigner,
    entries: &[&AuditEntry],
    openings: &[&Opening],
    remembered: &mut Option<Head>,
) -> Result<u64, StoreError> {
    if let Some(head) = remembered.take() {
        let _permit = store.writer_permit().await;
        match write_listed(kept.get().await?, signer, entries, openings, &head).await {
            Ok(end) => {
                *remembered = Some(end);
                return first_seq(&head);
            }
            // Closing the connection rolls back whatever the list began,
            // before another writer may begin.
            Err(_) => kept.discard().await,
        }
    }
    let (first, end) = append_locked(store, kept.get().await?, signer, entries, openings).await?;
    *remembered = Some(end);
    Ok(first)
}

/// One round trip: BEGIN, the openings, the entries, the checkpoint and the
/// head, COMMIT. Returns the new head.
async fn write_listed(
    conn: &mut Conn,
    signer: &CheckpointSigner,
    entries: &[&AuditEntry],
    openings: &[&Opening],
    head: &Head,
) -> Result<Head, StoreError> {
    let rows = chained(head, entries);
    let Some(last) = rows.last() else {
        return Ok(head.clone());
    };
    let mut sql = String::from("BEGIN IMMEDIATE; ");
    for opening in openings {
        for statement in relationships::opening_sql(conn, opening) {
            sql.push_str(&statement);
            sql.push_str("; ");
        }
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        sql.push_str(&insert_sql(conn, chunk.len()));
        sql.push_str("; ");
    }
    sql.push_str(&checkpoint_sql(conn));
    sql.push_str("; ");
    sql.push_str(&head_sql(conn));
    sql.push_str("; COMMIT");
    let mut query = sqlx::query(&sql);
    for opening in openings {
        query = relationships::bind_opening(query, opening);
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        query = bind_entries(query, chunk);
    }
    bind_head(bind_checkpoint(query, signer, last)?, last)
        .execute(&mut *conn)
        .await?;
    Ok(head.after(&rows))
}

async fn read_head(conn: &mut Conn, sql: &str) -> Result<Head, StoreError> {
    let row = sqlx::query(sql)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::corrupt("audit head", "the row is missing"))?;
    Ok(Head {
        seq: rows::int(&row, "seq")?,
        hash: rows::text(&row, "hash")?,
    })
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Columns per `audit_log` row.
const COLUMNS: usize = 16;

fn insert_sql(conn: &Conn, rows: usize) -> String {
    format!(
        "INSERT INTO audit_log ({}) VALUES {}",
        super::chain::ENTRY_COLUMNS,
        rows::value_rows(conn, rows, COLUMNS)
    )
}

/// The checkpoint of the batch's last entry.
fn checkpoint_sql(conn: &Conn) -> String {
    format!(
        "INSERT INTO audit_checkpoints (seq, hash, signature, signed_at, key_id) VALUES ({})",
        rows::parameters(conn, 1, 5)
    )
}

/// The head moved to the batch's last entry.
fn head_sql(conn: &Conn) -> String {
    format!(
        "UPDATE audit_head SET seq = {}, hash = {} WHERE id = 1",
        rows::parameters(conn, 1, 1),
        rows::parameters(conn, 2, 1)
    )
}

fn bind_entries<'q>(mut query: AnyQuery<'q>, rows: &[StoredEntry]) -> AnyQuery<'q> {
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
    query
}

fn bind_checkpoint<'q>(
    query: AnyQuery<'q>,
    signer: &CheckpointSigner,
    last: &StoredEntry,
) -> Result<AnyQuery<'q>, StoreError> {
    let hash = decode_hash(&last.hash)
        .ok_or_else(|| StoreError::corrupt("audit head", "hash is not hex"))?;
    let signed_at = Utc::now();
    Ok(query
        .bind(last.seq)
        .bind(last.hash.clone())
        .bind(signer.sign(last.seq, &hash, signed_at))
        .bind(time::encode(signed_at))
        .bind(signer.key_id().to_owned()))
}

fn bind_head<'q>(query: AnyQuery<'q>, last: &StoredEntry) -> AnyQuery<'q> {
    query.bind(last.seq).bind(last.hash.clone())
}

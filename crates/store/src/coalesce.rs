//! Reads that many requests make at the same moment, made once for all of
//! them: every record read looks up its bearer token and its person (with
//! the access versions). Each request queues its key with one task per kind
//! of read; the task takes everything queued, reads it in ONE statement,
//! and answers each request. Under load that is one round trip to the
//! database for dozens of requests instead of one each.
//!
//! INVARIANT: a request is answered only by a statement issued after it
//! queued — the task takes keys only once its previous statement is done —
//! so what it learns is at least as new as the moment it asked. A change
//! committed before a request began is therefore seen by that request,
//! exactly as if it had made its own read.
//!
//! On SQLite, what a task read is answered again while nothing at all has
//! been committed since ([`crate::unchanged`]): a batch then costs one
//! question to the database rather than a read of every key.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::kept::KeptConnection;
use crate::unchanged::Unchanged;
use crate::{Conn, Store, StoreError};

/// Most keys read in one statement.
const MAX_BATCH: usize = 256;

/// Most values one task keeps between batches (see [`crate::unchanged`]).
const KEPT_VALUES: usize = 16_384;

/// One kind of read that can be made for many keys at once.
pub trait BatchRead: Send + Sync + 'static {
    type Key: Clone + Eq + Hash + Send + Sync + 'static;
    type Value: Clone + Send + 'static;

    /// The value for each of `keys` (distinct), in the same order.
    fn read_many(
        conn: &mut Conn,
        keys: &[Self::Key],
    ) -> impl Future<Output = Result<Vec<Self::Value>, StoreError>> + Send;
}

type Answer<V> = oneshot::Sender<Result<V, Arc<StoreError>>>;

/// A handle on the task making reads of kind `R`; clone it freely. The task
/// ends when the last handle is dropped.
pub struct Coalesced<R: BatchRead> {
    queue: mpsc::Sender<(R::Key, Answer<R::Value>)>,
    statements: Arc<AtomicU64>,
}

impl<R: BatchRead> Clone for Coalesced<R> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
            statements: Arc::clone(&self.statements),
        }
    }
}

impl<R: BatchRead> std::fmt::Debug for Coalesced<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Coalesced")
    }
}

impl<R: BatchRead> Coalesced<R> {
    /// Starts the task on the current Tokio runtime.
    pub fn start(store: Store) -> Self {
        let (queue, receiver) = mpsc::channel(8 * MAX_BATCH);
        let statements = Arc::new(AtomicU64::new(0));
        tokio::spawn(serve::<R>(store, receiver, Arc::clone(&statements)));
        Self { queue, statements }
    }

    /// How many statements have read values so far; a value answered from
    /// what was kept costs none.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The value for `key`, read by a statement issued after this call.
    pub async fn read(&self, key: R::Key) -> Result<R::Value, StoreError> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send((key, answer))
            .await
            .map_err(|_| StoreError::ReaderStopped)?;
        answered
            .await
            .map_err(|_| StoreError::ReaderStopped)?
            .map_err(StoreError::Shared)
    }
}

async fn serve<R: BatchRead>(
    store: Store,
    mut receiver: mpsc::Receiver<(R::Key, Answer<R::Value>)>,
    statements: Arc<AtomicU64>,
) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    let mut unchanged = Unchanged::new(store.backend(), KEPT_VALUES);
    let mut kept = KeptConnection::new(store);
    while kept.idle(receiver.recv_many(&mut waiting, MAX_BATCH)).await > 0 {
        let read = read_batch::<R>(&mut kept, &mut unchanged, &waiting, &statements).await;
        kept.done(&read);
        match read {
            Ok(values) => {
                for (key, answer) in waiting.drain(..) {
                    let _ = answer.send(Ok(values[&key].clone()));
                }
            }
            Err(err) => {
                let err = Arc::new(err);
                for (_, answer) in waiting.drain(..) {
                    let _ = answer.send(Err(Arc::clone(&err)));
                }
            }
        }
    }
}

/// The value for every key `waiting` asks about: those kept while nothing
/// changed, and the rest read in one statement.
async fn read_batch<R: BatchRead>(
    kept: &mut KeptConnection,
    unchanged: &mut Unchanged<R::Key, R::Value>,
    waiting: &[(R::Key, Answer<R::Value>)],
    statements: &AtomicU64,
) -> Result<HashMap<R::Key, R::Value>, StoreError> {
    unchanged.check(kept).await?;
    let mut values = HashMap::with_capacity(waiting.len());
    let mut missing = Vec::new();
    for (key, _) in waiting {
        if values.contains_key(key) || missing.contains(key) {
            continue;
        }
        match unchanged.get(key) {
            Some(value) => {
                values.insert(key.clone(), value);
            }
            None => missing.push(key.clone()),
        }
    }
    if !missing.is_empty() {
        statements.fetch_add(1, Ordering::Relaxed);
        let read = R::read_many(kept.get().await?, &missing).await?;
        for (key, value) in missing.into_iter().zip(read) {
            unchanged.keep(key.clone(), value.clone());
            values.insert(key, value);
        }
    }
    Ok(values)
}

/// `$first, $first+1, …` for `count` parameters, padded with repeats of the
/// last key to a power of two: a handful of statement shapes for the
/// driver to keep prepared, rather than one per batch size.
pub(crate) fn padded<K: Clone>(keys: &[K]) -> Vec<K> {
    let mut padded = keys.to_vec();
    if let Some(last) = keys.last() {
        padded.resize(keys.len().next_power_of_two(), last.clone());
    }
    padded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_padded_to_a_power_of_two_with_the_last() {
        assert_eq!(padded(&[1, 2, 3]), vec![1, 2, 3, 3]);
        assert_eq!(padded(&[1]), vec![1]);
        assert!(padded::<u8>(&[]).is_empty());
    }
}

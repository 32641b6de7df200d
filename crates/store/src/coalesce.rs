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

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::kept::KeptConnection;
use crate::{Conn, Store, StoreError};

/// Most keys read in one statement.
const MAX_BATCH: usize = 256;

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
}

impl<R: BatchRead> Clone for Coalesced<R> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
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
        tokio::spawn(serve::<R>(store, receiver));
        Self { queue }
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
) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    let mut kept = KeptConnection::new(store);
    while kept.idle(receiver.recv_many(&mut waiting, MAX_BATCH)).await > 0 {
        let mut keys = Vec::new();
        let mut position = HashMap::new();
        for (key, _) in &waiting {
            position.entry(key.clone()).or_insert_with(|| {
                keys.push(key.clone());
                keys.len() - 1
            });
        }
        let read = match kept.get().await {
            Ok(conn) => R::read_many(conn, &keys).await,
            Err(err) => Err(err),
        };
        kept.done(&read);
        match read {
            Ok(values) => {
                for (key, answer) in waiting.drain(..) {
                    let _ = answer.send(Ok(values[position[&key]].clone()));
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

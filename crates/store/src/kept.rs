//! A connection that a long-lived task (the audit writer, a shared reader)
//! keeps between its turns rather than borrow from the pool each time: it
//! never queues behind every request for a connection, nor pays the pool's
//! check on each return, and on SQLite its page cache stays warm. It is let
//! go after any error, in case the connection was the trouble, and when the
//! store closes, which otherwise waits for it for ever. A small pool keeps
//! nothing: three tasks each keeping one of four connections would leave
//! the requests themselves waiting.

use std::future::Future;

use sqlx::pool::PoolConnection;
use sqlx::Any;

use crate::{Store, StoreError};

/// The smallest pool whose connections are kept.
const KEEP_FROM: u32 = 8;

#[derive(Debug)]
pub struct KeptConnection {
    store: Store,
    conn: Option<PoolConnection<Any>>,
    keep: bool,
    /// Connections taken from the pool so far.
    taken: u64,
}

impl KeptConnection {
    pub fn new(store: Store) -> Self {
        let keep = store.max_connections() >= KEEP_FROM;
        Self {
            store,
            conn: None,
            keep,
            taken: 0,
        }
    }

    /// Waits for `next` (the task's next piece of work), letting the
    /// connection go if the store closes meanwhile.
    pub async fn idle<T>(&mut self, next: impl Future<Output = T>) -> T {
        let mut next = std::pin::pin!(next);
        if self.conn.is_some() {
            tokio::select! {
                out = &mut next => return out,
                () = self.store.closing() => self.conn = None,
            }
        }
        next.await
    }

    /// The connection, taken from the pool if none is kept.
    pub async fn get(&mut self) -> Result<&mut PoolConnection<Any>, StoreError> {
        if self.conn.is_none() {
            self.conn = Some(self.store.read().await?);
            self.taken += 1;
        }
        Ok(self.conn.as_mut().expect("a connection was just kept"))
    }

    /// Which connection [`get`](Self::get) last gave: the same number
    /// means the same connection, held by this task all along (no one else
    /// used it in between).
    pub fn held(&self) -> u64 {
        self.taken
    }

    /// Closes the connection (rolling back any transaction it holds) rather
    /// than give it back: for a caller that began a transaction the store
    /// cannot see, and failed inside it.
    pub async fn discard(&mut self) {
        if let Some(conn) = self.conn.take() {
            if let Err(error) = conn.close().await {
                tracing::warn!(%error, "a connection could not be closed cleanly");
            }
        }
    }

    /// Ends a turn: lets the connection go after an error, or if the pool
    /// is too small to keep it.
    pub fn done<T, E>(&mut self, outcome: &Result<T, E>) {
        if outcome.is_err() || !self.keep {
            self.conn = None;
        }
    }
}

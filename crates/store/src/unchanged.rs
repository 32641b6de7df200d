//! What a shared reader ([`crate::coalesce`]) read before, answered again
//! while the database has not changed since — SQLite only.
//!
//! SQLite counts, for each connection, the commits that OTHER connections
//! (in this process or any other) made to a database file:
//! `PRAGMA main.data_version` returns a new value after each. The audit
//! log's own file is attached as another schema and is not counted, so
//! record reads appending to it leave the count alone. A reader that keeps
//! one connection, never writes through it, and asks for the count before
//! each batch learns whether anything at all was committed since its last
//! batch. If nothing was, what it read then is still exactly what the
//! database holds, and it answers from that without reading again; if
//! anything was, it forgets everything and reads afresh.
//!
//! INVARIANT: a value is kept only if it was read AFTER the check that set
//! the count it is kept under, on the same connection. Then a commit landing
//! between that check and the read costs a miss at the next check, never a
//! stale answer.
//!
//! PostgreSQL has no such count (and several nodes write to it), so there
//! every check forgets and every batch reads.

use std::hash::Hash;

use concordat_bounded::BoundedMap;

use crate::kept::KeptConnection;
use crate::{Backend, StoreError};

#[derive(Debug)]
pub(crate) struct Unchanged<K, V> {
    backend: Backend,
    values: BoundedMap<K, V>,
    /// The connection (as [`KeptConnection::held`] numbers it) and the
    /// count the kept values were read under.
    under: Option<(u64, i64)>,
}

impl<K: Hash + Eq + Clone, V: Clone> Unchanged<K, V> {
    /// Keeps at most `capacity` values.
    pub(crate) fn new(backend: Backend, capacity: usize) -> Self {
        Self {
            backend,
            values: BoundedMap::new(capacity),
            under: None,
        }
    }

    /// Forgets every kept value unless the connection `kept` holds is the
    /// one they were read on and nothing was committed since. Call before
    /// each batch.
    pub(crate) async fn check(&mut self, kept: &mut KeptConnection) -> Result<(), StoreError> {
        let now = match self.backend {
            Backend::Sqlite => {
                let conn = kept.get().await?;
                let count: i64 = sqlx::query_scalar("PRAGMA main.data_version")
                    .fetch_one(&mut **conn)
                    .await?;
                Some((kept.held(), count))
            }
            // No count: nothing can be shown unchanged.
            Backend::Postgres => None,
        };
        if now.is_none() || now != self.under {
            self.values.clear();
        }
        self.under = now;
        Ok(())
    }

    /// The value kept for `key`, if nothing was committed since it was read.
    pub(crate) fn get(&mut self, key: &K) -> Option<V> {
        self.values.get_mut(key).map(|v| v.clone())
    }

    /// Keeps `value`, read after the last [`check`](Self::check).
    pub(crate) fn keep(&mut self, key: K, value: V) {
        self.values.insert(key, value);
    }
}

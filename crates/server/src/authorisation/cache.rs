//! What this node has read before, kept under the access versions it was
//! read under (`concordat_store::access_versions`) and used only while they
//! are still the versions in the database. Each request reads the versions
//! afresh — folded into the statement that reads the person — so a change
//! committed by any node is seen by the very next request on every node.
//!
//! INVARIANT: the versions a value is kept under were read BEFORE the
//! value. Then the value is at least as new as its versions, and a change
//! that lands in between only costs a miss later.

use std::hash::Hash;
use std::sync::{Arc, Mutex};

use concordat_bounded::BoundedMap;
use concordat_store::AccessVersions;

/// A bounded map from `K` to a value read under some versions `S` — the
/// [`AccessVersions`] of the access decision, or whatever else says when
/// what a value was made from last changed.
#[derive(Debug)]
pub struct VersionedCache<K, V, S = AccessVersions> {
    entries: Mutex<BoundedMap<K, (S, Arc<V>)>>,
}

impl<K: Hash + Eq + Clone, V, S: PartialEq> VersionedCache<K, V, S> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(BoundedMap::new(capacity)),
        }
    }

    /// The value kept for `key`, if it was read under exactly `current`.
    pub fn get(&self, key: &K, current: &S) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get_mut(key) {
            Some((versions, value)) if versions == current => Some(Arc::clone(value)),
            _ => None,
        }
    }

    /// Keeps `value`, read after `versions` were.
    pub fn keep(&self, key: K, versions: S, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(key, (versions, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(partnership: i64, person: Option<i64>) -> AccessVersions {
        AccessVersions {
            partnership,
            person,
        }
    }

    #[test]
    fn a_value_is_used_only_under_the_versions_it_was_read_under() {
        let cache = VersionedCache::new(16);
        cache.keep("p", versions(3, Some(7)), Arc::new("facts"));

        assert!(cache.get(&"p", &versions(3, Some(7))).is_some());
        assert!(cache.get(&"p", &versions(3, Some(8))).is_none());
        assert!(cache.get(&"p", &versions(4, Some(7))).is_none());
        assert!(cache.get(&"p", &versions(3, None)).is_none());
    }
}

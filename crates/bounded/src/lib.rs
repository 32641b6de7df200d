//! A map that forgets: at most a fixed number of keys, the least recently
//! used going first. Two generations rather than a true LRU list: new and
//! recently read entries live in the young map; when it is full, the old
//! map is dropped whole and the young one takes its place. Reading an old
//! entry moves it back to the young map. Constant time, no per-entry
//! bookkeeping, and a hot set smaller than half the capacity is never
//! forgotten. Not synchronised: callers wrap it in a lock.

use std::collections::HashMap;
use std::hash::Hash;

#[derive(Debug)]
pub struct BoundedMap<K, V> {
    young: HashMap<K, V>,
    old: HashMap<K, V>,
    /// Keys the young map holds before it becomes the old one; zero keeps
    /// nothing at all.
    generation: usize,
}

impl<K: Hash + Eq + Clone, V> BoundedMap<K, V> {
    /// A map holding at most `capacity` keys (zero: a map that keeps nothing).
    pub fn new(capacity: usize) -> Self {
        Self {
            young: HashMap::new(),
            old: HashMap::new(),
            generation: capacity.div_ceil(2),
        }
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        if !self.young.contains_key(key) {
            let value = self.old.remove(key)?;
            self.insert(key.clone(), value);
        }
        self.young.get_mut(key)
    }

    pub fn insert(&mut self, key: K, value: V) {
        if self.generation == 0 {
            return;
        }
        if self.young.len() >= self.generation && !self.young.contains_key(&key) {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(key, value);
    }

    /// Forgets every key.
    pub fn clear(&mut self) {
        self.young.clear();
        self.old.clear();
    }

    pub fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_no_more_than_its_capacity() {
        let mut map = BoundedMap::new(10);
        for i in 0..1000 {
            map.insert(i, i);
        }
        assert!(map.len() <= 10, "{}", map.len());
        assert_eq!(map.get_mut(&999), Some(&mut 999));
    }

    #[test]
    fn an_entry_read_often_is_kept() {
        let mut map = BoundedMap::new(4);
        map.insert("hot", 1);
        for i in 0..100 {
            map.insert(if i % 2 == 0 { "a" } else { "b" }, i);
            map.insert(["c", "d", "e"][i % 3], i);
            assert!(map.get_mut(&"hot").is_some(), "forgotten after {i}");
        }
    }

    #[test]
    fn a_cleared_map_holds_nothing_and_fills_again() {
        let mut map = BoundedMap::new(4);
        for i in 0..6 {
            map.insert(i, i);
        }
        map.clear();
        assert!(map.is_empty());
        assert!(map.get_mut(&5).is_none());
        map.insert(7, 7);
        assert_eq!(map.get_mut(&7), Some(&mut 7));
    }

    #[test]
    fn a_map_of_no_capacity_keeps_nothing() {
        let mut map = BoundedMap::new(0);
        map.insert(1, 1);
        assert!(map.get_mut(&1).is_none());
    }
}

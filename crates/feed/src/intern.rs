//! Dense `u32` ids for strings and uuids, so hot structures hold 4-byte
//! indices into plain vectors instead of hashing 16-byte keys.

use std::collections::HashMap;
use std::hash::Hash;

#[derive(Debug, Clone)]
pub struct Interner<K> {
    ids: HashMap<K, u32>,
    keys: Vec<K>,
    cap: usize,
}

impl<K: Hash + Eq + Clone> Interner<K> {
    pub fn new(cap: usize) -> Self {
        Interner {
            ids: HashMap::new(),
            keys: Vec::new(),
            cap: cap.min(u32::MAX as usize),
        }
    }

    /// The key's id, assigning the next one; `None` once `cap` keys exist.
    pub fn intern(&mut self, key: &K) -> Option<u32> {
        if let Some(&id) = self.ids.get(key) {
            return Some(id);
        }
        if self.keys.len() >= self.cap {
            return None;
        }
        let id = self.keys.len() as u32;
        self.ids.insert(key.clone(), id);
        self.keys.push(key.clone());
        debug_assert_eq!(self.ids.len(), self.keys.len());
        Some(id)
    }

    pub fn get(&self, key: &K) -> Option<u32> {
        self.ids.get(key).copied()
    }

    pub fn key(&self, id: u32) -> Option<&K> {
        self.keys.get(id as usize)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

impl Interner<String> {
    /// Looks a `&str` up without allocating a `String`.
    pub fn get_str(&self, key: &str) -> Option<u32> {
        self.ids.get(key).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_stable_and_capped() {
        let mut i = Interner::new(2);
        assert_eq!(i.intern(&"a".to_string()), Some(0));
        assert_eq!(i.intern(&"b".to_string()), Some(1));
        assert_eq!(i.intern(&"a".to_string()), Some(0));
        assert_eq!(i.intern(&"c".to_string()), None);
        assert_eq!(i.get_str("b"), Some(1));
        assert_eq!(i.key(1).map(String::as_str), Some("b"));
        assert_eq!(i.len(), 2);
    }
}

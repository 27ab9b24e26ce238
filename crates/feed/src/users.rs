//! All user profiles, capped at `Capacity::max_users`. When full, a new user
//! takes the slot of the least recently active of a small sample taken by a
//! sweeping hand (approximate LRU, as Redis does): O(1) per eviction and no
//! per-event bookkeeping.

use crate::profile::UserProfile;
use crate::types::UserKey;
use std::collections::HashMap;

const EVICTION_SAMPLE: usize = 8;

#[derive(Debug, Clone)]
pub(crate) struct Users {
    index: HashMap<UserKey, u32>,
    keys: Vec<UserKey>,
    profiles: Vec<UserProfile>,
    hand: usize,
    cap: usize,
}

impl Users {
    pub fn new(cap: usize) -> Self {
        Users {
            index: HashMap::new(),
            keys: Vec::new(),
            profiles: Vec::new(),
            hand: 0,
            cap: cap.clamp(1, u32::MAX as usize),
        }
    }

    /// Live profiles (slots freed by `remove` are not counted).
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn get(&self, key: &UserKey) -> Option<&UserProfile> {
        self.index.get(key).map(|&i| &self.profiles[i as usize])
    }

    pub fn get_or_insert(&mut self, key: UserKey) -> &mut UserProfile {
        let slot = match self.index.get(&key) {
            Some(&i) => i as usize,
            None if self.profiles.len() < self.cap => {
                self.keys.push(key);
                self.profiles.push(UserProfile::default());
                let i = self.profiles.len() - 1;
                self.index.insert(key, i as u32);
                i
            }
            None => {
                let i = self.victim();
                // A removed user's slot may hold a key since re-inserted elsewhere.
                if self.index.get(&self.keys[i]) == Some(&(i as u32)) {
                    self.index.remove(&self.keys[i]);
                }
                self.keys[i] = key;
                self.profiles[i] = UserProfile::default();
                self.index.insert(key, i as u32);
                i
            }
        };
        debug_assert!(self.profiles.len() <= self.cap);
        debug_assert!(self.index.len() <= self.profiles.len());
        &mut self.profiles[slot]
    }

    pub fn remove(&mut self, key: &UserKey) -> bool {
        self.take(key).is_some()
    }

    /// Detaches a profile. The slot stays allocated but empty and
    /// unreachable until reused by eviction, which picks it first because
    /// it was never active.
    pub fn take(&mut self, key: &UserKey) -> Option<UserProfile> {
        let i = self.index.remove(key)? as usize;
        let out = std::mem::take(&mut self.profiles[i]);
        self.profiles[i].last_active_ms = i64::MIN;
        Some(out)
    }

    fn victim(&mut self) -> usize {
        let n = self.profiles.len();
        let mut best = self.hand % n;
        for step in 0..EVICTION_SAMPLE.min(n) {
            let i = (self.hand + step) % n;
            if self.profiles[i].last_active_ms < self.profiles[best].last_active_ms {
                best = i;
            }
        }
        self.hand = (self.hand + EVICTION_SAMPLE) % n;
        best
    }

    pub fn profiles(&self) -> impl Iterator<Item = &UserProfile> {
        self.profiles.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn capacity_is_never_exceeded_and_idle_users_go_first() {
        let mut users = Users::new(4);
        let keys: Vec<UserKey> = (0..6u128)
            .map(|i| UserKey::User(Uuid::from_u128(i)))
            .collect();
        for (t, k) in keys.iter().take(4).enumerate() {
            users.get_or_insert(*k).last_active_ms = t as i64 * 10;
        }
        users.get_or_insert(keys[4]).last_active_ms = 100;
        assert_eq!(users.len(), 4);
        assert!(users.get(&keys[0]).is_none(), "the idlest user is evicted");
        assert!(users.get(&keys[4]).is_some());
        users.get_or_insert(keys[5]);
        assert_eq!(users.len(), 4);
    }
}

//! A small, bounded cache of live sessions, so a flash-sale burst does not
//! read the sessions table once per request. Entries live `TTL_MS` at most:
//! a logout on another node takes effect within that time (on this node,
//! at once). 30 s, not 5: with 20,000 buyers in a sale, 5 s meant 4,000
//! session reads a second, each on a reader whose page cache the sale's
//! writes had just invalidated (measured: the sqlx reader thread at 14 %
//! of a core in `bench flash-sale`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use yc_domain::Timestamp;
use yc_domain::account::User;

pub const TTL_MS: i64 = 30_000;
const MAX_ENTRIES: usize = 200_000;

#[derive(Clone, Default)]
pub struct SessionCache {
    entries: Arc<Mutex<HashMap<String, (User, Timestamp)>>>,
}

impl SessionCache {
    pub fn get(&self, token_hash: &str, now: Timestamp) -> Option<User> {
        let entries = self.entries.lock().ok()?;
        let (user, at) = entries.get(token_hash)?;
        (now.millis() - at.millis() < TTL_MS && now >= *at).then(|| user.clone())
    }

    pub fn put(&self, token_hash: String, user: User, now: Timestamp) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, at)| now.millis() - at.millis() < TTL_MS);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(token_hash, (user, now));
        }
    }

    pub fn forget(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }
}

//! The buyers' default addresses the flash path reads for every batch,
//! kept in memory by the store that writes them.
//!
//! Why: the hot reader's page cache is emptied whenever the WAL has moved
//! on since its last read, which during a sale is every batch, so each
//! batch's ~80 lookups re-read their index and table pages with a `pread`
//! apiece (perf, `bench flash-sale`: 7 % of all CPU, most of it copying
//! pages). Exact, not eventually right: every address write in this
//! process (`save_address`, `delete_address`) forgets its user before it
//! begins and again after it commits, and a reader fills what it read
//! only if no write began meanwhile (the generation check), so an answer
//! read before a commit is never kept after it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use yc_domain::UserId;
use yc_domain::address::Address;

/// Users remembered at most (then all are forgotten and refilled).
const MAX_USERS: usize = 100_000;

#[derive(Debug, Default)]
struct Inner {
    generation: u64,
    /// `None`: the user has no default address.
    by_user: HashMap<UserId, Option<Address>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct DefaultAddresses(Arc<Mutex<Inner>>);

/// What the cache knew: addresses found, users to read, and the
/// generation to hand back with what is read.
pub(crate) struct Known {
    pub found: Vec<Address>,
    pub missing: Vec<UserId>,
    pub generation: u64,
}

impl DefaultAddresses {
    /// Each user once, however often listed.
    pub fn lookup(&self, users: &[UserId]) -> Known {
        let Ok(inner) = self.0.lock() else {
            return Known {
                found: Vec::new(),
                missing: users.to_vec(),
                generation: u64::MAX,
            };
        };
        let mut known = Known {
            found: Vec::with_capacity(users.len()),
            missing: Vec::new(),
            generation: inner.generation,
        };
        let mut seen = std::collections::HashSet::with_capacity(users.len());
        for user in users.iter().filter(|u| seen.insert(**u)) {
            match inner.by_user.get(user) {
                Some(Some(address)) => known.found.push(address.clone()),
                Some(None) => {}
                None => known.missing.push(*user),
            }
        }
        known
    }

    /// Keeps what was read for `asked`, unless an address write began
    /// since `generation` was handed out.
    pub fn fill(&self, generation: u64, asked: &[UserId], read: &[Address]) {
        let Ok(mut inner) = self.0.lock() else {
            return;
        };
        if inner.generation != generation {
            return;
        }
        if inner.by_user.len() + asked.len() > MAX_USERS {
            inner.by_user.clear();
        }
        for user in asked {
            inner.by_user.insert(*user, None);
        }
        for address in read {
            inner.by_user.insert(address.user_id, Some(address.clone()));
        }
    }

    /// Called before an address write begins and after it ends.
    pub fn forget(&self, user: UserId) {
        if let Ok(mut inner) = self.0.lock() {
            inner.generation = inner.generation.wrapping_add(1);
            inner.by_user.remove(&user);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(user: UserId, detail: &str) -> Address {
        Address {
            id: yc_domain::AddressId::new(),
            user_id: user,
            recipient: "张三".into(),
            phone: "13800000000".into(),
            province: "浙江省".into(),
            city: "杭州市".into(),
            district: "西湖区".into(),
            detail: detail.into(),
            is_default: true,
        }
    }

    #[test]
    fn remembers_reads_and_forgets_on_writes() {
        let cache = DefaultAddresses::default();
        let (a, b) = (UserId::new(), UserId::new());
        let first = cache.lookup(&[a, b]);
        assert_eq!(first.missing, vec![a, b]);
        cache.fill(first.generation, &first.missing, &[address(a, "1号")]);
        let again = cache.lookup(&[a, b]);
        assert!(again.missing.is_empty(), "b is known to have none");
        assert_eq!(again.found.len(), 1);

        assert_eq!(cache.lookup(&[a, a]).found.len(), 1, "once each");

        cache.forget(a);
        assert_eq!(cache.lookup(&[a]).missing, vec![a]);
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let cache = DefaultAddresses::default();
        let a = UserId::new();
        let before = cache.lookup(&[a]);
        cache.forget(a); // a write began (and maybe committed) meanwhile
        cache.fill(before.generation, &before.missing, &[address(a, "旧")]);
        assert_eq!(cache.lookup(&[a]).missing, vec![a], "read again");
    }
}

//! `FeedModel`: the whole engine state and the calls the platform makes.
//! Writers (`upsert_item`, `set_available`, `observe`, `refresh`) take
//! `&mut self`; `recommend` takes `&self` so many requests can read under
//! one `RwLock` while events are applied in small batches.

use crate::catalog::Catalog;
use crate::covisit::CoVisits;
use crate::error::FeedError;
use crate::params::{Capacity, FeedParams, bounds};
use crate::pools::Pools;
use crate::popularity::Popularity;
use crate::signal::Signal;
use crate::types::{Availability, Event, FeedRequest, ItemMeta, Observed, Recommendation, UserKey};
use crate::users::Users;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct FeedModel {
    pub(crate) params: FeedParams,
    pub(crate) catalog: Catalog,
    pub(crate) users: Users,
    pub(crate) covisits: CoVisits,
    pub(crate) popularity: Popularity,
    pub(crate) pools: Pools,
    events_applied: u64,
    events_unknown: u64,
}

/// Sizes and counters for dashboards and the bound tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelStats {
    pub items: usize,
    pub users: usize,
    pub categories: usize,
    pub tags: usize,
    pub events_applied: u64,
    pub events_unknown_item: u64,
    pub covisit_pairs: usize,
    pub longest_covisit_list: usize,
    pub largest_profile_categories: usize,
    pub largest_profile_tags: usize,
    pub largest_recent_ring: usize,
    pub profiles_within_bounds: bool,
    pub pools_within_bounds: bool,
    pub refreshed_at_ms: Option<i64>,
}

impl Default for FeedModel {
    fn default() -> Self {
        FeedModel::new(FeedParams::default())
    }
}

impl FeedModel {
    pub fn new(params: FeedParams) -> Self {
        FeedModel::with_capacity(params, Capacity::default())
    }

    pub fn with_capacity(params: FeedParams, capacity: Capacity) -> Self {
        FeedModel {
            params: params.sanitized(),
            catalog: Catalog::new(&capacity),
            users: Users::new(capacity.max_users),
            covisits: CoVisits::default(),
            popularity: Popularity::default(),
            pools: Pools::default(),
            events_applied: 0,
            events_unknown: 0,
        }
    }

    pub fn params(&self) -> &FeedParams {
        &self.params
    }

    /// Adds a video or replaces its metadata (availability is kept). A new
    /// video joins its candidate pools at once where they have room; a
    /// changed category takes effect in pools at the next `refresh`.
    pub fn upsert_item(&mut self, meta: &ItemMeta) -> Result<(), FeedError> {
        let (idx, is_new) = self.catalog.upsert(meta)?;
        if is_new {
            let n = self.catalog.len();
            self.covisits.ensure_items(n);
            self.popularity.ensure_items(n);
            self.pools.on_new_item(idx, &self.catalog);
        }
        Ok(())
    }

    pub fn set_available(&mut self, key: Uuid, avail: Availability) -> Result<(), FeedError> {
        self.catalog.set_available(&key, avail)
    }

    pub fn availability(&self, key: Uuid) -> Option<Availability> {
        self.catalog.index(&key).map(|i| self.catalog.row(i).avail)
    }

    /// Applies one event. O(profile + PAIRS_PER_EVENT × COVISIT_SLOTS).
    pub fn observe(&mut self, ev: &Event) -> Observed {
        let Some(idx) = self.catalog.index(&ev.item) else {
            self.events_unknown += 1;
            return Observed::UnknownItem;
        };
        let p = &self.params;
        let row = &self.catalog.rows[idx as usize];
        let w = ev.kind.weight();
        let at = ev.at_ms;
        let user = self.users.get_or_insert(ev.user);
        user.last_active_ms = user.last_active_ms.max(at);
        user.categories.add(
            row.category,
            w,
            at,
            p.interest_half_life_ms,
            bounds::PROFILE_CATEGORIES,
        );
        for &tag in row.tags.as_slice() {
            user.tags
                .add(tag, w, at, p.interest_half_life_ms, bounds::PROFILE_TAGS);
        }
        match ev.kind {
            Signal::Impression => user.seen.push((idx, at), bounds::SEEN_ITEMS),
            Signal::NotInterested => user.mark_not_interested(idx),
            Signal::Purchase if row.single_purchase => user.mark_purchased(row.product),
            _ => {}
        }
        if ev.kind.is_positive() {
            // Pair with the newest earlier positives of this user that fall
            // inside the co-visitation window, nearest first.
            let mut paired = 0;
            for (rank, prior) in user.recent.items.iter().rev().enumerate() {
                if paired >= bounds::PAIRS_PER_EVENT {
                    break;
                }
                if prior.item == idx || (at - prior.at_ms).abs() > p.covisit_window_ms {
                    continue;
                }
                let pw = (w * prior.weight).sqrt() / (1.0 + 0.3 * rank as f32);
                self.covisits
                    .pair(idx, prior.item, pw, at, p.covisit_half_life_ms);
                paired += 1;
            }
            debug_assert!(paired <= bounds::PAIRS_PER_EVENT);
            user.touch_recent(idx, w, at);
            user.positives = user.positives.saturating_add(1);
        }
        self.popularity.add(idx, row.category, w.max(0.0), at, p);
        self.events_applied += 1;
        Observed::Applied
    }

    /// Rebuilds the candidate pools and trend scores: O(items log items).
    /// Call every minute or so (and once after a bulk load).
    pub fn refresh(&mut self, now_ms: i64) {
        self.pools
            .refresh(&self.catalog, &self.popularity, now_ms, &self.params);
    }

    /// A page of videos for one viewer. Never returns a blocked or deleted
    /// video, one this viewer marked not-interested, a single-purchase
    /// video they bought, a video in `req.exclude`, or a video not yet
    /// published at `req.now_ms`.
    pub fn recommend(&self, req: &FeedRequest) -> Vec<Recommendation> {
        crate::rank::recommend(self, req)
    }

    /// "看了又看": the co-visitation neighbours of one video, strongest
    /// first, blocked videos left out.
    pub fn similar(&self, item: Uuid, now_ms: i64, k: usize) -> Vec<(Uuid, f32)> {
        let Some(idx) = self.catalog.index(&item) else {
            return Vec::new();
        };
        let mut out: Vec<(Uuid, f32)> = self
            .covisits
            .neighbours(idx, now_ms, self.params.covisit_half_life_ms)
            .filter(|(n, _)| !self.catalog.row(*n).blocked())
            .map(|(n, s)| (self.catalog.row(n).key, s))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out.truncate(k.min(bounds::COVISIT_READ));
        out
    }

    /// Drops everything the model knows about a viewer (account deletion,
    /// or a device profile after it was merged into the account upstream).
    pub fn forget_user(&mut self, user: &UserKey) -> bool {
        self.users.remove(user)
    }

    /// An anonymous device logged in as `user`: its history joins the
    /// account's profile and the device profile is dropped. Returns whether
    /// the device had a profile.
    pub fn link_device(&mut self, device: Uuid, user: Uuid) -> bool {
        let Some(history) = self.users.take(&UserKey::Device(device)) else {
            return false;
        };
        let hl = self.params.interest_half_life_ms;
        self.users
            .get_or_insert(UserKey::User(user))
            .absorb(history, hl);
        true
    }

    pub fn stats(&self) -> ModelStats {
        let profiles = || self.users.profiles();
        ModelStats {
            items: self.catalog.len(),
            users: self.users.len(),
            categories: self.catalog.categories.len(),
            tags: self.catalog.tags.len(),
            events_applied: self.events_applied,
            events_unknown_item: self.events_unknown,
            covisit_pairs: self.covisits.total_slots(),
            longest_covisit_list: self.covisits.longest_list(),
            largest_profile_categories: profiles()
                .map(|p| p.categories.entries.len())
                .max()
                .unwrap_or(0),
            largest_profile_tags: profiles().map(|p| p.tags.entries.len()).max().unwrap_or(0),
            largest_recent_ring: profiles().map(|p| p.recent.items.len()).max().unwrap_or(0),
            profiles_within_bounds: profiles().all(|p| p.check_bounds()),
            pools_within_bounds: self.pools.check_bounds(),
            refreshed_at_ms: self.pools.refreshed_at_ms,
        }
    }
}

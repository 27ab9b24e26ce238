//! Per-user state: decayed category/tag affinities and a few bounded rings.
//! Everything here has a fixed ceiling (see `params::bounds`) so a user who
//! scrolls all day costs the same memory as one who scrolled for an hour.

use crate::params::bounds;
use crate::signal::Decayed;
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Affinity {
    pub id: u32,
    pub d: Decayed,
}

/// A top-N affinity table. When full, a new key replaces the entry with the
/// smallest magnitude (negative affinities are information too) if the new
/// weight is larger in magnitude; otherwise the new key is not kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct Affinities {
    pub entries: Vec<Affinity>,
}

impl Affinities {
    pub fn add(&mut self, id: u32, w: f32, at_ms: i64, half_life_ms: i64, cap: usize) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.d.add(w, at_ms, half_life_ms);
            return;
        }
        if self.entries.len() < cap {
            self.entries.push(Affinity {
                id,
                d: Decayed::new(w, at_ms),
            });
        } else if let Some((slot, weakest)) = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (i, e.d.value_at(at_ms, half_life_ms).abs()))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            && w.abs() > weakest
        {
            self.entries[slot] = Affinity {
                id,
                d: Decayed::new(w, at_ms),
            };
        }
        debug_assert!(self.entries.len() <= cap);
    }

    /// (id, affinity at `now_ms`), strongest first.
    pub fn ranked(&self, now_ms: i64, half_life_ms: i64) -> Vec<(u32, f32)> {
        let mut v: Vec<(u32, f32)> = self
            .entries
            .iter()
            .map(|e| (e.id, e.d.value_at(now_ms, half_life_ms)))
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RecentItem {
    pub item: u32,
    /// Strongest signal weight seen for the item while it sat in the ring.
    pub weight: f32,
    pub at_ms: i64,
}

/// A FIFO that forgets its oldest entry when full.
#[derive(Debug, Clone)]
pub(crate) struct Ring<T> {
    pub items: VecDeque<T>,
}

impl<T> Default for Ring<T> {
    fn default() -> Self {
        Ring {
            items: VecDeque::new(),
        }
    }
}

impl<T> Ring<T> {
    pub fn push(&mut self, v: T, cap: usize) {
        while self.items.len() >= cap {
            self.items.pop_front();
        }
        self.items.push_back(v);
        debug_assert!(self.items.len() <= cap);
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct UserProfile {
    pub categories: Affinities,
    pub tags: Affinities,
    /// Positive items, newest last, one entry per item.
    pub recent: Ring<RecentItem>,
    /// Impressions (item, at), newest last.
    pub seen: Ring<(u32, i64)>,
    pub not_interested: Ring<u32>,
    /// Single-purchase products bought (dense product ids).
    pub purchased: Ring<u32>,
    pub positives: u32,
    pub last_active_ms: i64,
}

impl UserProfile {
    /// Moves `item` to the newest end of the recent ring.
    pub fn touch_recent(&mut self, item: u32, weight: f32, at_ms: i64) {
        let mut weight = weight;
        if let Some(pos) = self.recent.items.iter().position(|r| r.item == item)
            && let Some(old) = self.recent.items.remove(pos)
        {
            weight = weight.max(old.weight);
        }
        self.recent.push(
            RecentItem {
                item,
                weight,
                at_ms,
            },
            bounds::RECENT_ITEMS,
        );
    }

    pub fn mark_not_interested(&mut self, item: u32) {
        if !self.not_interested.items.contains(&item) {
            self.not_interested.push(item, bounds::NOT_INTERESTED);
        }
    }

    pub fn mark_purchased(&mut self, product: u32) {
        if !self.purchased.items.contains(&product) {
            self.purchased.push(product, bounds::PURCHASED);
        }
    }

    /// Folds another profile of the same person into this one (a device's
    /// history when it logs in): affinities add up at their own times and
    /// the rings interleave by time, all within the usual bounds.
    pub fn absorb(&mut self, other: UserProfile, half_life_ms: i64) {
        for (mine, theirs, cap) in [
            (
                &mut self.categories,
                &other.categories,
                bounds::PROFILE_CATEGORIES,
            ),
            (&mut self.tags, &other.tags, bounds::PROFILE_TAGS),
        ] {
            for e in &theirs.entries {
                mine.add(e.id, e.d.value, e.d.at_ms, half_life_ms, cap);
            }
        }
        let mut recent: Vec<RecentItem> = other.recent.items.into_iter().collect();
        recent.extend(self.recent.items.drain(..));
        recent.sort_by_key(|r| r.at_ms);
        for r in recent {
            self.touch_recent(r.item, r.weight, r.at_ms);
        }
        let mut seen: Vec<(u32, i64)> = other.seen.items.into_iter().collect();
        seen.extend(self.seen.items.drain(..));
        seen.sort_by_key(|s| s.1);
        for s in seen {
            self.seen.push(s, bounds::SEEN_ITEMS);
        }
        other
            .not_interested
            .items
            .iter()
            .for_each(|&i| self.mark_not_interested(i));
        other
            .purchased
            .items
            .iter()
            .for_each(|&p| self.mark_purchased(p));
        self.positives = self.positives.saturating_add(other.positives);
        self.last_active_ms = self.last_active_ms.max(other.last_active_ms);
        debug_assert!(self.check_bounds());
    }

    pub fn check_bounds(&self) -> bool {
        self.categories.entries.len() <= bounds::PROFILE_CATEGORIES
            && self.tags.entries.len() <= bounds::PROFILE_TAGS
            && self.recent.items.len() <= bounds::RECENT_ITEMS
            && self.seen.items.len() <= bounds::SEEN_ITEMS
            && self.not_interested.items.len() <= bounds::NOT_INTERESTED
            && self.purchased.items.len() <= bounds::PURCHASED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_table_replaces_the_weakest_only_for_a_stronger_key() {
        let mut a = Affinities::default();
        for id in 0..4 {
            a.add(id, 1.0 + id as f32, 0, 1_000, 4);
        }
        a.add(9, 0.5, 0, 1_000, 4);
        assert!(!a.entries.iter().any(|e| e.id == 9));
        a.add(9, 5.0, 0, 1_000, 4);
        assert!(a.entries.iter().any(|e| e.id == 9));
        assert!(!a.entries.iter().any(|e| e.id == 0));
        assert_eq!(a.entries.len(), 4);
        assert_eq!(a.ranked(0, 1_000)[0].0, 9);
    }

    #[test]
    fn recent_ring_keeps_one_entry_per_item_and_its_strongest_weight() {
        let mut p = UserProfile::default();
        p.touch_recent(1, 5.0, 10);
        p.touch_recent(2, 1.0, 20);
        p.touch_recent(1, 2.0, 30);
        let items: Vec<_> = p.recent.items.iter().map(|r| (r.item, r.weight)).collect();
        assert_eq!(items, vec![(2, 1.0), (1, 5.0)]);
        for i in 0..100 {
            p.touch_recent(i, 1.0, i64::from(i));
        }
        assert_eq!(p.recent.items.len(), bounds::RECENT_ITEMS);
        assert!(p.check_bounds());
    }
}

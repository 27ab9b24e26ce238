//! Item-to-item co-visitation ("看过这个的人也看了…"). Each item keeps a
//! fixed number of neighbour slots, sorted by decayed weight, maintained
//! with the space-saving rule: a newcomer to a full list takes the weakest
//! slot and inherits its weight, so heavy pairs are never lost and memory
//! is `items × COVISIT_SLOTS` whatever the traffic.

use crate::params::bounds;
use crate::signal::{Decayed, decay};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Neighbour {
    pub item: u32,
    pub w: f32,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct NeighbourList {
    /// All weights are as of this time (one clock per list, not per slot).
    at_ms: i64,
    /// Sorted by weight, strongest first.
    slots: Vec<Neighbour>,
}

impl NeighbourList {
    fn bump(&mut self, other: u32, w: f32, at_ms: i64, half_life_ms: i64) {
        let w = if at_ms >= self.at_ms {
            if at_ms > self.at_ms && !self.slots.is_empty() {
                let f = decay(1.0, at_ms - self.at_ms, half_life_ms);
                self.slots.iter_mut().for_each(|s| s.w *= f);
            }
            self.at_ms = at_ms;
            w
        } else {
            decay(w, self.at_ms - at_ms, half_life_ms)
        };
        let pos = match self.slots.iter().position(|s| s.item == other) {
            Some(p) => {
                self.slots[p].w += w;
                p
            }
            None if self.slots.len() < bounds::COVISIT_SLOTS => {
                self.slots.push(Neighbour { item: other, w });
                self.slots.len() - 1
            }
            None => {
                let last = self.slots.len() - 1;
                let inherited = self.slots[last].w;
                self.slots[last] = Neighbour {
                    item: other,
                    w: inherited + w,
                };
                last
            }
        };
        // Only the bumped slot can be out of order: bubble it up.
        let mut p = pos;
        while p > 0 && self.slots[p].w > self.slots[p - 1].w {
            self.slots.swap(p, p - 1);
            p -= 1;
        }
        debug_assert!(self.slots.len() <= bounds::COVISIT_SLOTS);
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct CoVisits {
    lists: Vec<NeighbourList>,
    /// Total pair weight per item, for cosine-style normalisation that keeps
    /// blockbusters from being everyone's neighbour.
    mass: Vec<Decayed>,
}

impl CoVisits {
    pub fn ensure_items(&mut self, n: usize) {
        if self.lists.len() < n {
            self.lists.resize_with(n, NeighbourList::default);
            self.mass.resize(n, Decayed::default());
        }
    }

    pub fn pair(&mut self, a: u32, b: u32, w: f32, at_ms: i64, half_life_ms: i64) {
        if a == b || w <= 0.0 {
            return;
        }
        self.ensure_items(a.max(b) as usize + 1);
        self.lists[a as usize].bump(b, w, at_ms, half_life_ms);
        self.lists[b as usize].bump(a, w, at_ms, half_life_ms);
        self.mass[a as usize].add(w, at_ms, half_life_ms);
        self.mass[b as usize].add(w, at_ms, half_life_ms);
    }

    /// Up to `COVISIT_READ` neighbours of `item` with a similarity in
    /// (0, 1]: w_ab / sqrt(mass_a · mass_b).
    pub fn neighbours(
        &self,
        item: u32,
        now_ms: i64,
        half_life_ms: i64,
    ) -> impl Iterator<Item = (u32, f32)> + '_ {
        let list = self.lists.get(item as usize);
        let f = list.map_or(0.0, |l| decay(1.0, now_ms - l.at_ms, half_life_ms));
        let mass_a = self.mass_at(item, now_ms, half_life_ms);
        list.into_iter()
            .flat_map(|l| l.slots.iter().take(bounds::COVISIT_READ))
            .filter_map(move |n| {
                let mass_b = self.mass_at(n.item, now_ms, half_life_ms);
                let denom = (mass_a * mass_b).sqrt();
                (denom > 0.0).then(|| (n.item, (n.w * f / denom).min(1.0)))
            })
    }

    fn mass_at(&self, item: u32, now_ms: i64, half_life_ms: i64) -> f32 {
        self.mass
            .get(item as usize)
            .map_or(0.0, |m| m.value_at(now_ms, half_life_ms))
    }

    pub fn longest_list(&self) -> usize {
        self.lists.iter().map(|l| l.slots.len()).max().unwrap_or(0)
    }

    pub fn total_slots(&self) -> usize {
        self.lists.iter().map(|l| l.slots.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strongest_pairs_survive_a_flood_of_one_off_pairs() {
        let mut c = CoVisits::default();
        for _ in 0..50 {
            c.pair(0, 1, 1.0, 0, 1_000_000);
        }
        for other in 2..500 {
            c.pair(0, other, 1.0, 0, 1_000_000);
        }
        assert_eq!(c.longest_list(), bounds::COVISIT_SLOTS);
        let top: Vec<_> = c.neighbours(0, 0, 1_000_000).collect();
        assert_eq!(top[0].0, 1);
        assert!(top.len() <= bounds::COVISIT_READ);
        assert!(top.iter().all(|(_, s)| *s > 0.0 && *s <= 1.0));
    }

    #[test]
    fn self_pairs_and_non_positive_weights_are_ignored() {
        let mut c = CoVisits::default();
        c.pair(3, 3, 1.0, 0, 1_000);
        c.pair(3, 4, 0.0, 0, 1_000);
        assert_eq!(c.total_slots(), 0);
    }
}

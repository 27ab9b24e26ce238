//! Per-item engagement counters: a slow one (popularity, days) and a fast
//! one (the last few hours). Trending is the fast rate against the slow:
//! for a steady item both estimate the same events per hour and the ratio
//! is 1; a surge pushes the fast rate up long before the slow one follows.

use crate::params::FeedParams;
use crate::signal::Decayed;

/// Engagement below this in the fast window is noise, not a trend.
const MIN_TREND_MASS: f32 = 2.0;
/// Prior mass of the slow counter, so one burst on a brand-new video does
/// not read as an infinite surge.
const PRIOR_MASS: f32 = 3.0;
/// A steady item reads about 1 (sampling noise moves it ±20%); only a
/// clear surge above that counts.
const MIN_SURGE: f32 = 1.5;

#[derive(Debug, Clone, Default)]
pub(crate) struct Popularity {
    slow: Vec<Decayed>,
    fast: Vec<Decayed>,
    /// Slow counters summed per category and overall: the denominators of
    /// "share of the category" and "share of all engagement".
    category: Vec<Decayed>,
    total: Decayed,
}

impl Popularity {
    pub fn ensure_items(&mut self, n: usize) {
        if self.slow.len() < n {
            self.slow.resize(n, Decayed::default());
            self.fast.resize(n, Decayed::default());
        }
    }

    pub fn add(&mut self, item: u32, category: u32, w: f32, at_ms: i64, p: &FeedParams) {
        if w <= 0.0 {
            return;
        }
        self.ensure_items(item as usize + 1);
        let hl = p.popularity_half_life_ms;
        self.slow[item as usize].add(w, at_ms, hl);
        self.fast[item as usize].add(w, at_ms, p.trend_half_life_ms);
        let c = category as usize;
        if self.category.len() <= c {
            self.category.resize(c + 1, Decayed::default());
        }
        self.category[c].add(w, at_ms, hl);
        self.total.add(w, at_ms, hl);
    }

    pub fn category_mass(&self, category: u32, now_ms: i64, p: &FeedParams) -> f32 {
        self.category
            .get(category as usize)
            .map_or(0.0, |d| d.value_at(now_ms, p.popularity_half_life_ms))
    }

    pub fn total_mass(&self, now_ms: i64, p: &FeedParams) -> f32 {
        self.total.value_at(now_ms, p.popularity_half_life_ms)
    }

    pub fn popularity(&self, item: u32, now_ms: i64, p: &FeedParams) -> f32 {
        self.slow
            .get(item as usize)
            .map_or(0.0, |d| d.value_at(now_ms, p.popularity_half_life_ms))
    }

    /// 0 when flat or falling; grows with both the surge ratio and volume.
    pub fn trend(&self, item: u32, now_ms: i64, p: &FeedParams) -> f32 {
        let i = item as usize;
        let (Some(slow), Some(fast)) = (self.slow.get(i), self.fast.get(i)) else {
            return 0.0;
        };
        let fast = fast.value_at(now_ms, p.trend_half_life_ms);
        if fast < MIN_TREND_MASS {
            return 0.0;
        }
        let slow = slow.value_at(now_ms, p.popularity_half_life_ms);
        let fast_rate = fast / p.trend_half_life_ms as f32;
        let slow_rate = (slow + PRIOR_MASS) / p.popularity_half_life_ms as f32;
        let surge = fast_rate / slow_rate;
        if surge <= MIN_SURGE {
            return 0.0;
        }
        (surge / MIN_SURGE).log2() * fast.ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    #[test]
    fn a_burst_trends_and_a_steady_item_does_not() {
        let p = FeedParams::default();
        let mut pop = Popularity::default();
        // Item 0: one engagement an hour for ten days.
        for h in 0..240 {
            pop.add(0, 0, 1.0, h * HOUR, &p);
        }
        // Item 1: quiet, then 30 engagements in the last two hours.
        pop.add(1, 0, 1.0, 0, &p);
        for m in 0..30 {
            pop.add(1, 0, 1.0, 238 * HOUR + m * 4 * 60_000, &p);
        }
        let now = 240 * HOUR;
        assert_eq!(pop.trend(0, now, &p), 0.0);
        assert!(pop.trend(1, now, &p) > 1.0);
        assert!(pop.popularity(0, now, &p) > pop.popularity(1, now, &p));
    }
}

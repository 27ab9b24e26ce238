//! What a viewer did with a video, how much each action says about their
//! taste, and the one decay rule every time-weighted counter uses.
//!
//! | signal                  | weight              | positive | why                                              |
//! |-------------------------|---------------------|----------|--------------------------------------------------|
//! | `Purchase`              | 8.0                 | yes      | money spent: the strongest evidence there is     |
//! | `AddToCart`             | 5.0                 | yes      | a picked SKU, one step short of paying           |
//! | `Favorite`              | 4.5                 | yes      | kept for later                                   |
//! | `Share`                 | 4.0                 | yes      | vouched for it in front of friends               |
//! | `SheetOpen`             | 3.5                 | yes      | looked at specs/price in the half-screen sheet   |
//! | `CartTap`               | 3.0                 | yes      | tapped the yellow cart                           |
//! | `Watch { pct }`         | 0.5 + 2.0 × pct/100 | pct ≥ 50 | 0.5…2.5, always below a cart tap                 |
//! | `Impression`            | 0.1                 | no       | we showed it; says more about us than about them |
//! | `Skip`                  | −1.0                | no       | swiped away early                                |
//! | `NotInterested`         | −6.0                | no       | explicit "不感兴趣"; also a hard per-user block  |
//!
//! "Positive" items feed the recent-items ring, co-visitation and the
//! offline holdout; every signal feeds the interest profile with its weight.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    Impression,
    Watch { completion_pct: u8 },
    CartTap,
    SheetOpen,
    AddToCart,
    Favorite,
    Purchase,
    Share,
    Skip,
    NotInterested,
}

/// A watch at or above this completion counts as a positive interaction.
pub const POSITIVE_WATCH_PCT: u8 = 50;

impl Signal {
    /// The weight from the table in the module docs.
    pub fn weight(self) -> f32 {
        match self {
            Signal::Purchase => 8.0,
            Signal::AddToCart => 5.0,
            Signal::Favorite => 4.5,
            Signal::Share => 4.0,
            Signal::SheetOpen => 3.5,
            Signal::CartTap => 3.0,
            Signal::Watch { completion_pct } => {
                0.5 + 2.0 * f32::from(completion_pct.min(100)) / 100.0
            }
            Signal::Impression => 0.1,
            Signal::Skip => -1.0,
            Signal::NotInterested => -6.0,
        }
    }

    pub fn is_positive(self) -> bool {
        match self {
            Signal::Watch { completion_pct } => completion_pct >= POSITIVE_WATCH_PCT,
            Signal::Impression | Signal::Skip | Signal::NotInterested => false,
            _ => true,
        }
    }
}

/// `value` observed `dt_ms` ago, decayed with half-life `half_life_ms`.
/// A negative `dt_ms` (an event from the future of the reading) grows the
/// value instead, which keeps out-of-order events exact: adding a late event
/// is the same as decaying it to the counter's timestamp.
pub fn decay(value: f32, dt_ms: i64, half_life_ms: i64) -> f32 {
    if half_life_ms <= 0 {
        return value;
    }
    // Clamped so a far-future reading cannot overflow into inf.
    let halvings = (dt_ms as f64 / half_life_ms as f64).clamp(-60.0, 1_000.0);
    (f64::from(value) * (-halvings).exp2()) as f32
}

/// A time-decayed sum kept as (value at `at_ms`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Decayed {
    pub value: f32,
    pub at_ms: i64,
}

impl Decayed {
    pub fn new(value: f32, at_ms: i64) -> Self {
        Decayed { value, at_ms }
    }

    /// Adds `w` observed at `at_ms`; the stored timestamp only moves forward.
    pub fn add(&mut self, w: f32, at_ms: i64, half_life_ms: i64) {
        if at_ms >= self.at_ms {
            self.value = decay(self.value, at_ms - self.at_ms, half_life_ms) + w;
            self.at_ms = at_ms;
        } else {
            self.value += decay(w, self.at_ms - at_ms, half_life_ms);
        }
    }

    pub fn value_at(&self, now_ms: i64, half_life_ms: i64) -> f32 {
        decay(self.value, now_ms - self.at_ms, half_life_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_strictly_ordered_as_documented() {
        let ladder = [
            Signal::Purchase,
            Signal::AddToCart,
            Signal::CartTap,
            Signal::Watch {
                completion_pct: 100,
            },
            Signal::Watch { completion_pct: 80 },
            Signal::Watch { completion_pct: 30 },
            Signal::Watch { completion_pct: 0 },
            Signal::Impression,
            Signal::Skip,
            Signal::NotInterested,
        ];
        for pair in ladder.windows(2) {
            assert!(
                pair[0].weight() > pair[1].weight(),
                "{:?} must outweigh {:?}",
                pair[0],
                pair[1]
            );
        }
        assert!(Signal::Impression.weight() > 0.0);
        assert!(Signal::Skip.weight() < 0.0);
        assert!(Signal::Purchase.weight() > Signal::SheetOpen.weight());
        assert!(Signal::SheetOpen.weight() > Signal::CartTap.weight());
        // Over-range completion cannot climb past a cart tap.
        assert!(
            Signal::Watch {
                completion_pct: 255
            }
            .weight()
                < Signal::CartTap.weight()
        );
    }

    #[test]
    fn positivity_follows_the_table() {
        assert!(Signal::Purchase.is_positive());
        assert!(Signal::CartTap.is_positive());
        assert!(Signal::Watch { completion_pct: 50 }.is_positive());
        assert!(!Signal::Watch { completion_pct: 49 }.is_positive());
        assert!(!Signal::Impression.is_positive());
        assert!(!Signal::Skip.is_positive());
        assert!(!Signal::NotInterested.is_positive());
    }

    #[test]
    fn decay_halves_at_the_half_life() {
        let h = 3_600_000;
        assert!((decay(10.0, h, h) - 5.0).abs() < 1e-4);
        assert!((decay(10.0, 2 * h, h) - 2.5).abs() < 1e-4);
        assert!((decay(10.0, 0, h) - 10.0).abs() < 1e-6);
        let mut d = Decayed::new(8.0, 0);
        assert!((d.value_at(h, h) - 4.0).abs() < 1e-4);
        d.add(4.0, h, h);
        assert!((d.value - 8.0).abs() < 1e-4);
        assert_eq!(d.at_ms, h);
    }

    #[test]
    fn late_events_are_decayed_to_the_counter_clock() {
        let h = 1_000;
        let mut in_order = Decayed::default();
        in_order.add(1.0, 0, h);
        in_order.add(1.0, 1_000, h);
        let mut late = Decayed::default();
        late.add(1.0, 1_000, h);
        late.add(1.0, 0, h);
        assert!((in_order.value_at(2_000, h) - late.value_at(2_000, h)).abs() < 1e-5);
    }

    #[test]
    fn absurd_clocks_stay_finite() {
        assert!(decay(1.0, i64::MAX, 1).is_finite());
        assert!(decay(1.0, i64::MIN, 1).is_finite());
    }
}

//! Fulfilment: shipping paid orders with a carrier. Pure parts only —
//! lanes and provinces, the masked waybill, the sandbox carrier's tracking
//! schedule, event signatures with replay protection, and ETA prediction
//! with its error measurement. Carrier IO lives in the services crate.

pub mod eta;
pub mod eval;
pub mod province;
pub mod shipment;
pub mod signing;
pub mod tracking;
pub mod waybill;

#[cfg(test)]
mod eta_tests;

pub use eta::{
    CLASS_HISTORY_CAP, ClassError, Eta, EtaBasis, LANE_HISTORY_CAP, LaneHistory,
    carrier_promise_hours, mae_by_class, mae_hours, predict_eta,
};
pub use province::{Lane, LaneClass, Province, Region};
pub use shipment::{Direction, Shipment, tracking_seed};
pub use signing::{EventRejected, sign_event, verify_event};
pub use tracking::{TrackingEvent, TrackingStatus, sandbox_schedule};
pub use waybill::Waybill;

/// Parcel `i` of an evaluation run gets its own schedule seed.
pub(crate) fn tracking_seed_for_eval(seed: u64, i: usize) -> u64 {
    Lcg::new(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).0
}

/// Tiny deterministic PRNG (same LCG as the demo seeder): the domain crate
/// takes no `rand` dependency and every schedule must replay from its seed.
#[derive(Debug, Clone)]
pub(crate) struct Lcg(u64);

impl Lcg {
    pub(crate) fn new(seed: u64) -> Self {
        // splitmix64 finaliser so neighbouring seeds (0, 1, 2…) diverge at once.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Lcg(z ^ (z >> 31))
    }

    /// Uniform-ish in `0..bound`; `bound` 0 is treated as 1.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound.max(1)
    }

    /// In `lo..hi`; returns `lo` when the range is empty.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.saturating_sub(lo) as u64;
        lo.saturating_add(self.below(span) as i64)
    }
}

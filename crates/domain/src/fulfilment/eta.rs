//! ETA prediction from the history of the same lane, re-anchored as
//! tracking events arrive, and the error measure used to compare it
//! against the carrier's fixed promise.

use super::province::{Lane, LaneClass};
use super::tracking::{HOUR_MS, TrackingEvent, TrackingStatus, hub_route, local_day_start};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Samples kept per lane: recent enough to follow carrier changes.
pub const LANE_HISTORY_CAP: usize = 200;
/// Samples kept per fallback class (many lanes feed one class).
pub const CLASS_HISTORY_CAP: usize = 1000;
/// Below this a median is too noisy to beat the next fallback.
pub const MIN_SAMPLES: usize = 5;
/// Delay an exception (异常) typically adds.
pub const EXCEPTION_DELAY_MS: i64 = 24 * HOUR_MS;

/// The carrier's fixed promise (shipped → delivered), the baseline the ETA
/// must beat. Remote lanes get the longer 5-day promise.
pub fn carrier_promise_hours(class: LaneClass) -> i64 {
    match class {
        LaneClass::Remote => 120,
        _ => 72,
    }
}

/// Fallback bucket: lane class, with remote lanes split by whether the
/// destination is the remote end (slow last mile) — the remote adjustment
/// for lanes without enough history of their own.
type ClassKey = (LaneClass, bool);

fn class_key(lane: Lane) -> ClassKey {
    let class = lane.class();
    (
        class,
        class == LaneClass::Remote && lane.destination.is_remote(),
    )
}

/// Observed shipped → delivered durations (ms) of delivered parcels. Not
/// serialized: it is rebuilt from delivered parcels at startup.
#[derive(Debug, Clone, Default)]
pub struct LaneHistory {
    lanes: BTreeMap<Lane, VecDeque<i64>>,
    classes: BTreeMap<ClassKey, VecDeque<i64>>,
}

fn push_bounded(q: &mut VecDeque<i64>, v: i64, cap: usize) {
    q.push_back(v);
    while q.len() > cap {
        q.pop_front();
    }
}

/// (p10, p50, p90) of the samples, None when too few.
fn quantiles(samples: &VecDeque<i64>) -> Option<(i64, i64, i64)> {
    if samples.len() < MIN_SAMPLES {
        return None;
    }
    let mut v: Vec<i64> = samples.iter().copied().collect();
    v.sort_unstable();
    let at = |q: usize| v[(v.len() - 1) * q / 100];
    Some((at(10), at(50), at(90)))
}

impl LaneHistory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a delivered parcel; a delivery before shipping is bad data
    /// and ignored.
    pub fn record(&mut self, lane: Lane, shipped_at: Timestamp, delivered_at: Timestamp) {
        let d = shipped_at.millis_until(delivered_at);
        if d <= 0 {
            return;
        }
        push_bounded(self.lanes.entry(lane).or_default(), d, LANE_HISTORY_CAP);
        let class = self.classes.entry(class_key(lane)).or_default();
        push_bounded(class, d, CLASS_HISTORY_CAP);
    }

    /// Records a parcel of `lane`'s class whose exact lane is not known
    /// (class-wide history loaded from storage): it informs the class
    /// fallback only.
    pub fn record_class(&mut self, lane: Lane, shipped_at: Timestamp, delivered_at: Timestamp) {
        let d = shipped_at.millis_until(delivered_at);
        if d <= 0 {
            return;
        }
        let class = self.classes.entry(class_key(lane)).or_default();
        push_bounded(class, d, CLASS_HISTORY_CAP);
    }

    pub fn lane_samples(&self, lane: Lane) -> usize {
        self.lanes.get(&lane).map_or(0, VecDeque::len)
    }

    /// (basis, low, median, high) durations for the lane, most specific
    /// source with enough samples first.
    fn base(&self, lane: Lane) -> (EtaBasis, i64, i64, i64) {
        if let Some(q) = self.lanes.get(&lane).and_then(quantiles) {
            let samples = self.lane_samples(lane);
            return (EtaBasis::Lane { samples }, q.0, q.1, q.2);
        }
        if let Some(c) = self.classes.get(&class_key(lane))
            && let Some(q) = quantiles(c)
        {
            return (EtaBasis::LaneClass { samples: c.len() }, q.0, q.1, q.2);
        }
        let promise = carrier_promise_hours(lane.class()) * HOUR_MS;
        (
            EtaBasis::CarrierPromise,
            promise / 2,
            promise,
            promise + 24 * HOUR_MS,
        )
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EtaBasis {
    Lane { samples: usize },
    LaneClass { samples: usize },
    CarrierPromise,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eta {
    pub expected_at: Timestamp,
    pub low: Timestamp,
    pub high: Timestamp,
    pub basis: EtaBasis,
}

/// Predicts delivery for a parcel shipped at `shipped_at`, using only the
/// events already visible at `now`. Re-anchors on the latest event: 签收 is
/// exact, 派送中 means this afternoon, a hub city means the remaining share
/// of the lane median, 异常 adds a day.
pub fn predict_eta(
    history: &LaneHistory,
    lane: Lane,
    shipped_at: Timestamp,
    events_so_far: &[TrackingEvent],
    now: Timestamp,
) -> Eta {
    let (basis, low_d, median_d, high_d) = history.base(lane);
    let seen = || events_so_far.iter().filter(|e| e.at <= now);
    let latest = seen().max_by_key(|e| e.seq);
    let delayed = seen().any(|e| matches!(e.status, TrackingStatus::Exception { .. }));
    let median_d = median_d + if delayed { EXCEPTION_DELAY_MS } else { 0 };

    let (expected, remaining_share) = match latest {
        Some(e) if e.status == TrackingStatus::Delivered => {
            return Eta {
                expected_at: e.at,
                low: e.at,
                high: e.at,
                basis,
            };
        }
        Some(e) if e.status == TrackingStatus::OutForDelivery => {
            // Couriers finish the round by evening; mid-afternoon is typical.
            let day = local_day_start(e.at);
            let expected = day
                .plus_millis(15 * HOUR_MS)
                .max(e.at.plus_millis(2 * HOUR_MS));
            let high = day
                .plus_millis(20 * HOUR_MS)
                .max(expected.plus_millis(2 * HOUR_MS));
            return clamp_to_now(
                Eta {
                    expected_at: expected,
                    low: e.at.plus_millis(HOUR_MS / 2),
                    high,
                    basis,
                },
                now,
            );
        }
        Some(e) => {
            // Share of the trip still ahead: for a hub city, by its position
            // on the route; a late parcel still needs at least half of that.
            let route = hub_route(lane);
            let share = match &e.status {
                TrackingStatus::InTransit { city } => route
                    .iter()
                    .position(|c| c == city)
                    .map_or(0.5, |i| 1.0 - (i as f64 + 1.0) / (route.len() as f64 + 1.0)),
                _ => 0.9,
            };
            let elapsed = shipped_at.millis_until(e.at);
            let floor = (median_d as f64 * share / 2.0) as i64;
            let remaining = (median_d - elapsed).max(floor).max(2 * HOUR_MS);
            (
                e.at.plus_millis(remaining),
                remaining as f64 / median_d.max(1) as f64,
            )
        }
        None => (shipped_at.plus_millis(median_d), 1.0),
    };
    let share = remaining_share.clamp(0.0, 1.0);
    let below = ((median_d - low_d).max(0) as f64 * share) as i64;
    let above = ((high_d - median_d).max(0) as f64 * share) as i64;
    clamp_to_now(
        Eta {
            expected_at: expected,
            low: expected.plus_millis(-below),
            high: expected.plus_millis(above),
            basis,
        },
        now,
    )
}

/// An undelivered parcel is never predicted in the past.
fn clamp_to_now(eta: Eta, now: Timestamp) -> Eta {
    let expected_at = eta.expected_at.max(now);
    Eta {
        expected_at,
        low: eta.low.max(now).min(expected_at),
        high: eta.high.max(expected_at),
        basis: eta.basis,
    }
}

/// Mean absolute error in hours of (predicted, actual) pairs; None if empty.
pub fn mae_hours(pairs: &[(Timestamp, Timestamp)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let total: f64 = pairs
        .iter()
        .map(|(p, a)| (p.millis_until(*a) as f64).abs() / HOUR_MS as f64)
        .sum();
    Some(total / pairs.len() as f64)
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassError {
    pub class: LaneClass,
    pub count: usize,
    pub mae_hours: f64,
}

/// MAE per lane class, in `LaneClass::ALL` order, classes without samples
/// left out — the shape a future `yellowcart eval eta` prints.
pub fn mae_by_class(rows: &[(LaneClass, Timestamp, Timestamp)]) -> Vec<ClassError> {
    LaneClass::ALL
        .iter()
        .filter_map(|class| {
            let pairs: Vec<(Timestamp, Timestamp)> = rows
                .iter()
                .filter(|r| r.0 == *class)
                .map(|r| (r.1, r.2))
                .collect();
            mae_hours(&pairs).map(|mae_hours| ClassError {
                class: *class,
                count: pairs.len(),
                mae_hours,
            })
        })
        .collect()
}

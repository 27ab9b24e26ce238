//! The ETA evaluation behind `yellowcart eval eta`: a seeded stream of
//! sandbox parcels over simulated weeks, replayed in time order. Each
//! parcel's ETA is predicted from only the deliveries that happened before
//! it shipped (and again once it is out for delivery), and compared with
//! its real delivery and with the carrier's fixed promise.

use super::Lcg;
use super::eta::{
    ClassError, LaneHistory, carrier_promise_hours, mae_by_class, mae_hours, predict_eta,
};
use super::province::{Lane, LaneClass, Province};
use super::tracking::{DAY_MS, HOUR_MS, TrackingStatus, sandbox_schedule};
use super::tracking_seed_for_eval;
use crate::Timestamp;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Where shops ship from: the e-commerce belt, as on the real platform.
const ORIGINS: [Province; 8] = [
    Province::Zhejiang,
    Province::Guangdong,
    Province::Jiangsu,
    Province::Shanghai,
    Province::Fujian,
    Province::Shandong,
    Province::Hebei,
    Province::Sichuan,
];

#[derive(Debug, Clone, Copy)]
pub struct EtaEvalConfig {
    pub parcels: usize,
    /// Parcels shipped before measuring starts, so lanes have history.
    pub warmup: usize,
    pub days: i64,
    pub seed: u64,
}

impl Default for EtaEvalConfig {
    fn default() -> Self {
        EtaEvalConfig {
            parcels: 20_000,
            warmup: 4_000,
            days: 60,
            seed: 7,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassReport {
    pub class: LaneClass,
    pub count: usize,
    pub mae_hours: f64,
    pub baseline_mae_hours: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EtaEvalReport {
    pub parcels: usize,
    pub measured: usize,
    /// ETA made when the parcel ships.
    pub mae_hours: f64,
    /// The carrier's fixed promise from the same moment.
    pub baseline_mae_hours: f64,
    /// ETA re-made when the parcel goes out for delivery.
    pub out_for_delivery_mae_hours: f64,
    pub by_class: Vec<ClassReport>,
}

struct Parcel {
    lane: Lane,
    shipped: Timestamp,
    delivered: Timestamp,
    events: Vec<super::tracking::TrackingEvent>,
}

fn parcels(cfg: &EtaEvalConfig) -> Vec<Parcel> {
    let mut rng = Lcg::new(cfg.seed);
    let start = Timestamp(1_767_225_600_000);
    let span = cfg.days.max(1) * DAY_MS;
    let step = span / cfg.parcels.max(1) as i64;
    (0..cfg.parcels)
        .filter_map(|i| {
            let origin = ORIGINS[rng.below(ORIGINS.len() as u64) as usize];
            let destination = Province::ALL[rng.below(31) as usize];
            let lane = Lane::new(origin, destination);
            let shipped = start.plus_millis(step * i as i64 + rng.range(0, step.max(1)));
            let events = sandbox_schedule(lane, shipped, tracking_seed_for_eval(cfg.seed, i));
            let delivered = events
                .iter()
                .find(|e| e.status == TrackingStatus::Delivered)?
                .at;
            Some(Parcel {
                lane,
                shipped,
                delivered,
                events,
            })
        })
        .collect()
}

pub fn evaluate(cfg: &EtaEvalConfig) -> EtaEvalReport {
    let parcels = parcels(cfg);
    let mut history = LaneHistory::new();
    // Deliveries not yet visible, earliest first.
    let mut pending: BinaryHeap<Reverse<(Timestamp, usize)>> = BinaryHeap::new();
    let (mut predicted, mut promised, mut late) = (Vec::new(), Vec::new(), Vec::new());
    for (i, p) in parcels.iter().enumerate() {
        while let Some(Reverse((at, j))) = pending.peek().copied() {
            if at > p.shipped {
                break;
            }
            pending.pop();
            let q = &parcels[j];
            history.record(q.lane, q.shipped, q.delivered);
        }
        pending.push(Reverse((p.delivered, i)));
        if i < cfg.warmup {
            continue;
        }
        let class = p.lane.class();
        let eta = predict_eta(&history, p.lane, p.shipped, &[], p.shipped);
        predicted.push((class, eta.expected_at, p.delivered));
        let promise = p
            .shipped
            .plus_millis(carrier_promise_hours(class) * HOUR_MS);
        promised.push((class, promise, p.delivered));
        if let Some(ofd) = p
            .events
            .iter()
            .find(|e| e.status == TrackingStatus::OutForDelivery)
        {
            let seen: Vec<_> = p
                .events
                .iter()
                .filter(|e| e.at <= ofd.at)
                .cloned()
                .collect();
            let eta = predict_eta(&history, p.lane, p.shipped, &seen, ofd.at);
            late.push((eta.expected_at, p.delivered));
        }
    }
    report(parcels.len(), &predicted, &promised, &late)
}

fn report(
    parcels: usize,
    predicted: &[(LaneClass, Timestamp, Timestamp)],
    promised: &[(LaneClass, Timestamp, Timestamp)],
    late: &[(Timestamp, Timestamp)],
) -> EtaEvalReport {
    let pairs = |rows: &[(LaneClass, Timestamp, Timestamp)]| -> Vec<(Timestamp, Timestamp)> {
        rows.iter().map(|r| (r.1, r.2)).collect()
    };
    let ours: Vec<ClassError> = mae_by_class(predicted);
    let theirs: Vec<ClassError> = mae_by_class(promised);
    let by_class = ours
        .iter()
        .map(|o| ClassReport {
            class: o.class,
            count: o.count,
            mae_hours: o.mae_hours,
            baseline_mae_hours: theirs
                .iter()
                .find(|t| t.class == o.class)
                .map_or(f64::NAN, |t| t.mae_hours),
        })
        .collect();
    EtaEvalReport {
        parcels,
        measured: predicted.len(),
        mae_hours: mae_hours(&pairs(predicted)).unwrap_or(f64::NAN),
        baseline_mae_hours: mae_hours(&pairs(promised)).unwrap_or(f64::NAN),
        out_for_delivery_mae_hours: mae_hours(late).unwrap_or(f64::NAN),
        by_class,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_history_beats_the_promise_overall_and_per_class() {
        let cfg = EtaEvalConfig {
            parcels: 6_000,
            warmup: 1_500,
            days: 30,
            seed: 3,
        };
        let r = evaluate(&cfg);
        assert_eq!(r.parcels, 6_000);
        assert_eq!(r.measured, 4_500);
        assert!(r.mae_hours < r.baseline_mae_hours, "{r:?}");
        assert!(r.out_for_delivery_mae_hours < r.mae_hours, "{r:?}");
        assert_eq!(r.by_class.len(), 4, "every class is measured: {r:?}");
        for c in &r.by_class {
            assert!(c.mae_hours < c.baseline_mae_hours, "{c:?}");
        }
        // Same seed, same figures.
        let again = evaluate(&cfg);
        assert_eq!(again.mae_hours.to_bits(), r.mae_hours.to_bits());
    }
}

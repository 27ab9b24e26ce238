//! Tracking events and the sandbox carrier's schedule. The schedule is a
//! pure function of (lane, registration time, seed) so the sandbox, tests
//! and the ETA evaluation all replay the exact same parcels.

use super::Lcg;
use super::province::{Lane, LaneClass};
use crate::Timestamp;
use serde::{Deserialize, Serialize};

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// Couriers work on Beijing time; delivery windows are local hours.
pub const CHINA_OFFSET_MS: i64 = 8 * HOUR_MS;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrackingStatus {
    /// 揽收
    PickedUp,
    /// 运输中
    InTransit { city: String },
    /// 派送中
    OutForDelivery,
    /// 签收
    Delivered,
    /// 异常
    Exception { reason: String },
}

impl TrackingStatus {
    pub fn label(&self) -> &'static str {
        match self {
            TrackingStatus::PickedUp => "揽收",
            TrackingStatus::InTransit { .. } => "运输中",
            TrackingStatus::OutForDelivery => "派送中",
            TrackingStatus::Delivered => "签收",
            TrackingStatus::Exception { .. } => "异常",
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingEvent {
    /// 1-based, strictly increasing per parcel; the replay guard keys on it.
    pub seq: u32,
    pub status: TrackingStatus,
    pub at: Timestamp,
    pub city: String,
}

/// Start of the Beijing-time day containing `t`, as a UTC timestamp.
pub fn local_day_start(t: Timestamp) -> Timestamp {
    let local = t.millis().saturating_add(CHINA_OFFSET_MS);
    Timestamp(local.div_euclid(DAY_MS) * DAY_MS - CHINA_OFFSET_MS)
}

/// Base trunk time (pickup → delivered) range in hours by lane. A remote
/// destination is slower than a remote origin: the sparse last mile is the
/// expensive part.
fn transit_range_hours(lane: Lane) -> (i64, i64) {
    match lane.class() {
        LaneClass::SameProvince => (14, 30),
        LaneClass::SameRegion => (30, 54),
        LaneClass::CrossRegion => (54, 84),
        LaneClass::Remote if lane.destination.is_remote() => (120, 168),
        LaneClass::Remote => (96, 132),
    }
}

/// Hub cities a parcel passes: origin hub, regional trunk hubs when it
/// leaves the region, destination hub. Always 1–4 cities, no repeats in a row.
pub fn hub_route(lane: Lane) -> Vec<&'static str> {
    let mut route = vec![lane.origin.hub_city()];
    if lane.origin.region() != lane.destination.region() {
        route.push(lane.origin.region().trunk_hub());
        route.push(lane.destination.region().trunk_hub());
    }
    route.push(lane.destination.hub_city());
    route.dedup();
    route
}

/// Per mille chance that a parcel hits an exception (weather, 爆仓…).
pub const EXCEPTION_PER_MILLE: u64 = 60;
const EXCEPTION_REASONS: [&str; 3] = ["天气原因延误", "中转场爆仓", "道路管制"];

/// The events the sandbox carrier will emit for a parcel registered at
/// `registered_at`: 揽收, 1–4 运输中 hops, maybe one 异常 (+1 day),
/// 派送中 the morning of delivery day, 签收.
pub fn sandbox_schedule(lane: Lane, registered_at: Timestamp, seed: u64) -> Vec<TrackingEvent> {
    let mut rng = Lcg::new(seed);
    let pickup = registered_at.plus_millis(rng.range(2 * HOUR_MS, 12 * HOUR_MS));
    let (lo, hi) = transit_range_hours(lane);
    let mut arrival = pickup.plus_millis(rng.range(lo * HOUR_MS, hi * HOUR_MS));
    let route = hub_route(lane);
    let exception_after = if rng.below(1000) < EXCEPTION_PER_MILLE {
        arrival = arrival.plus_millis(DAY_MS);
        Some(rng.below(route.len() as u64) as usize)
    } else {
        None
    };

    // Delivery goes out 08:00–09:30 local on the arrival day; a parcel that
    // would arrive too late (after 17:00) or too soon after pickup waits for
    // the next morning's round.
    let mut day = local_day_start(arrival);
    if arrival.millis() - day.millis() > 17 * HOUR_MS {
        day = day.plus_millis(DAY_MS);
    }
    let mut out_for_delivery = day.plus_millis(8 * HOUR_MS + rng.range(0, 90 * 60_000));
    while pickup.millis_until(out_for_delivery) < 6 * HOUR_MS {
        out_for_delivery = out_for_delivery.plus_millis(DAY_MS);
    }
    let delivered =
        local_day_start(out_for_delivery).plus_millis(10 * HOUR_MS + rng.range(0, 8 * HOUR_MS));

    let origin_city = lane.origin.hub_city();
    let dest_city = lane.destination.hub_city();
    let mut timed: Vec<(TrackingStatus, Timestamp, String)> =
        vec![(TrackingStatus::PickedUp, pickup, origin_city.to_owned())];
    // Hops evenly spaced between pickup and out-for-delivery, with jitter
    // smaller than the spacing so order is preserved.
    let slots = route.len() as i64 + 1;
    let step = pickup.millis_until(out_for_delivery) / slots;
    for (i, city) in route.iter().enumerate() {
        let at = pickup.plus_millis(step * (i as i64 + 1) + rng.range(0, step / 3));
        timed.push((
            TrackingStatus::InTransit {
                city: (*city).to_owned(),
            },
            at,
            (*city).to_owned(),
        ));
        if exception_after == Some(i) {
            let reason = EXCEPTION_REASONS[rng.below(3) as usize].to_owned();
            // Within a third of a step of the hop, so still before the next one.
            let at = at.plus_millis(1 + rng.range(0, step / 3));
            timed.push((TrackingStatus::Exception { reason }, at, (*city).to_owned()));
        }
    }
    timed.push((
        TrackingStatus::OutForDelivery,
        out_for_delivery,
        dest_city.to_owned(),
    ));
    timed.push((TrackingStatus::Delivered, delivered, dest_city.to_owned()));
    timed
        .into_iter()
        .enumerate()
        .map(|(i, (status, at, city))| TrackingEvent {
            seq: i as u32 + 1,
            status,
            at,
            city,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::province::Province::{self, *};
    use super::*;

    const T0: Timestamp = Timestamp(1_767_225_600_000); // 2026-01-01T00:00Z

    fn lanes() -> Vec<Lane> {
        let mut lanes = Vec::new();
        for (i, o) in Province::ALL.iter().enumerate() {
            for d in Province::ALL.iter().skip(i % 5).step_by(5) {
                lanes.push(Lane::new(*o, *d));
            }
        }
        lanes
    }

    #[test]
    fn routes_are_one_to_four_hubs() {
        for lane in lanes() {
            let r = hub_route(lane);
            assert!((1..=4).contains(&r.len()), "{lane:?} {r:?}");
        }
        assert_eq!(
            hub_route(Lane::new(Zhejiang, Xinjiang)),
            ["杭州", "上海", "西安", "乌鲁木齐"]
        );
        assert_eq!(hub_route(Lane::new(Guangdong, Guangdong)), ["广州"]);
    }

    #[test]
    fn schedule_invariants_over_many_seeds() {
        let mut exceptions = 0;
        let mut total = 0;
        for (li, lane) in lanes().into_iter().enumerate() {
            for seed in 0..40u64 {
                let start = T0.plus_millis(seed as i64 * 7_919_000 + li as i64 * 13_000);
                let ev = sandbox_schedule(lane, start, seed * 1000 + li as u64);
                total += 1;
                assert!(matches!(ev[0].status, TrackingStatus::PickedUp));
                let pickup_h = start.millis_until(ev[0].at) as f64 / HOUR_MS as f64;
                assert!((2.0..=12.0).contains(&pickup_h));
                assert_eq!(
                    ev.last().map(|e| &e.status),
                    Some(&TrackingStatus::Delivered)
                );
                for w in ev.windows(2) {
                    assert!(w[0].at < w[1].at, "{lane:?} {ev:?}");
                    assert_eq!(w[0].seq + 1, w[1].seq);
                }
                let hops = ev
                    .iter()
                    .filter(|e| matches!(e.status, TrackingStatus::InTransit { .. }))
                    .count();
                assert!((1..=4).contains(&hops));
                let n_exc = ev
                    .iter()
                    .filter(|e| matches!(e.status, TrackingStatus::Exception { .. }))
                    .count();
                assert!(n_exc <= 1);
                exceptions += n_exc;
                let ofd = &ev[ev.len() - 2];
                assert_eq!(ofd.status, TrackingStatus::OutForDelivery);
                let local_h = (ofd.at.millis() - local_day_start(ofd.at).millis()) / HOUR_MS;
                assert!((8..10).contains(&local_h), "morning round");
                let days = ev[0].at.millis_until(ev[ev.len() - 1].at) as f64 / DAY_MS as f64;
                let extra = n_exc as f64;
                let (lo, hi) = match lane.class() {
                    // Delivery can land up to 7 h before the trunk
                    // estimate (same-day round) or a day after (missed it).
                    LaneClass::SameProvince => (0.25, 2.5),
                    LaneClass::SameRegion => (0.95, 3.5),
                    LaneClass::CrossRegion => (1.95, 4.8),
                    LaneClass::Remote => (3.65, 8.0),
                };
                assert!(days >= lo && days <= hi + extra, "{lane:?} {days}");
            }
        }
        // ~6% of parcels: some but not many exceptions.
        assert!(
            exceptions > total / 50 && exceptions < total / 8,
            "{exceptions}/{total}"
        );
    }

    #[test]
    fn remote_is_slower_and_seed_is_deterministic() {
        let mean_days = |lane: Lane| {
            let sum: i64 = (0..200u64)
                .map(|s| {
                    let ev = sandbox_schedule(lane, T0, s);
                    T0.millis_until(ev[ev.len() - 1].at)
                })
                .sum();
            sum as f64 / 200.0 / DAY_MS as f64
        };
        let same = mean_days(Lane::new(Guangdong, Guangdong));
        let region = mean_days(Lane::new(Guangdong, Guangxi));
        let cross = mean_days(Lane::new(Guangdong, Heilongjiang));
        let remote = mean_days(Lane::new(Guangdong, Xinjiang));
        assert!(same < region && region < cross && cross < remote);
        assert!((5.0..=8.0).contains(&remote), "{remote}");
        assert_eq!(
            sandbox_schedule(Lane::new(Zhejiang, Tibet), T0, 42),
            sandbox_schedule(Lane::new(Zhejiang, Tibet), T0, 42)
        );
    }
}

//! ETA tests: fallbacks, re-anchoring, and the evaluation that the lane
//! median beats the carrier's fixed promise on sandbox-simulated parcels.

use super::eta::*;
use super::province::Province::{self, *};
use super::province::{Lane, LaneClass};
use super::tracking::{DAY_MS, HOUR_MS, TrackingEvent, TrackingStatus, sandbox_schedule};
use crate::Timestamp;

const T0: Timestamp = Timestamp(1_767_225_600_000);

fn delivered_at(events: &[TrackingEvent]) -> Timestamp {
    events.last().map_or(T0, |e| e.at)
}

/// Parcel `i` of a simulation: shipped every ~3.7 h from T0.
fn parcel(lane: Lane, i: u64) -> (Timestamp, Vec<TrackingEvent>) {
    let shipped = T0.plus_millis(i as i64 * 13_327_000);
    let seed =
        i.wrapping_mul(31) ^ ((lane.origin as u64) << 40) ^ ((lane.destination as u64) << 48);
    (shipped, sandbox_schedule(lane, shipped, seed))
}

fn eval_lanes() -> Vec<Lane> {
    let mut lanes = Vec::new();
    for (i, o) in Province::ALL.iter().enumerate().step_by(3) {
        lanes.push(Lane::new(*o, *o));
        lanes.push(Lane::new(*o, Province::ALL[(i + 1) % 31]));
        lanes.push(Lane::new(*o, Province::ALL[(i + 13) % 31]));
    }
    lanes.extend([Lane::new(Zhejiang, Xinjiang), Lane::new(Tibet, Guangdong)]);
    lanes
}

#[test]
fn promise_is_longer_for_remote() {
    assert_eq!(carrier_promise_hours(LaneClass::SameProvince), 72);
    assert_eq!(carrier_promise_hours(LaneClass::CrossRegion), 72);
    assert_eq!(carrier_promise_hours(LaneClass::Remote), 120);
}

#[test]
fn falls_back_lane_then_class_then_promise() {
    let lane = Lane::new(Zhejiang, Guangdong);
    let sibling = Lane::new(Jiangsu, Sichuan);
    let mut h = LaneHistory::new();
    let eta = predict_eta(&h, lane, T0, &[], T0);
    assert_eq!(eta.basis, EtaBasis::CarrierPromise);
    assert_eq!(eta.expected_at, T0.plus_millis(72 * HOUR_MS));
    let remote = predict_eta(&h, Lane::new(Zhejiang, Tibet), T0, &[], T0);
    assert_eq!(remote.expected_at, T0.plus_millis(120 * HOUR_MS));

    for _ in 0..4 {
        h.record(lane, T0, T0.plus_millis(50 * HOUR_MS));
    }
    assert_eq!(
        predict_eta(&h, lane, T0, &[], T0).basis,
        EtaBasis::CarrierPromise
    );
    h.record(sibling, T0, T0.plus_millis(50 * HOUR_MS));
    let eta = predict_eta(&h, lane, T0, &[], T0);
    assert_eq!(eta.basis, EtaBasis::LaneClass { samples: 5 });
    assert_eq!(eta.expected_at, T0.plus_millis(50 * HOUR_MS));

    h.record(lane, T0, T0.plus_millis(60 * HOUR_MS));
    h.record(lane, T0, T0.plus_millis(60 * HOUR_MS));
    let eta = predict_eta(&h, lane, T0, &[], T0);
    assert_eq!(eta.basis, EtaBasis::Lane { samples: 6 });
    assert!(eta.low <= eta.expected_at && eta.expected_at <= eta.high);
    // Class history of another class is never borrowed.
    assert_eq!(
        predict_eta(&h, Lane::new(Zhejiang, Zhejiang), T0, &[], T0).basis,
        EtaBasis::CarrierPromise
    );
    // Remote-destination and remote-origin lanes do not share a fallback.
    for _ in 0..5 {
        h.record(
            Lane::new(Xinjiang, Zhejiang),
            T0,
            T0.plus_millis(100 * HOUR_MS),
        );
    }
    let to_remote = predict_eta(&h, Lane::new(Zhejiang, Xinjiang), T0, &[], T0);
    assert_eq!(to_remote.basis, EtaBasis::CarrierPromise);
}

#[test]
fn history_is_bounded_and_ignores_bad_rows() {
    let lane = Lane::new(Hubei, Hunan);
    let mut h = LaneHistory::new();
    for i in 0..(LANE_HISTORY_CAP as i64 + 50) {
        h.record(lane, T0, T0.plus_millis(HOUR_MS + i));
    }
    assert_eq!(h.lane_samples(lane), LANE_HISTORY_CAP);
    h.record(lane, T0, T0);
    h.record(lane, T0, T0.plus_millis(-5));
    assert_eq!(h.lane_samples(lane), LANE_HISTORY_CAP);
}

#[test]
fn reanchors_as_events_arrive() {
    let lane = Lane::new(Zhejiang, Xinjiang);
    let mut h = LaneHistory::new();
    for i in 0..200 {
        let (s, ev) = parcel(lane, i);
        h.record(lane, s, delivered_at(&ev));
    }
    let (shipped, ev) = parcel(lane, 5_000);
    let actual = delivered_at(&ev);
    let mut prev_high = Timestamp(i64::MAX);
    for e in &ev {
        let eta = predict_eta(&h, lane, shipped, &ev, e.at);
        assert!(eta.low <= eta.expected_at && eta.expected_at <= eta.high);
        assert!(eta.expected_at >= e.at);
        match e.status {
            TrackingStatus::OutForDelivery => {
                assert!(eta.expected_at.millis_until(actual).abs() < 10 * HOUR_MS);
                assert!(eta.high <= prev_high);
            }
            TrackingStatus::Delivered => {
                assert_eq!(
                    (eta.expected_at, eta.low, eta.high),
                    (actual, actual, actual)
                );
            }
            _ => {}
        }
        prev_high = eta.high;
    }
    // Events from the future (at > now) are not peeked at.
    let blind = predict_eta(&h, lane, shipped, &ev, shipped);
    assert_eq!(blind, predict_eta(&h, lane, shipped, &[], shipped));
}

#[test]
fn exception_pushes_eta_out() {
    let lane = Lane::new(Guangdong, Beijing);
    let h = LaneHistory::new();
    let hop = |status| TrackingEvent {
        seq: 2,
        status,
        at: T0.plus_millis(10 * HOUR_MS),
        city: "广州".into(),
    };
    let ok = predict_eta(
        &h,
        lane,
        T0,
        &[hop(TrackingStatus::PickedUp)],
        T0.plus_millis(11 * HOUR_MS),
    );
    let late = predict_eta(
        &h,
        lane,
        T0,
        &[hop(TrackingStatus::Exception {
            reason: "天气原因延误".into(),
        })],
        T0.plus_millis(11 * HOUR_MS),
    );
    assert_eq!(
        ok.expected_at.millis_until(late.expected_at),
        EXCEPTION_DELAY_MS
    );
}

#[test]
fn mae_helpers() {
    assert_eq!(mae_hours(&[]), None);
    let h = |n: i64| T0.plus_millis(n * HOUR_MS);
    assert_eq!(mae_hours(&[(h(0), h(2)), (h(5), h(1))]), Some(3.0));
    let rows = [
        (LaneClass::Remote, h(0), h(10)),
        (LaneClass::SameProvince, h(0), h(1)),
        (LaneClass::Remote, h(0), h(20)),
    ];
    let by = mae_by_class(&rows);
    assert_eq!(by.len(), 2);
    assert_eq!(
        (by[0].class, by[0].count, by[0].mae_hours),
        (LaneClass::SameProvince, 1, 1.0)
    );
    assert_eq!(
        (by[1].class, by[1].count, by[1].mae_hours),
        (LaneClass::Remote, 2, 15.0)
    );
}

/// Train on 200 simulated deliveries per lane, evaluate on 200 more:
/// the lane-median ETA must beat the fixed promise overall and per class,
/// and get better again once the parcel is out for delivery.
#[test]
fn predicted_eta_beats_carrier_promise() {
    let mut h = LaneHistory::new();
    let lanes = eval_lanes();
    for lane in &lanes {
        for i in 0..200 {
            let (s, ev) = parcel(*lane, i);
            h.record(*lane, s, delivered_at(&ev));
        }
    }
    let (mut predicted, mut promised, mut late_stage) = (Vec::new(), Vec::new(), Vec::new());
    for lane in &lanes {
        let class = lane.class();
        for i in 1_000..1_200 {
            let (s, ev) = parcel(*lane, i);
            let actual = delivered_at(&ev);
            let eta = predict_eta(&h, *lane, s, &[], s);
            assert!(matches!(eta.basis, EtaBasis::Lane { samples: 200 }));
            predicted.push((class, eta.expected_at, actual));
            let promise = s.plus_millis(carrier_promise_hours(class) * HOUR_MS);
            promised.push((class, promise, actual));
            if let Some(ofd) = ev
                .iter()
                .find(|e| e.status == TrackingStatus::OutForDelivery)
            {
                let eta = predict_eta(&h, *lane, s, &ev, ofd.at);
                late_stage.push((eta.expected_at, actual));
            }
        }
    }
    let pairs = |rows: &[(LaneClass, Timestamp, Timestamp)]| -> Vec<(Timestamp, Timestamp)> {
        rows.iter().map(|r| (r.1, r.2)).collect()
    };
    let mae_pred = mae_hours(&pairs(&predicted)).unwrap();
    let mae_promise = mae_hours(&pairs(&promised)).unwrap();
    let mae_late = mae_hours(&late_stage).unwrap();
    assert!(mae_pred < mae_promise, "{mae_pred} vs {mae_promise}");
    assert!(mae_late < mae_pred, "{mae_late} vs {mae_pred}");
    assert!(mae_pred < DAY_MS as f64 / HOUR_MS as f64, "{mae_pred}");
    let by_pred = mae_by_class(&predicted);
    let by_promise = mae_by_class(&promised);
    assert_eq!(by_pred.len(), 4, "every lane class is evaluated");
    for (p, b) in by_pred.iter().zip(&by_promise) {
        assert_eq!(p.class, b.class);
        assert!(p.mae_hours < b.mae_hours, "{p:?} vs {b:?}");
    }
}

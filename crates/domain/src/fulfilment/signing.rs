//! Carrier callbacks are signed with HMAC-SHA256 over a canonical encoding
//! of the event. Acceptance is a pure check: valid signature AND a seq above
//! the last one accepted for the parcel, so forged and replayed (or
//! reordered) events are both rejected without any clock or nonce store
//! beyond the parcel's own last seq.

use super::tracking::{TrackingEvent, TrackingStatus};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventRejected {
    #[error("tracking event signature does not verify")]
    BadSignature,
    #[error("tracking event seq {seq} is not after the last accepted seq {last}")]
    Replayed { seq: u32, last: u32 },
}

/// Every field length-prefixed so no two different events share a message
/// (e.g. a city containing the separator cannot shift fields).
fn canonical(tracking_no: &str, event: &TrackingEvent) -> String {
    let (kind, detail) = match &event.status {
        TrackingStatus::PickedUp => ("picked_up", ""),
        TrackingStatus::InTransit { city } => ("in_transit", city.as_str()),
        TrackingStatus::OutForDelivery => ("out_for_delivery", ""),
        TrackingStatus::Delivered => ("delivered", ""),
        TrackingStatus::Exception { reason } => ("exception", reason.as_str()),
    };
    let at = event.at.millis().to_string();
    let seq = event.seq.to_string();
    let mut out = String::from("yc-tracking-v1");
    for field in [
        tracking_no,
        seq.as_str(),
        at.as_str(),
        kind,
        detail,
        &event.city,
    ] {
        out.push_str(&format!("|{}:{}", field.len(), field));
    }
    out
}

fn mac(secret: &[u8], tracking_no: &str, event: &TrackingEvent) -> Option<HmacSha256> {
    // HMAC accepts keys of any length, so this never fails in practice.
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(canonical(tracking_no, event).as_bytes());
    Some(mac)
}

/// Lower-case hex HMAC-SHA256 of the event for this parcel.
pub fn sign_event(secret: &[u8], tracking_no: &str, event: &TrackingEvent) -> String {
    mac(secret, tracking_no, event)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default()
}

/// Accepts the event only if the signature verifies (constant-time) and its
/// seq is above `last_accepted_seq` (None: nothing accepted yet). The caller
/// stores `event.seq` as the new last seq on success.
pub fn verify_event(
    secret: &[u8],
    tracking_no: &str,
    event: &TrackingEvent,
    signature_hex: &str,
    last_accepted_seq: Option<u32>,
) -> Result<(), EventRejected> {
    let sig = hex::decode(signature_hex.trim()).map_err(|_| EventRejected::BadSignature)?;
    let mac = mac(secret, tracking_no, event).ok_or(EventRejected::BadSignature)?;
    mac.verify_slice(&sig)
        .map_err(|_| EventRejected::BadSignature)?;
    // Checked after the signature so an attacker learns nothing about seqs.
    match last_accepted_seq {
        Some(last) if event.seq <= last => Err(EventRejected::Replayed {
            seq: event.seq,
            last,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::province::{Lane, Province};
    use super::super::tracking::sandbox_schedule;
    use super::*;
    use crate::Timestamp;

    const SECRET: &[u8] = b"sandbox-carrier-secret";

    fn events() -> Vec<TrackingEvent> {
        let lane = Lane::new(Province::Zhejiang, Province::Xinjiang);
        sandbox_schedule(lane, Timestamp(1_767_225_600_000), 7)
    }

    #[test]
    fn accepts_a_signed_stream_in_order() {
        let mut last = None;
        for e in events() {
            let sig = sign_event(SECRET, "SB42", &e);
            assert_eq!(sig.len(), 64);
            assert_eq!(verify_event(SECRET, "SB42", &e, &sig, last), Ok(()));
            last = Some(e.seq);
        }
    }

    #[test]
    fn rejects_tampering_and_wrong_key_or_parcel() {
        let e = events().remove(1);
        let sig = sign_event(SECRET, "SB42", &e);
        let reject = Err(EventRejected::BadSignature);
        assert_eq!(verify_event(b"other", "SB42", &e, &sig, None), reject);
        assert_eq!(verify_event(SECRET, "SB43", &e, &sig, None), reject);
        assert_eq!(verify_event(SECRET, "SB42", &e, "zz", None), reject);
        assert_eq!(verify_event(SECRET, "SB42", &e, "", None), reject);
        let mut flipped = sig.clone().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(verify_event(SECRET, "SB42", &e, &flipped, None), reject);

        let tampered = [
            TrackingEvent {
                seq: e.seq + 1,
                ..e.clone()
            },
            TrackingEvent {
                at: e.at.plus_millis(1),
                ..e.clone()
            },
            TrackingEvent {
                city: "拉萨".into(),
                ..e.clone()
            },
            TrackingEvent {
                status: TrackingStatus::Delivered,
                ..e.clone()
            },
            TrackingEvent {
                status: TrackingStatus::Exception { reason: "x".into() },
                ..e.clone()
            },
        ];
        for t in tampered {
            assert_eq!(
                verify_event(SECRET, "SB42", &t, &sig, None),
                reject,
                "{t:?}"
            );
        }
    }

    #[test]
    fn rejects_replay_and_reorder() {
        let evs = events();
        let sigs: Vec<String> = evs.iter().map(|e| sign_event(SECRET, "SB42", e)).collect();
        assert_eq!(
            verify_event(SECRET, "SB42", &evs[2], &sigs[2], Some(1)),
            Ok(())
        );
        assert_eq!(
            verify_event(SECRET, "SB42", &evs[2], &sigs[2], Some(3)),
            Err(EventRejected::Replayed { seq: 3, last: 3 })
        );
        assert_eq!(
            verify_event(SECRET, "SB42", &evs[1], &sigs[1], Some(3)),
            Err(EventRejected::Replayed { seq: 2, last: 3 })
        );
        // Skipping ahead is fine: callbacks can be lost, never re-ordered back.
        assert_eq!(
            verify_event(SECRET, "SB42", &evs[4], &sigs[4], Some(2)),
            Ok(())
        );
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let a = TrackingEvent {
            seq: 1,
            status: TrackingStatus::InTransit { city: "a|b".into() },
            at: Timestamp(5),
            city: "c".into(),
        };
        let b = TrackingEvent {
            status: TrackingStatus::InTransit { city: "a".into() },
            city: "b|c".into(),
            ..a.clone()
        };
        assert_ne!(sign_event(SECRET, "T", &a), sign_event(SECRET, "T", &b));
    }
}

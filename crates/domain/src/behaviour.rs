//! Behaviour events: what a viewer did with a feed video (seen, watched,
//! tapped the yellow cart, bought, skipped…). Append-only, bounded per
//! request, and carrying no personal data beyond the user or device id.

use crate::{Timestamp, UserId, ValidationError, VideoId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Events per request; clients send a batch every few seconds.
pub const MAX_BATCH: usize = 100;
/// How far back a client may date an event (it batches for seconds, and a
/// page-hide flush may carry a minute's worth).
pub const MAX_AGE_MS: i64 = 5 * 60_000;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Impression,
    /// With `completion_pct`.
    Watch,
    CartTap,
    SheetOpen,
    AddToCart,
    Favorite,
    Purchase,
    Share,
    Skip,
    NotInterested,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::Impression,
        EventKind::Watch,
        EventKind::CartTap,
        EventKind::SheetOpen,
        EventKind::AddToCart,
        EventKind::Favorite,
        EventKind::Purchase,
        EventKind::Share,
        EventKind::Skip,
        EventKind::NotInterested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Impression => "impression",
            EventKind::Watch => "watch",
            EventKind::CartTap => "cart_tap",
            EventKind::SheetOpen => "sheet_open",
            EventKind::AddToCart => "add_to_cart",
            EventKind::Favorite => "favorite",
            EventKind::Purchase => "purchase",
            EventKind::Share => "share",
            EventKind::Skip => "skip",
            EventKind::NotInterested => "not_interested",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who did it: a signed-in user, or an anonymous device.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    User(UserId),
    Device(Uuid),
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviourEvent {
    pub actor: Actor,
    pub video_id: VideoId,
    pub kind: EventKind,
    /// Watch completion 0–100; 0 for every other kind.
    pub completion_pct: u8,
    pub at: Timestamp,
}

/// One event as a client sends it. `kind` is text so an unknown kind is a
/// clear 422 naming its position, not a generic body error.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDraft {
    pub video_id: VideoId,
    pub kind: String,
    #[serde(default)]
    pub completion_pct: Option<u8>,
    /// How long ago it happened, in ms (0 = now).
    #[serde(default)]
    pub ago_ms: Option<i64>,
}

/// Validates a whole batch: any bad event refuses the batch, so nothing of
/// it is stored.
pub fn parse_batch(
    actor: Actor,
    drafts: &[EventDraft],
    now: Timestamp,
) -> Result<Vec<BehaviourEvent>, ValidationError> {
    if drafts.is_empty() {
        return Err(ValidationError::new(
            "events",
            "empty",
            "send at least one event",
        ));
    }
    if drafts.len() > MAX_BATCH {
        return Err(ValidationError::new(
            "events",
            "too_many",
            format!("at most {MAX_BATCH} events per request"),
        ));
    }
    drafts
        .iter()
        .enumerate()
        .map(|(i, d)| parse_one(actor, d, now, i))
        .collect()
}

fn parse_one(
    actor: Actor,
    d: &EventDraft,
    now: Timestamp,
    i: usize,
) -> Result<BehaviourEvent, ValidationError> {
    let kind = EventKind::parse(&d.kind).ok_or_else(|| {
        ValidationError::new("events", "unknown_kind", format!("event {i}: unknown kind"))
    })?;
    let completion_pct = match (kind, d.completion_pct) {
        (EventKind::Watch, Some(p)) if p <= 100 => p,
        (EventKind::Watch, _) => {
            return Err(ValidationError::new(
                "events",
                "bad_completion",
                format!("event {i}: watch needs completion_pct 0–100"),
            ));
        }
        (_, None) => 0,
        (_, Some(_)) => {
            return Err(ValidationError::new(
                "events",
                "unexpected_completion",
                format!("event {i}: only watch events carry completion_pct"),
            ));
        }
    };
    let ago = d.ago_ms.unwrap_or(0);
    if !(0..=MAX_AGE_MS).contains(&ago) {
        return Err(ValidationError::new(
            "events",
            "bad_age",
            format!("event {i}: ago_ms must be 0–{MAX_AGE_MS}"),
        ));
    }
    Ok(BehaviourEvent {
        actor,
        video_id: d.video_id,
        kind,
        completion_pct,
        at: now.plus_millis(-ago),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str, pct: Option<u8>) -> EventDraft {
        EventDraft {
            video_id: VideoId::new(),
            kind: kind.into(),
            completion_pct: pct,
            ago_ms: None,
        }
    }

    #[test]
    fn a_bad_event_refuses_the_whole_batch() {
        let actor = Actor::Device(Uuid::nil());
        let now = Timestamp(1_000_000);
        let ok = parse_batch(
            actor,
            &[draft("impression", None), draft("watch", Some(80))],
            now,
        );
        assert_eq!(ok.unwrap().len(), 2);
        let bad = parse_batch(
            actor,
            &[draft("impression", None), draft("teleport", None)],
            now,
        );
        assert_eq!(bad.unwrap_err().code, "unknown_kind");
        assert_eq!(
            parse_batch(actor, &[draft("watch", None)], now)
                .unwrap_err()
                .code,
            "bad_completion"
        );
        assert_eq!(
            parse_batch(actor, &[draft("watch", Some(101))], now)
                .unwrap_err()
                .code,
            "bad_completion"
        );
        assert_eq!(
            parse_batch(actor, &[draft("skip", Some(3))], now)
                .unwrap_err()
                .code,
            "unexpected_completion"
        );
        assert_eq!(parse_batch(actor, &[], now).unwrap_err().code, "empty");
        let many = vec![draft("impression", None); MAX_BATCH + 1];
        assert_eq!(parse_batch(actor, &many, now).unwrap_err().code, "too_many");
        let mut old = draft("impression", None);
        old.ago_ms = Some(MAX_AGE_MS + 1);
        assert_eq!(parse_batch(actor, &[old], now).unwrap_err().code, "bad_age");
    }

    #[test]
    fn kinds_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
    }
}

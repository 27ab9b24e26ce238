//! The values that cross the crate boundary: what the platform tells the
//! model (items, availability, events) and what it asks (a feed page).

use crate::params::FeedParams;
use crate::reason::Reason;
use crate::signal::Signal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yc_domain::fulfilment::Province;

/// Who is scrolling. Anonymous devices get a profile of their own so a
/// first-time visitor is personalised within a few swipes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum UserKey {
    User(Uuid),
    Device(Uuid),
}

/// One feed video and the product behind its yellow cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemMeta {
    /// The video id: what the feed returns.
    pub key: Uuid,
    pub product: Uuid,
    pub category: String,
    pub tags: Vec<String>,
    pub merchant: Uuid,
    /// Where the merchant ships from; `None` when unknown.
    pub origin: Option<Province>,
    pub created_at_ms: i64,
    /// Bought once, not again (an appliance, a course): after a purchase the
    /// video no longer shows to that buyer.
    pub single_purchase: bool,
}

/// Set by the platform whenever moderation or stock changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// Never shown while set: a hard guarantee.
    pub blocked_or_deleted: bool,
    /// Shown only after every available candidate (or not at all, see
    /// [`FeedParams::drop_sold_out`]).
    pub sold_out: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub user: UserKey,
    /// The video key ([`ItemMeta::key`]).
    pub item: Uuid,
    pub kind: Signal,
    pub at_ms: i64,
}

/// What happened to an observed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    Applied,
    /// The item was never upserted; the event is dropped.
    UnknownItem,
}

/// Pages are bounded so one request cannot make the ranker do unbounded work.
pub const MAX_PAGE_SIZE: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedRequest {
    pub user: UserKey,
    /// The buyer's province (default address, else IP); `None` if unknown.
    pub region: Option<Province>,
    /// Categories picked at onboarding; used as interests while the user
    /// has little history of their own.
    #[serde(default)]
    pub onboarding: Vec<String>,
    pub now_ms: i64,
    /// Clamped to `1..=MAX_PAGE_SIZE`.
    pub page_size: usize,
    /// Video keys already shown on earlier pages of this scroll.
    #[serde(default)]
    pub exclude: Vec<Uuid>,
    /// Per-request override (A/B arms, offline evaluation).
    #[serde(default)]
    pub params: Option<FeedParams>,
}

impl FeedRequest {
    pub fn new(user: UserKey, now_ms: i64) -> Self {
        FeedRequest {
            user,
            region: None,
            onboarding: Vec::new(),
            now_ms,
            page_size: 20,
            exclude: Vec::new(),
            params: None,
        }
    }

    pub fn page_size(&self) -> usize {
        self.page_size.clamp(1, MAX_PAGE_SIZE)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub item: Uuid,
    pub score: f32,
    /// Strongest first; never empty.
    pub reasons: Vec<Reason>,
}

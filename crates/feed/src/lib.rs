//! 千人千面: the personalised watch-and-buy feed of yellowcart, and the
//! offline evaluation that keeps it honest.
//!
//! Pure: no IO (except `eval::load_interactions`, which reads the files it
//! is given, and `bench`, which reads its own RSS), no async, no clock —
//! every call takes `now_ms`.
//!
//! # Wiring it into the platform
//!
//! Keep one [`FeedModel`] in an `RwLock`:
//!
//! - on start-up: [`FeedModel::upsert_item`] every live video, replay the
//!   recent event log through [`FeedModel::observe`] (about a million
//!   events a second), then [`FeedModel::refresh`];
//! - on every video create/edit: `upsert_item`; on moderation or stock
//!   change: [`FeedModel::set_available`] (a blocked video disappears from
//!   the next request, no refresh needed);
//! - on every client event: `observe` (cheap; batch them under one write
//!   lock if traffic is high); on login: [`FeedModel::link_device`];
//! - about once a minute: `refresh(now)` — rebuilds candidate pools and
//!   trend scores in one pass over the catalog (~15–25 ms at 100k videos);
//! - per feed page: [`FeedModel::recommend`] under the read lock.
//!
//! ```
//! use uuid::Uuid;
//! use yc_feed::{Event, FeedModel, FeedRequest, ItemMeta, Province, Signal, UserKey};
//!
//! let mut model = FeedModel::default();
//! let video = ItemMeta {
//!     key: Uuid::from_u128(1),
//!     product: Uuid::from_u128(2),
//!     category: "女装".into(),
//!     tags: vec!["女装·简约".into()],
//!     merchant: Uuid::from_u128(3),
//!     origin: Some(Province::Zhejiang),
//!     created_at_ms: 0,
//!     single_purchase: false,
//! };
//! model.upsert_item(&video).unwrap();
//! let me = UserKey::Device(Uuid::from_u128(9));
//! model.observe(&Event { user: me, item: video.key, kind: Signal::CartTap, at_ms: 1_000 });
//! model.refresh(2_000);
//! let mut req = FeedRequest::new(me, 2_000);
//! req.region = Some(Province::Zhejiang);
//! let page = model.recommend(&req);
//! assert_eq!(page[0].item, video.key);
//! println!("{}", page[0].reasons[0].text_zh());
//! ```
//!
//! Memory and per-request work are bounded: see [`params::bounds`].

pub mod bench;
mod candidates;
mod catalog;
mod covisit;
mod error;
pub mod eval;
mod fxhash;
mod intern;
mod model;
pub mod params;
mod pools;
mod popularity;
mod profile;
mod rank;
mod reason;
mod rerank;
pub mod signal;
mod types;
mod users;
mod viewer;

pub use error::FeedError;
pub use model::{FeedModel, ModelStats};
pub use params::{Capacity, FeedParams};
pub use reason::Reason;
pub use signal::Signal;
pub use types::{
    Availability, Event, FeedRequest, ItemMeta, MAX_PAGE_SIZE, Observed, Recommendation, UserKey,
};
pub use yc_domain::fulfilment::Province;

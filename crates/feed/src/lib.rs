//! 千人千面: the personalised watch-and-buy feed of yellowcart, and the
//! offline evaluation that keeps it honest.
//!
//! Pure: no IO (except `eval::interactions`, which reads the CSV file it is
//! given), no async, no clock — every call takes `now_ms`. The platform
//! keeps one [`FeedModel`] behind a `RwLock`, feeds it events with
//! [`FeedModel::observe`], calls [`FeedModel::refresh`] about once a minute,
//! and serves pages with [`FeedModel::recommend`] under the read lock.
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

//! 千人千面: the personalized feed. The model (`yc_feed`) lives in memory on
//! each node, learns from the behaviour log in the store (which every node
//! tails, so all nodes learn from all events), and follows the catalog.
//! A feed page is a recommendation re-checked against the store, so a
//! blocked or deleted product never shows even before the model hears of it.

mod engine;
mod events;
mod page;
mod sync;

pub use engine::FeedEngine;
pub use events::EventsAccepted;
pub use page::{PersonalFeed, PersonalItem, ReasonView, Viewer};
pub use sync::feed_worker;

//! placeholder
mod analysis;
pub mod bench;
pub mod error;
mod highlight;
mod index;
mod model;
mod query;
mod schema;
mod search;
mod suggest;
pub mod synthetic;

pub use error::SearchError;
pub use index::{IndexOptions, SearchIndex};
pub use model::*;

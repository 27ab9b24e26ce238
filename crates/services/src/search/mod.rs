//! Chinese product search (tantivy + jieba, `yc_search`). The index is
//! derived data: rebuilt from the store on start, then kept current —
//! products a merchant edits are re-indexed within about a second, and a
//! periodic pass catches stock and sales moved by orders.

mod engine;
mod query;

pub use engine::{SearchEngine, search_worker};
pub use query::{SearchPage, SearchParams, SearchResult};

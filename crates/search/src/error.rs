use thiserror::Error;

/// Everything that can go wrong in this crate. User query text never
/// produces an error: only the page bounds, the engine and the disk can.
#[derive(Debug, Error)]
pub enum SearchError {
    #[error("limit {limit} is over the maximum of {max}")]
    LimitTooLarge { limit: usize, max: usize },
    #[error("offset {offset} is over the maximum of {max}")]
    OffsetTooLarge { offset: usize, max: usize },
    #[error("search engine: {0}")]
    Engine(#[from] tantivy::TantivyError),
    #[error("opening index directory: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// A thread panicked while holding the writer; the index on disk is
    /// still consistent (last commit), but this handle must be reopened.
    #[error("index writer lock poisoned by a panicked thread")]
    Poisoned,
    #[error("stored document is corrupt: {0}")]
    Corrupt(String),
}

use thiserror::Error;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FeedError {
    #[error("the feed model holds its maximum of {max} items")]
    CatalogFull { max: usize },
    #[error("the feed model holds its maximum of {max} {what}")]
    InternFull { what: &'static str, max: usize },
    #[error("unknown item {0}")]
    UnknownItem(Uuid),
}

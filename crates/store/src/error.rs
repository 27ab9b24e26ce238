use yc_domain::SkuId;

/// Errors a store reports. Constraint violations are translated to named
/// cases here, in the store crates, so services never parse SQL errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; `field` names the input that
    /// collided (e.g. "login").
    #[error("duplicate {field}")]
    Duplicate { field: &'static str },
    /// The (user, scope, key) idempotency row already exists. Nothing of the
    /// attempted write was kept.
    #[error("idempotency key already used")]
    IdempotencyKeyTaken,
    /// A conditional stock decrement matched no row: not enough units.
    /// Nothing of the attempted write was kept.
    #[error("sold out: {sku_id}")]
    SoldOut { sku_id: SkuId },
    /// A bounded collection is full (addresses, cart lines…).
    #[error("limit reached: {what}")]
    LimitReached { what: &'static str },
    /// A stock adjustment would make stock negative or exceed the maximum.
    #[error("stock out of range")]
    StockOutOfRange,
    /// The database failed or is unreachable; details are for logs only.
    #[error("storage backend error: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

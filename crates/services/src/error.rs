//! The errors use cases report. Every store error is mapped here, with no
//! catch-all arm, so a new store error cannot slip through unclassified.

use yc_domain::order::{IllegalTransition, PlaceOrderError};
use yc_domain::{MoneyError, SkuId, ValidationError};
use yc_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Missing, or not visible to this caller (never "forbidden" for other
    /// people's things: that would confirm they exist).
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong login or password")]
    BadCredentials,
    #[error("this action needs the {0} role")]
    Forbidden(&'static str),
    #[error("{field} is already taken")]
    Duplicate { field: &'static str },
    #[error("sold out")]
    SoldOut { sku_id: SkuId },
    #[error("SKU {0} is not for sale")]
    Unavailable(SkuId),
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    #[error("an Idempotency-Key header is required")]
    IdempotencyKeyRequired,
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    #[error(transparent)]
    AfterSalesIllegal(#[from] yc_domain::aftersales::IllegalTransition),
    /// An after-sales rule refused the request; the rule is shown to both sides.
    #[error("after-sales refused by rule {}", .0.code())]
    AfterSalesRefused(yc_domain::aftersales::Rule),
    #[error("{0}")]
    Conflict(&'static str),
    #[error("limit reached: {0}")]
    LimitReached(&'static str),
    #[error("payment callback rejected: {0}")]
    CallbackRejected(String),
    #[error("payment provider failed: {0}")]
    Provider(String),
    /// Too much queued; try again shortly.
    #[error("busy, try again")]
    Overloaded,
    /// Details are logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::NotFound("resource"),
            StoreError::Duplicate { field } => ServiceError::Duplicate { field },
            StoreError::IdempotencyKeyTaken => ServiceError::IdempotencyMismatch,
            StoreError::SoldOut { sku_id } => ServiceError::SoldOut { sku_id },
            StoreError::LimitReached { what } => ServiceError::LimitReached(what),
            StoreError::StockOutOfRange => ServiceError::Invalid(ValidationError::new(
                "stock_delta",
                "out_of_range",
                "stock would leave 0..10,000,000",
            )),
            StoreError::Backend(msg) => ServiceError::Internal(msg),
        }
    }
}

impl From<PlaceOrderError> for ServiceError {
    fn from(e: PlaceOrderError) -> Self {
        match e {
            PlaceOrderError::Invalid(v) => ServiceError::Invalid(v),
            PlaceOrderError::Unavailable(sku) => ServiceError::Unavailable(sku),
            PlaceOrderError::SoldOut { sku_id, .. } => ServiceError::SoldOut { sku_id },
            PlaceOrderError::Money(m) => ServiceError::from(m),
        }
    }
}

impl From<MoneyError> for ServiceError {
    fn from(e: MoneyError) -> Self {
        match e {
            MoneyError::Overflow | MoneyError::Negative | MoneyError::CurrencyMismatch => {
                ServiceError::Invalid(ValidationError::new(
                    "amount",
                    "amount_out_of_range",
                    e.to_string(),
                ))
            }
        }
    }
}

impl From<serde_json::Error> for ServiceError {
    fn from(e: serde_json::Error) -> Self {
        ServiceError::Internal(format!("json: {e}"))
    }
}

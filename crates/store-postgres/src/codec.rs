//! Column encodings shared by every query: money, JSONB (selected as
//! `col::text` and parsed here, so no sqlx JSON feature is needed), status
//! and enum names, return terms, 运费险, counts and keyset paging. A value that does not decode is
//! reported as `Backend` (see `error::corrupt`).

use serde::de::DeserializeOwned;
use uuid::Uuid;
use yc_domain::aftersales::{InsuranceSource, ProductKind, ReturnPolicy};
use yc_domain::order::{OrderInsurance, OrderStatus};
use yc_domain::page::PageRequest;
use yc_domain::payment::{PaymentMethod, PaymentStatus};
use yc_domain::{Currency, Money};
use yc_store::StoreResult;

use crate::error::corrupt;

pub(crate) fn money(amount_minor: i64, currency: &str) -> StoreResult<Money> {
    let currency = Currency::parse(currency).ok_or_else(|| corrupt("currency"))?;
    Ok(Money::new(amount_minor, currency))
}

pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &'static str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

pub(crate) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|_| corrupt("json value"))
}

pub(crate) fn order_status(s: &str) -> StoreResult<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| corrupt("order status"))
}

pub(crate) fn payment_status(s: &str) -> StoreResult<PaymentStatus> {
    PaymentStatus::parse(s).ok_or_else(|| corrupt("payment status"))
}

pub(crate) fn payment_method(s: &str) -> StoreResult<PaymentMethod> {
    PaymentMethod::parse(s).ok_or_else(|| corrupt("payment method"))
}

pub(crate) fn count(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| corrupt("count"))
}

/// `LIMIT` of a keyset page: one more than asked, so the caller can tell
/// whether a next page exists.
pub(crate) fn overfetch(page: PageRequest) -> i64 {
    i64::from(page.size.get()) + 1
}

/// Keyset cursor of a newest-first list: ids strictly below it. With no
/// cursor, the maximal UUID (never a UUIDv7) keeps the query the same.
pub(crate) fn before(page: PageRequest) -> Uuid {
    page.after.unwrap_or(Uuid::max())
}

/// A serde unit enum as its wire name ("refund_only", "浙江"): stored
/// values read the same as the API's (and as the SQLite backend's).
pub(crate) fn enum_str<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(corrupt("enum without a string name")),
    }
}

pub(crate) fn enum_parse<T: DeserializeOwned>(text: &str, what: &'static str) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| corrupt(what))
}

/// A small non-negative column (quantities, seqs) as the domain's `u32`.
pub(crate) fn small(n: impl TryInto<u32>, what: &'static str) -> StoreResult<u32> {
    n.try_into().map_err(|_| corrupt(what))
}

/// Return terms from their two columns (products and order lines alike).
pub(crate) fn return_policy(kind: &str, days: Option<i16>) -> StoreResult<ReturnPolicy> {
    Ok(ReturnPolicy {
        no_reason_days: days
            .map(|d| u8::try_from(d).map_err(|_| corrupt("no_reason_days")))
            .transpose()?,
        kind: ProductKind::parse(kind).ok_or_else(|| corrupt("product kind"))?,
    })
}

/// 运费险 from its three columns; no source means no policy.
pub(crate) fn insurance(
    source: Option<&str>,
    premium_minor: i64,
    claimed: bool,
    currency: &str,
) -> StoreResult<Option<OrderInsurance>> {
    let Some(source) = source else {
        return Ok(None);
    };
    Ok(Some(OrderInsurance {
        source: InsuranceSource::parse(source).ok_or_else(|| corrupt("insurance source"))?,
        premium: money(premium_minor, currency)?,
        claimed,
    }))
}

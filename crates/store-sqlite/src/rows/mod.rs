//! Row → domain decoding. Row structs mirror the tables (TEXT ids decoded
//! as hyphenated UUIDs, INTEGER as i64); a stored value the domain does not
//! accept is reported as corruption, never papered over.

mod catalog;
mod live;
mod orders;

pub(crate) use catalog::*;
pub(crate) use live::*;
pub(crate) use orders::*;

use serde::de::DeserializeOwned;
use sqlx::FromRow;
use uuid::Uuid;
use uuid::fmt::Hyphenated;
use yc_domain::account::{Merchant, Role, User};
use yc_domain::address::Address;
use yc_domain::{Currency, Money, Timestamp};
use yc_store::{CartRow, FavoriteRow, StoreError, StoreResult};

pub(crate) fn corrupt(what: &'static str) -> StoreError {
    tracing::error!(value = what, "corrupt stored value");
    StoreError::Backend(format!("corrupt stored value: {what}"))
}

pub(crate) fn id<T: From<Uuid>>(key: Hyphenated) -> T {
    T::from(key.into_uuid())
}

pub(crate) fn money(minor: i64, currency: &str) -> StoreResult<Money> {
    let currency = Currency::parse(currency).ok_or_else(|| corrupt("currency"))?;
    Ok(Money::new(minor, currency))
}

pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &'static str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

pub(crate) fn count(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| corrupt("count"))
}

pub(crate) fn small(n: i64, what: &'static str) -> StoreResult<u32> {
    u32::try_from(n).map_err(|_| corrupt(what))
}

macro_rules! user_columns {
    () => {
        "users.id, users.login, users.display_name, users.role, users.merchant_id, users.created_at"
    };
}
pub(crate) use user_columns;

#[derive(FromRow)]
pub(crate) struct UserRow {
    id: Hyphenated,
    login: String,
    display_name: String,
    role: String,
    merchant_id: Option<Hyphenated>,
    created_at: i64,
}

impl UserRow {
    pub(crate) fn into_user(self) -> StoreResult<User> {
        Ok(User {
            id: id(self.id),
            login: self.login,
            display_name: self.display_name,
            role: Role::parse(&self.role).ok_or_else(|| corrupt("users.role"))?,
            merchant_id: self.merchant_id.map(id),
            created_at: Timestamp(self.created_at),
        })
    }
}

#[derive(FromRow)]
pub(crate) struct CredentialsRow {
    #[sqlx(flatten)]
    pub(crate) user: UserRow,
    pub(crate) password_hash: String,
}

#[derive(FromRow)]
pub(crate) struct MerchantRow {
    id: Hyphenated,
    name: String,
    province: String,
    created_at: i64,
    grants_return_insurance: i64,
}

impl From<MerchantRow> for Merchant {
    fn from(r: MerchantRow) -> Merchant {
        Merchant {
            id: id(r.id),
            name: r.name,
            province: r.province,
            created_at: Timestamp(r.created_at),
            grants_return_insurance: r.grants_return_insurance != 0,
        }
    }
}

#[derive(FromRow)]
pub(crate) struct CartLineRow {
    sku_id: Hyphenated,
    quantity: i64,
    added_at: i64,
}

impl CartLineRow {
    pub(crate) fn into_row(self) -> StoreResult<CartRow> {
        Ok(CartRow {
            sku_id: id(self.sku_id),
            quantity: small(self.quantity, "cart_lines.quantity")?,
            added_at: Timestamp(self.added_at),
        })
    }
}

#[derive(FromRow)]
pub(crate) struct FavoriteDbRow {
    id: Hyphenated,
    product_id: Hyphenated,
    created_at: i64,
}

impl From<FavoriteDbRow> for FavoriteRow {
    fn from(r: FavoriteDbRow) -> FavoriteRow {
        FavoriteRow {
            id: r.id.into_uuid(),
            product_id: id(r.product_id),
            created_at: Timestamp(r.created_at),
        }
    }
}

macro_rules! address_columns {
    () => {
        "id, user_id, recipient, phone, province, city, district, detail, is_default"
    };
}
pub(crate) use address_columns;

#[derive(FromRow)]
pub(crate) struct AddressRow {
    id: Hyphenated,
    user_id: Hyphenated,
    recipient: String,
    phone: String,
    province: String,
    city: String,
    district: String,
    detail: String,
    is_default: bool,
}

impl From<AddressRow> for Address {
    fn from(r: AddressRow) -> Address {
        Address {
            id: id(r.id),
            user_id: id(r.user_id),
            recipient: r.recipient,
            phone: r.phone,
            province: r.province,
            city: r.city,
            district: r.district,
            detail: r.detail,
            is_default: r.is_default,
        }
    }
}

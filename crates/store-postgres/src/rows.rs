//! Row shapes as selected by the queries, and their conversion to domain
//! values (column decoding helpers are in `codec`).

use uuid::Uuid;
use yc_domain::Timestamp;
use yc_domain::account::{Merchant, Role, User};
use yc_domain::address::Address;
use yc_domain::aftersales::ReturnPolicy;
use yc_domain::catalog::{ProductStatus, Sku};
use yc_domain::order::{OrderEvent, OrderLine};
use yc_domain::payment::Payment;
use yc_domain::review::Review;
use yc_store::{Job, OutboxEvent, StoreResult};

use crate::codec::{from_json, money, order_status, payment_method, payment_status, return_policy};
use crate::error::corrupt;

/// Column lists as macros, so queries stay `&'static str` via `concat!`.
macro_rules! user_columns {
    () => {
        "id, login, display_name, role, merchant_id, created_at"
    };
}
macro_rules! merchant_columns {
    () => {
        "id, name, province, created_at, grants_return_insurance"
    };
}
macro_rules! product_columns {
    () => {
        "id, merchant_id, title, description, category, media::text AS media, \
         spec_axes::text AS spec_axes, status, created_at, product_kind, no_reason_days"
    };
}
macro_rules! sku_columns {
    () => {
        "id, product_id, spec::text AS spec, price_minor, currency, stock"
    };
}
macro_rules! address_columns {
    () => {
        "id, user_id, recipient, phone, province, city, district, detail, is_default"
    };
}
macro_rules! payment_columns {
    () => {
        "id, order_id, buyer_id, method, amount_minor, currency, status, \
         provider_trade_no, created_at, paid_at"
    };
}
pub(crate) use {
    address_columns, merchant_columns, payment_columns, product_columns, sku_columns, user_columns,
};

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub merchant_id: Option<Uuid>,
    pub created_at: i64,
}

impl UserRow {
    pub fn into_user(self) -> StoreResult<User> {
        Ok(User {
            id: self.id.into(),
            login: self.login,
            display_name: self.display_name,
            role: Role::parse(&self.role).ok_or_else(|| corrupt("user role"))?,
            merchant_id: self.merchant_id.map(Into::into),
            created_at: Timestamp(self.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MerchantRow {
    pub id: Uuid,
    pub name: String,
    pub province: String,
    pub created_at: i64,
    pub grants_return_insurance: bool,
}

impl From<MerchantRow> for Merchant {
    fn from(r: MerchantRow) -> Self {
        Merchant {
            id: r.id.into(),
            name: r.name,
            province: r.province,
            created_at: Timestamp(r.created_at),
            grants_return_insurance: r.grants_return_insurance,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProductRow {
    pub id: Uuid,
    pub merchant_id: Uuid,
    pub title: String,
    pub description: String,
    pub category: String,
    pub media: String,
    pub spec_axes: String,
    pub status: String,
    pub created_at: i64,
    pub product_kind: String,
    pub no_reason_days: Option<i16>,
}

impl ProductRow {
    pub fn status(&self) -> StoreResult<ProductStatus> {
        ProductStatus::parse(&self.status).ok_or_else(|| corrupt("product status"))
    }

    pub fn return_policy(&self) -> StoreResult<ReturnPolicy> {
        return_policy(&self.product_kind, self.no_reason_days)
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SkuRow {
    pub id: Uuid,
    pub product_id: Uuid,
    pub spec: String,
    pub price_minor: i64,
    pub currency: String,
    pub stock: i64,
}

impl SkuRow {
    pub fn into_sku(self) -> StoreResult<Sku> {
        Ok(Sku {
            id: self.id.into(),
            product_id: self.product_id.into(),
            spec: from_json(&self.spec, "sku spec")?,
            price: money(self.price_minor, &self.currency)?,
            stock: self.stock,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReviewRow {
    pub id: Uuid,
    pub product_id: Uuid,
    pub user_id: Uuid,
    pub author_name: String,
    pub rating: i16,
    pub body: String,
    pub created_at: i64,
}

impl ReviewRow {
    pub fn into_review(self) -> StoreResult<Review> {
        Ok(Review {
            id: self.id.into(),
            product_id: self.product_id.into(),
            user_id: self.user_id.into(),
            author_name: self.author_name,
            rating: u8::try_from(self.rating).map_err(|_| corrupt("review rating"))?,
            body: self.body,
            created_at: Timestamp(self.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AddressRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub recipient: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub detail: String,
    pub is_default: bool,
}

impl From<AddressRow> for Address {
    fn from(r: AddressRow) -> Self {
        Address {
            id: r.id.into(),
            user_id: r.user_id.into(),
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

#[derive(sqlx::FromRow)]
pub(crate) struct OrderLineRow {
    pub order_id: Uuid,
    pub sku_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub spec_label: String,
    pub image: Option<String>,
    pub unit_price_minor: i64,
    pub quantity: i32,
    pub line_total_minor: i64,
    pub currency: String,
    pub product_kind: String,
    pub no_reason_days: Option<i16>,
}

impl OrderLineRow {
    pub fn into_line(self) -> StoreResult<OrderLine> {
        Ok(OrderLine {
            sku_id: self.sku_id.into(),
            product_id: self.product_id.into(),
            title: self.title,
            spec_label: self.spec_label,
            image: self.image,
            unit_price: money(self.unit_price_minor, &self.currency)?,
            quantity: u32::try_from(self.quantity).map_err(|_| corrupt("line quantity"))?,
            line_total: money(self.line_total_minor, &self.currency)?,
            return_policy: return_policy(&self.product_kind, self.no_reason_days)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OrderEventRow {
    pub order_id: Uuid,
    pub status: String,
    pub at: i64,
    pub note: String,
}

impl OrderEventRow {
    pub fn into_event(self) -> StoreResult<OrderEvent> {
        Ok(OrderEvent {
            status: order_status(&self.status)?,
            at: Timestamp(self.at),
            note: self.note,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PaymentRow {
    pub id: Uuid,
    pub order_id: Uuid,
    pub buyer_id: Uuid,
    pub method: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub provider_trade_no: Option<String>,
    pub created_at: i64,
    pub paid_at: Option<i64>,
}

impl PaymentRow {
    pub fn into_payment(self) -> StoreResult<Payment> {
        Ok(Payment {
            id: self.id.into(),
            order_id: self.order_id.into(),
            buyer_id: self.buyer_id.into(),
            method: payment_method(&self.method)?,
            amount: money(self.amount_minor, &self.currency)?,
            status: payment_status(&self.status)?,
            provider_trade_no: self.provider_trade_no,
            created_at: Timestamp(self.created_at),
            paid_at: self.paid_at.map(Timestamp),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct JobRow {
    pub id: Uuid,
    pub kind: String,
    pub payload: String,
    pub run_at: i64,
    pub attempts: i32,
}

impl JobRow {
    pub fn into_job(self) -> StoreResult<Job> {
        Ok(Job {
            id: self.id.into(),
            kind: self.kind,
            payload: from_json(&self.payload, "job payload")?,
            run_at: Timestamp(self.run_at),
            attempts: u32::try_from(self.attempts).map_err(|_| corrupt("job attempts"))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OutboxRow {
    pub id: Uuid,
    pub topic: String,
    pub payload: String,
    pub created_at: i64,
}

impl OutboxRow {
    pub fn into_event(self) -> StoreResult<OutboxEvent> {
        Ok(OutboxEvent {
            id: self.id.into(),
            topic: self.topic,
            payload: from_json(&self.payload, "outbox payload")?,
            created_at: Timestamp(self.created_at),
        })
    }
}

//! Orders with lines and timeline, payments, idempotency records, jobs,
//! outbox events.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;
use uuid::fmt::Hyphenated;
use yc_domain::Timestamp;
use yc_domain::aftersales::InsuranceSource;
use yc_domain::order::{
    Order, OrderEvent, OrderInsurance, OrderLine, OrderStatus, ShippingAddress,
};
use yc_domain::payment::{Payment, PaymentMethod, PaymentStatus};
use yc_store::{IdempotencyRecord, Job, OutboxEvent, StoreResult};

use super::{corrupt, from_json, id, money, small};

pub(crate) fn order_status(s: &str) -> StoreResult<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| corrupt("order status"))
}

pub(crate) fn payment_status(s: &str) -> StoreResult<PaymentStatus> {
    PaymentStatus::parse(s).ok_or_else(|| corrupt("payments.status"))
}

pub(crate) fn payment_method(s: &str) -> StoreResult<PaymentMethod> {
    PaymentMethod::parse(s).ok_or_else(|| corrupt("payments.method"))
}

macro_rules! order_columns {
    () => {
        "id, buyer_id, merchant_id, status, total_minor, currency, ship_recipient, ship_phone, \
         ship_region, ship_detail, created_at, pay_deadline, flash_sale_id, insurance_source, \
         insurance_premium_minor, insurance_claimed"
    };
}
pub(crate) use order_columns;

#[derive(FromRow)]
pub(crate) struct OrderRow {
    pub(crate) id: Hyphenated,
    buyer_id: Hyphenated,
    merchant_id: Hyphenated,
    status: String,
    total_minor: i64,
    currency: String,
    ship_recipient: String,
    ship_phone: String,
    ship_region: String,
    ship_detail: String,
    created_at: i64,
    pay_deadline: i64,
    flash_sale_id: Option<Hyphenated>,
    insurance_source: Option<String>,
    insurance_premium_minor: i64,
    insurance_claimed: i64,
}

#[derive(FromRow)]
pub(crate) struct OrderLineRow {
    order_id: Hyphenated,
    sku_id: Hyphenated,
    product_id: Hyphenated,
    title: String,
    spec_label: String,
    image: Option<String>,
    unit_price_minor: i64,
    quantity: i64,
    line_total_minor: i64,
    currency: String,
    product_kind: String,
    no_reason_days: Option<i64>,
}

#[derive(FromRow)]
pub(crate) struct OrderEventRow {
    order_id: Hyphenated,
    status: String,
    at: i64,
    note: String,
}

/// Joins orders (kept in their order) with lines (by position) and timeline
/// events (oldest first).
pub(crate) fn assemble_orders(
    orders: Vec<OrderRow>,
    lines: Vec<OrderLineRow>,
    events: Vec<OrderEventRow>,
) -> StoreResult<Vec<Order>> {
    let mut lines_of: HashMap<Uuid, Vec<OrderLine>> = HashMap::new();
    for l in lines {
        let line = OrderLine {
            sku_id: id(l.sku_id),
            product_id: id(l.product_id),
            title: l.title,
            spec_label: l.spec_label,
            image: l.image,
            unit_price: money(l.unit_price_minor, &l.currency)?,
            quantity: small(l.quantity, "order_lines.quantity")?,
            line_total: money(l.line_total_minor, &l.currency)?,
            return_policy: super::return_policy(&l.product_kind, l.no_reason_days)?,
        };
        lines_of
            .entry(l.order_id.into_uuid())
            .or_default()
            .push(line);
    }
    let mut events_of: HashMap<Uuid, Vec<OrderEvent>> = HashMap::new();
    for e in events {
        let event = OrderEvent {
            status: order_status(&e.status)?,
            at: Timestamp(e.at),
            note: e.note,
        };
        events_of
            .entry(e.order_id.into_uuid())
            .or_default()
            .push(event);
    }
    orders
        .into_iter()
        .map(|o| {
            let key = o.id.into_uuid();
            Ok(Order {
                id: id(o.id),
                buyer_id: id(o.buyer_id),
                merchant_id: id(o.merchant_id),
                status: order_status(&o.status)?,
                lines: lines_of.remove(&key).unwrap_or_default(),
                total: money(o.total_minor, &o.currency)?,
                address: ShippingAddress {
                    recipient: o.ship_recipient,
                    phone: o.ship_phone,
                    region: o.ship_region,
                    detail: o.ship_detail,
                },
                created_at: Timestamp(o.created_at),
                pay_deadline: Timestamp(o.pay_deadline),
                timeline: events_of.remove(&key).unwrap_or_default(),
                flash_sale_id: o.flash_sale_id.map(id),
                insurance: insurance(
                    o.insurance_source.as_deref(),
                    o.insurance_premium_minor,
                    o.insurance_claimed,
                    &o.currency,
                )?,
            })
        })
        .collect()
}

fn insurance(
    source: Option<&str>,
    premium_minor: i64,
    claimed: i64,
    currency: &str,
) -> StoreResult<Option<OrderInsurance>> {
    let Some(source) = source else {
        return Ok(None);
    };
    Ok(Some(OrderInsurance {
        source: InsuranceSource::parse(source).ok_or_else(|| corrupt("insurance_source"))?,
        premium: money(premium_minor, currency)?,
        claimed: claimed != 0,
    }))
}

macro_rules! payment_columns {
    () => {
        "id, order_id, buyer_id, method, amount_minor, currency, status, provider_trade_no, \
         created_at, paid_at"
    };
}
pub(crate) use payment_columns;

#[derive(FromRow)]
pub(crate) struct PaymentRow {
    id: Hyphenated,
    order_id: Hyphenated,
    buyer_id: Hyphenated,
    method: String,
    amount_minor: i64,
    currency: String,
    status: String,
    provider_trade_no: Option<String>,
    created_at: i64,
    paid_at: Option<i64>,
}

impl PaymentRow {
    pub(crate) fn into_payment(self) -> StoreResult<Payment> {
        Ok(Payment {
            id: id(self.id),
            order_id: id(self.order_id),
            buyer_id: id(self.buyer_id),
            method: payment_method(&self.method)?,
            amount: money(self.amount_minor, &self.currency)?,
            status: payment_status(&self.status)?,
            provider_trade_no: self.provider_trade_no,
            created_at: Timestamp(self.created_at),
            paid_at: self.paid_at.map(Timestamp),
        })
    }
}

#[derive(FromRow)]
pub(crate) struct IdempotencyRow {
    request_hash: String,
    response: String,
}

impl IdempotencyRow {
    pub(crate) fn into_record(self) -> StoreResult<IdempotencyRecord> {
        Ok(IdempotencyRecord {
            request_hash: self.request_hash,
            response: from_json(&self.response, "idempotency_keys.response")?,
        })
    }
}

#[derive(FromRow)]
pub(crate) struct JobRow {
    id: Hyphenated,
    kind: String,
    payload: String,
    run_at: i64,
    attempts: i64,
}

impl JobRow {
    pub(crate) fn into_job(self) -> StoreResult<Job> {
        Ok(Job {
            id: id(self.id),
            kind: self.kind,
            payload: from_json(&self.payload, "jobs.payload")?,
            run_at: Timestamp(self.run_at),
            attempts: small(self.attempts, "jobs.attempts")?,
        })
    }
}

#[derive(FromRow)]
pub(crate) struct OutboxRow {
    id: Hyphenated,
    topic: String,
    payload: String,
    created_at: i64,
}

impl OutboxRow {
    pub(crate) fn into_event(self) -> StoreResult<OutboxEvent> {
        Ok(OutboxEvent {
            id: id(self.id),
            topic: self.topic,
            payload: from_json(&self.payload, "outbox.payload")?,
            created_at: Timestamp(self.created_at),
        })
    }
}

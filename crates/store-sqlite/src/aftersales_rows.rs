//! After-sales rows → domain.

use std::collections::HashMap;

use sqlx::{FromRow, SqliteConnection};
use uuid::Uuid;
use uuid::fmt::Hyphenated;
use yc_domain::Timestamp;
use yc_domain::aftersales::{AfterSalesRequest, ClaimRecord, Refund, RefundStatus, RequestEvent};
use yc_store::StoreResult;

use crate::error::from_sqlx;
use crate::rows::{corrupt, from_json, id, money, small};
use crate::sql::{enum_parse, key_list};

macro_rules! request_columns {
    () => {
        "id, order_id, buyer_id, merchant_id, sku_id, kind, quantity, reason, reason_text, \
         evidence, state, rule, refund_minor, currency, instant_eligible, opened_at, \
         clock_since, deadline, restocked"
    };
}
pub(crate) use request_columns;

macro_rules! refund_columns {
    () => {
        "id, request_id, order_id, payment_id, amount_minor, currency, status, instant, \
         created_at, paid_at, provider_ref"
    };
}
pub(crate) use refund_columns;

#[derive(FromRow)]
pub(crate) struct RequestRow {
    id: Hyphenated,
    order_id: Hyphenated,
    buyer_id: Hyphenated,
    merchant_id: Hyphenated,
    sku_id: Hyphenated,
    kind: String,
    quantity: i64,
    reason: String,
    reason_text: String,
    evidence: String,
    state: String,
    rule: String,
    refund_minor: i64,
    currency: String,
    instant_eligible: i64,
    opened_at: i64,
    clock_since: i64,
    deadline: Option<i64>,
    restocked: i64,
}

#[derive(FromRow)]
struct EventRow {
    request_id: Hyphenated,
    at: i64,
    state: String,
    transition: Option<String>,
    actor: String,
    rule: Option<String>,
    note: String,
}

#[derive(FromRow)]
pub(crate) struct RefundRow {
    id: Hyphenated,
    request_id: Hyphenated,
    order_id: Hyphenated,
    payment_id: Hyphenated,
    amount_minor: i64,
    currency: String,
    status: String,
    instant: i64,
    created_at: i64,
    paid_at: Option<i64>,
    provider_ref: Option<String>,
}

#[derive(FromRow)]
struct ClaimRow {
    request_id: Hyphenated,
    amount_minor: i64,
    currency: String,
    paid_at: i64,
}

impl RefundRow {
    pub(crate) fn into_refund(self) -> StoreResult<Refund> {
        Ok(Refund {
            id: id(self.id),
            request_id: id(self.request_id),
            order_id: id(self.order_id),
            payment_id: id(self.payment_id),
            amount: money(self.amount_minor, &self.currency)?,
            status: match self.status.as_str() {
                "pending" => RefundStatus::Pending,
                "succeeded" => RefundStatus::Succeeded,
                _ => return Err(corrupt("refunds.status")),
            },
            instant: self.instant != 0,
            created_at: Timestamp(self.created_at),
            paid_at: self.paid_at.map(Timestamp),
            provider_ref: self.provider_ref,
        })
    }
}

impl RequestRow {
    fn into_request(self) -> StoreResult<AfterSalesRequest> {
        Ok(AfterSalesRequest {
            id: id(self.id),
            order_id: id(self.order_id),
            buyer_id: id(self.buyer_id),
            merchant_id: id(self.merchant_id),
            sku_id: id(self.sku_id),
            kind: enum_parse(&self.kind, "aftersales.kind")?,
            quantity: small(self.quantity, "aftersales.quantity")?,
            reason: enum_parse(&self.reason, "aftersales.reason")?,
            reason_text: self.reason_text,
            evidence: from_json(&self.evidence, "aftersales.evidence")?,
            state: enum_parse(&self.state, "aftersales.state")?,
            rule: enum_parse(&self.rule, "aftersales.rule")?,
            refund_amount: money(self.refund_minor, &self.currency)?,
            instant_refund_eligible: self.instant_eligible != 0,
            opened_at: Timestamp(self.opened_at),
            clock_since: Timestamp(self.clock_since),
            deadline: self.deadline.map(Timestamp),
            restocked: self.restocked != 0,
            timeline: Vec::new(),
            refund: None,
            claim: None,
        })
    }
}

/// Joins requests (kept in their order) with timelines, refunds and claims.
pub(crate) async fn assemble(
    conn: &mut SqliteConnection,
    rows: Vec<RequestRow>,
) -> StoreResult<Vec<AfterSalesRequest>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<Uuid> = rows.iter().map(|r| r.id.into_uuid()).collect();
    let keys = key_list(&keys);
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT request_id, at, state, transition, actor, rule, note FROM aftersales_events \
         WHERE request_id IN (SELECT value FROM json_each(?)) ORDER BY request_id, id",
    )
    .bind(&keys)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let refunds: Vec<RefundRow> = sqlx::query_as(concat!(
        "SELECT ",
        refund_columns!(),
        " FROM refunds WHERE request_id IN (SELECT value FROM json_each(?))"
    ))
    .bind(&keys)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let claims: Vec<ClaimRow> = sqlx::query_as(
        "SELECT request_id, amount_minor, currency, paid_at FROM insurance_claims \
         WHERE request_id IN (SELECT value FROM json_each(?))",
    )
    .bind(&keys)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;

    let mut timelines: HashMap<Uuid, Vec<RequestEvent>> = HashMap::new();
    for e in events {
        timelines
            .entry(e.request_id.into_uuid())
            .or_default()
            .push(RequestEvent {
                at: Timestamp(e.at),
                state: enum_parse(&e.state, "aftersales_events.state")?,
                transition: e
                    .transition
                    .as_deref()
                    .map(|t| enum_parse(t, "aftersales_events.transition"))
                    .transpose()?,
                actor: e.actor,
                rule: e
                    .rule
                    .as_deref()
                    .map(|r| enum_parse(r, "aftersales_events.rule"))
                    .transpose()?,
                note: e.note,
            });
    }
    let mut refund_of: HashMap<Uuid, Refund> = HashMap::new();
    for r in refunds {
        refund_of.insert(r.request_id.into_uuid(), r.into_refund()?);
    }
    let mut claim_of: HashMap<Uuid, ClaimRecord> = HashMap::new();
    for c in claims {
        claim_of.insert(
            c.request_id.into_uuid(),
            ClaimRecord {
                amount: money(c.amount_minor, &c.currency)?,
                paid_at: Timestamp(c.paid_at),
            },
        );
    }
    rows.into_iter()
        .map(|row| {
            let key = row.id.into_uuid();
            let mut request = row.into_request()?;
            request.timeline = timelines.remove(&key).unwrap_or_default();
            request.refund = refund_of.remove(&key);
            request.claim = claim_of.remove(&key);
            Ok(request)
        })
        .collect()
}

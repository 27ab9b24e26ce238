//! After-sales rows → domain: requests with their timelines, refunds and
//! 运费险 claims.

use std::collections::HashMap;

use sqlx::PgExecutor;
use uuid::Uuid;
use yc_domain::Timestamp;
use yc_domain::aftersales::{AfterSalesRequest, ClaimRecord, Refund, RefundStatus, RequestEvent};
use yc_store::StoreResult;

use crate::codec::{enum_parse, from_json, money, small};
use crate::error::{corrupt, db_err};

macro_rules! request_columns {
    () => {
        "id, order_id, buyer_id, merchant_id, sku_id, kind, quantity, reason, reason_text, \
         evidence::text AS evidence, state, rule, refund_minor, currency, instant_eligible, \
         opened_at, clock_since, deadline, restocked"
    };
}
macro_rules! refund_columns {
    () => {
        "id, request_id, order_id, payment_id, amount_minor, currency, status, instant, \
         created_at, paid_at, provider_ref"
    };
}
pub(crate) use {refund_columns, request_columns};

#[derive(sqlx::FromRow)]
pub(crate) struct RequestRow {
    id: Uuid,
    order_id: Uuid,
    buyer_id: Uuid,
    merchant_id: Uuid,
    sku_id: Uuid,
    kind: String,
    quantity: i32,
    reason: String,
    reason_text: String,
    evidence: String,
    state: String,
    rule: String,
    refund_minor: i64,
    currency: String,
    instant_eligible: bool,
    opened_at: i64,
    clock_since: i64,
    deadline: Option<i64>,
    restocked: bool,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    request_id: Uuid,
    at: i64,
    state: String,
    transition: Option<String>,
    actor: String,
    rule: Option<String>,
    note: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct RefundRow {
    id: Uuid,
    request_id: Uuid,
    order_id: Uuid,
    payment_id: Uuid,
    amount_minor: i64,
    currency: String,
    status: String,
    instant: bool,
    created_at: i64,
    paid_at: Option<i64>,
    provider_ref: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    request_id: Uuid,
    amount_minor: i64,
    currency: String,
    paid_at: i64,
}

impl RefundRow {
    pub(crate) fn into_refund(self) -> StoreResult<Refund> {
        Ok(Refund {
            id: self.id.into(),
            request_id: self.request_id.into(),
            order_id: self.order_id.into(),
            payment_id: self.payment_id.into(),
            amount: money(self.amount_minor, &self.currency)?,
            status: match self.status.as_str() {
                "pending" => RefundStatus::Pending,
                "succeeded" => RefundStatus::Succeeded,
                _ => return Err(corrupt("refunds.status")),
            },
            instant: self.instant,
            created_at: Timestamp(self.created_at),
            paid_at: self.paid_at.map(Timestamp),
            provider_ref: self.provider_ref,
        })
    }
}

impl EventRow {
    fn into_event(self) -> StoreResult<RequestEvent> {
        Ok(RequestEvent {
            at: Timestamp(self.at),
            state: enum_parse(&self.state, "aftersales_events.state")?,
            transition: self
                .transition
                .as_deref()
                .map(|t| enum_parse(t, "aftersales_events.transition"))
                .transpose()?,
            actor: self.actor,
            rule: self
                .rule
                .as_deref()
                .map(|r| enum_parse(r, "aftersales_events.rule"))
                .transpose()?,
            note: self.note,
        })
    }
}

impl RequestRow {
    fn into_request(self) -> StoreResult<AfterSalesRequest> {
        Ok(AfterSalesRequest {
            id: self.id.into(),
            order_id: self.order_id.into(),
            buyer_id: self.buyer_id.into(),
            merchant_id: self.merchant_id.into(),
            sku_id: self.sku_id.into(),
            kind: enum_parse(&self.kind, "aftersales.kind")?,
            quantity: small(self.quantity, "aftersales.quantity")?,
            reason: enum_parse(&self.reason, "aftersales.reason")?,
            reason_text: self.reason_text,
            evidence: from_json(&self.evidence, "aftersales.evidence")?,
            state: enum_parse(&self.state, "aftersales.state")?,
            rule: enum_parse(&self.rule, "aftersales.rule")?,
            refund_amount: money(self.refund_minor, &self.currency)?,
            instant_refund_eligible: self.instant_eligible,
            opened_at: Timestamp(self.opened_at),
            clock_since: Timestamp(self.clock_since),
            deadline: self.deadline.map(Timestamp),
            restocked: self.restocked,
            timeline: Vec::new(),
            refund: None,
            claim: None,
        })
    }
}

/// Joins requests (kept in their order) with timelines, refunds and claims:
/// three queries whatever the number of requests.
pub(crate) async fn assemble<'c, E>(
    ex: E,
    rows: Vec<RequestRow>,
) -> StoreResult<Vec<AfterSalesRequest>>
where
    E: PgExecutor<'c> + Copy,
{
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT request_id, at, state, transition, actor, rule, note FROM aftersales_events \
         WHERE request_id = ANY($1) ORDER BY request_id, seq",
    )
    .bind(&ids)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    let refunds: Vec<RefundRow> = sqlx::query_as(concat!(
        "SELECT ",
        refund_columns!(),
        " FROM refunds WHERE request_id = ANY($1)"
    ))
    .bind(&ids)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    let claims: Vec<ClaimRow> = sqlx::query_as(
        "SELECT request_id, amount_minor, currency, paid_at FROM insurance_claims \
         WHERE request_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;

    let mut timelines: HashMap<Uuid, Vec<RequestEvent>> = HashMap::new();
    for e in events {
        timelines
            .entry(e.request_id)
            .or_default()
            .push(e.into_event()?);
    }
    let mut refund_of: HashMap<Uuid, Refund> = HashMap::new();
    for r in refunds {
        refund_of.insert(r.request_id, r.into_refund()?);
    }
    let mut claim_of: HashMap<Uuid, ClaimRecord> = HashMap::new();
    for c in claims {
        let claim = ClaimRecord {
            amount: money(c.amount_minor, &c.currency)?,
            paid_at: Timestamp(c.paid_at),
        };
        claim_of.insert(c.request_id, claim);
    }
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            let mut request = row.into_request()?;
            request.timeline = timelines.remove(&id).unwrap_or_default();
            request.refund = refund_of.remove(&id);
            request.claim = claim_of.remove(&id);
            Ok(request)
        })
        .collect()
}

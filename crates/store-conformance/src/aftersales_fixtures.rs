//! Builders for parcels, tracking events, after-sales requests and their
//! moves. Like `fixtures`, everything a foreign key needs (orders,
//! payments) is created through the trait.

use std::sync::Arc;

use serde_json::json;
use yc_domain::aftersales::{
    AfterSalesRequest, Evidence, InsuranceSource, MAX_REQUESTS_PER_LINE, ReasonCode, Refund,
    RefundStatus, RequestEvent, RequestKind, RequestState, Rule, Transition,
};
use yc_domain::catalog::Product;
use yc_domain::fulfilment::{
    Direction, Lane, Province, Shipment, TrackingEvent, TrackingStatus, Waybill,
};
use yc_domain::order::{Order, OrderStatus};
use yc_domain::payment::{Payment, PaymentMethod};
use yc_domain::{AfterSalesId, EventId, RefundId, ShipmentId, Timestamp, UserId};
use yc_store::{
    OpenOutcome, OpenRequestWrite, OutboxEvent, RequestOutcome, RequestTransitionWrite,
    SettleOutcome, ShipWrite, Store, TrackingWrite,
};

use crate::fixtures::{T0, at, insured_order, job, payment, settlement, transition};

pub const CARRIER: &str = "SF";
pub const HOUR_MS: i64 = 3_600_000;

/// Jobs due by `far`, leased once to read their kinds.
pub async fn due_job_kinds(store: &Arc<dyn Store>, far: Timestamp) -> Vec<String> {
    let jobs = store.claim_jobs(far, far.plus_secs(60), 100).await.unwrap();
    jobs.into_iter().map(|j| j.kind).collect()
}

/// 浙江 → 广东: the fixture shop's usual lane (cross-region).
pub fn lane() -> Lane {
    Lane::new(Province::Zhejiang, Province::Guangdong)
}

pub fn outbox(topic: &str, now: Timestamp) -> OutboxEvent {
    let id = EventId::new();
    OutboxEvent {
        id,
        topic: topic.into(),
        payload: json!({ "event": id, "topic": topic }),
        created_at: now,
    }
}

/// An order of `lines` of `product`, created at T0 and paid through a
/// settled payment; read back, so its timeline is the stored one.
pub async fn paid_order(
    store: &Arc<dyn Store>,
    buyer: UserId,
    product: &Product,
    lines: &[(usize, u32)],
    insurance: Option<InsuranceSource>,
) -> (Order, Payment) {
    let new = insured_order(buyer, product, lines, T0, insurance);
    store.create_order(&new).await.unwrap();
    let pay = payment(&new.order, PaymentMethod::Alipay, at(1));
    store.create_payment(&pay, None).await.unwrap();
    let trade_no = format!("trade-{}", pay.id);
    let settled = store
        .settle_payment(&settlement(pay.id, &trade_no, at(2)))
        .await
        .unwrap();
    assert_eq!(settled, SettleOutcome::OrderPaid);
    let order = store.get_order(new.order.id).await.unwrap().unwrap();
    (order, pay)
}

pub fn parcel(
    order: &Order,
    direction: Direction,
    request: Option<AfterSalesId>,
    tracking_no: &str,
    lane: Lane,
    shipped_at: Timestamp,
) -> Shipment {
    Shipment {
        id: ShipmentId::new(),
        order_id: order.id,
        request_id: request,
        direction,
        carrier: CARRIER.into(),
        tracking_no: tracking_no.into(),
        lane,
        waybill: Waybill::new(CARRIER, tracking_no, &order.address),
        shipped_at,
        delivered_at: None,
        events: Vec::new(),
    }
}

/// Ships a paid order on `lane()` with one carrier job.
pub fn ship_write(order: &Order, tracking_no: &str, now: Timestamp) -> ShipWrite {
    ShipWrite {
        shipment: parcel(order, Direction::Outbound, None, tracking_no, lane(), now),
        transition: transition(
            order.id,
            OrderStatus::Paid,
            OrderStatus::Shipped,
            false,
            now,
        ),
        jobs: vec![job("carrier_poll", now)],
    }
}

/// The next event of a parcel whose last accepted seq is `expected`; a
/// `Delivered` event records delivery at `now`.
pub fn tracking(
    shipment: ShipmentId,
    expected: u32,
    status: TrackingStatus,
    now: Timestamp,
) -> TrackingWrite {
    let delivered_at = (status == TrackingStatus::Delivered).then_some(now);
    TrackingWrite {
        shipment_id: shipment,
        expected_last_seq: expected,
        event: TrackingEvent {
            seq: expected + 1,
            status,
            at: now,
            city: "杭州".into(),
        },
        delivered_at,
        order: None,
        jobs: Vec::new(),
        outbox: outbox("shipment.tracked", now),
    }
}

/// A request on the order's `line`, awaiting the merchant, asking back
/// `quantity` units at their price.
pub fn request(
    order: &Order,
    line: usize,
    kind: RequestKind,
    quantity: u32,
    now: Timestamp,
) -> AfterSalesRequest {
    let l = &order.lines[line];
    let state = RequestState::AwaitingMerchant;
    AfterSalesRequest {
        id: AfterSalesId::new(),
        order_id: order.id,
        buyer_id: order.buyer_id,
        merchant_id: order.merchant_id,
        sku_id: l.sku_id,
        kind,
        quantity,
        reason: ReasonCode::QualityIssue,
        reason_text: "拉链坏了 \"quoted\" <b>".into(),
        evidence: vec![Evidence {
            url: "/media/evidence/1.jpg".into(),
            content_type: "image/jpeg".into(),
            size_bytes: 1024,
        }],
        state,
        rule: Rule::MerchantResponse48h,
        refund_amount: l.unit_price.checked_mul(quantity).unwrap(),
        instant_refund_eligible: false,
        opened_at: now,
        clock_since: now,
        deadline: Some(now.plus_millis(48 * HOUR_MS)),
        restocked: false,
        timeline: vec![RequestEvent {
            at: now,
            state,
            transition: None,
            actor: "buyer".into(),
            rule: Some(Rule::MerchantResponse48h),
            note: "申请售后".into(),
        }],
        refund: None,
        claim: None,
    }
}

/// Opening `request` on an order in `order_status`, with its timeout job.
pub fn open_write(request: AfterSalesRequest, order_status: OrderStatus) -> OpenRequestWrite {
    let now = request.opened_at;
    OpenRequestWrite {
        order_status,
        max_requests: MAX_REQUESTS_PER_LINE,
        release_units: false,
        refund: None,
        order: None,
        idempotency: None,
        jobs: vec![job("aftersales_timeout", request.deadline.unwrap_or(now))],
        outbox: outbox("aftersales.opened", now),
        request,
    }
}

/// Opens a request of `quantity` units on a paid order's `line`.
pub async fn opened(
    store: &Arc<dyn Store>,
    order: &Order,
    line: usize,
    kind: RequestKind,
    quantity: u32,
    now: Timestamp,
) -> AfterSalesRequest {
    let write = open_write(request(order, line, kind, quantity, now), order.status);
    assert_eq!(
        store.open_request(&write).await.unwrap(),
        OpenOutcome::Opened
    );
    write.request
}

/// The request's money, pending.
pub fn refund_for(request: &AfterSalesRequest, payment: &Payment, now: Timestamp) -> Refund {
    Refund {
        id: RefundId::new(),
        request_id: request.id,
        order_id: request.order_id,
        payment_id: payment.id,
        amount: request.refund_amount,
        status: RefundStatus::Pending,
        instant: false,
        created_at: now,
        paid_at: None,
        provider_ref: None,
    }
}

/// A bare move: its event and outbox event, nothing else.
pub fn request_move(
    request: AfterSalesId,
    from: RequestState,
    transition: Transition,
    to: RequestState,
    now: Timestamp,
) -> RequestTransitionWrite {
    RequestTransitionWrite {
        request_id: request,
        from,
        to,
        idempotency: None,
        clock_since: now,
        deadline: None,
        event: RequestEvent {
            at: now,
            state: to,
            transition: Some(transition),
            actor: "merchant".into(),
            rule: None,
            note: format!("{from:?} → {to:?}"),
        },
        refund: None,
        claim: None,
        free_units: false,
        parcel: None,
        order: None,
        jobs: Vec::new(),
        outbox: outbox("aftersales.moved", now),
    }
}

/// Applies bare moves along `path` from `from`, asserting each applies.
pub async fn advance(
    store: &Arc<dyn Store>,
    request: AfterSalesId,
    from: RequestState,
    path: &[(Transition, RequestState)],
    now: Timestamp,
) {
    let mut state = from;
    for (transition, to) in path {
        let write = request_move(request, state, *transition, *to, now);
        let outcome = store.transition_request(&write).await.unwrap();
        assert_eq!(outcome, RequestOutcome::Applied, "{state:?} → {to:?}");
        state = *to;
    }
}

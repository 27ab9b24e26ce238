//! 申请售后: the buyer opens a request on one line of a paid order.

use serde::{Deserialize, Serialize};
use tracing::instrument;
use yc_domain::account::User;
use yc_domain::aftersales::{
    AfterSalesDraft, AfterSalesRequest, Evidence, MAX_EVIDENCE, MAX_REQUESTS_PER_LINE, OrderFacts,
    ReasonCode, RequestEvent, RequestKind, RequestState, TRUST_WINDOW_MS, buyer_trust_ok, open,
};
use yc_domain::fulfilment::Direction;
use yc_domain::order::{Order, Transition};
use yc_domain::{AfterSalesId, Currency, EventId, Money, OrderId, SkuId, Timestamp};
use yc_store::{OpenOutcome, OpenRequestWrite, OutboxEvent};

use super::RequestView;
use super::step::{payout_job, timeout_job};
use crate::idempotency::{Guard, parse_key, request_hash};
use crate::{ServiceError, ServiceResult, Services};

/// What the buyer sends. Evidence photos are uploaded first
/// (`/api/v1/aftersales/evidence`); here they are named by their paths.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenInput {
    pub order_id: OrderId,
    pub sku_id: SkuId,
    pub kind: RequestKind,
    pub quantity: u32,
    pub reason: ReasonCode,
    #[serde(default)]
    pub reason_text: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}

fn is_dead(state: RequestState) -> bool {
    matches!(
        state,
        RequestState::Closed | RequestState::ArbitrationRefused
    )
}

impl Services {
    /// Opens the request if the rules allow it; with the same idempotency
    /// key and body, answers the first result again.
    #[instrument(skip_all)]
    pub async fn open_aftersales(
        &self,
        user: &User,
        input: OpenInput,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<RequestView> {
        let guard = Guard {
            user_id: user.id,
            scope: "aftersales_open",
            key: parse_key(idempotency_key)?,
            hash: request_hash(&input)?,
        };
        if let Some(view) = self.replay::<AfterSalesRequest>(&guard).await? {
            return Ok(RequestView::of(view));
        }
        let order = self.order(user, input.order_id).await?;
        let evidence = self.resolve_evidence(&input.evidence).await?;
        let draft = AfterSalesDraft {
            order_id: order.id,
            sku_id: input.sku_id,
            kind: input.kind,
            quantity: input.quantity,
            reason: input.reason,
            reason_text: input.reason_text.clone(),
            evidence,
        };
        let now = self.now();
        let others = self.store.order_requests(order.id).await?;
        let facts = self.facts(user, &order, &others, input.sku_id, now).await?;
        let opening =
            open(&draft, &facts, now).map_err(|r| ServiceError::AfterSalesRefused(r.rule))?;
        let request = AfterSalesRequest {
            id: AfterSalesId::new(),
            order_id: order.id,
            buyer_id: user.id,
            merchant_id: order.merchant_id,
            sku_id: draft.sku_id,
            kind: draft.kind,
            quantity: draft.quantity,
            reason: draft.reason,
            reason_text: opening.reason_text.clone(),
            evidence: draft.evidence,
            state: opening.state,
            rule: opening.rule,
            refund_amount: opening.refund,
            instant_refund_eligible: opening.instant_refund_eligible,
            opened_at: now,
            clock_since: now,
            deadline: opening.deadline,
            restocked: false,
            timeline: vec![RequestEvent {
                at: now,
                state: opening.state,
                transition: None,
                actor: "buyer".into(),
                rule: Some(opening.rule),
                note: opening.reason_text.clone(),
            }],
            refund: None,
            claim: None,
        };
        let mut jobs = Vec::new();
        if let Some(at) = opening.deadline {
            jobs.push(timeout_job(&request, at));
        }
        let refund = if opening.state == RequestState::RefundDue && opening.refund.amount_minor > 0
        {
            let refund = self.new_refund(&request, false, now).await?;
            jobs.push(payout_job(&refund, now));
            Some(refund)
        } else {
            None
        };
        let all_released = opening.release_stock
            && released_units(&others).saturating_add(request.quantity) >= total_units(&order);
        let order_move = if all_released {
            Some(self.transition_write(&order, Transition::RefundInFull, "未发货，全部退款")?)
        } else {
            None
        };
        let mut answer = request.clone();
        answer.refund = refund.clone();
        let write = OpenRequestWrite {
            idempotency: Some(guard.write(&answer, now)?),
            order_status: order.status,
            max_requests: MAX_REQUESTS_PER_LINE,
            release_units: opening.release_stock,
            refund,
            order: order_move,
            jobs,
            outbox: OutboxEvent {
                id: EventId::new(),
                topic: "aftersales.opened".into(),
                payload: serde_json::json!({ "request_id": request.id, "order_id": order.id }),
                created_at: now,
            },
            request,
        };
        match self.store.open_request(&write).await {
            Ok(OpenOutcome::Opened) => {
                self.job_signal.notify_one();
                Ok(RequestView::of(answer))
            }
            Ok(OpenOutcome::OrderStatusWas(_)) => Err(ServiceError::Conflict("order_changed")),
            Ok(OpenOutcome::LineLimit) => Err(ServiceError::AfterSalesRefused(
                yc_domain::aftersales::Rule::QuantityExceedsRemaining,
            )),
            Err(yc_store::StoreError::IdempotencyKeyTaken) => self
                .replay::<AfterSalesRequest>(&guard)
                .await?
                .map(RequestView::of)
                .ok_or(ServiceError::IdempotencyMismatch),
            Err(e) => Err(e.into()),
        }
    }

    async fn facts(
        &self,
        user: &User,
        order: &Order,
        others: &[AfterSalesRequest],
        sku: SkuId,
        now: Timestamp,
    ) -> ServiceResult<OrderFacts> {
        let line = order
            .lines
            .iter()
            .find(|l| l.sku_id == sku)
            .ok_or(ServiceError::NotFound("order line"))?;
        let on_line: Vec<&AfterSalesRequest> = others.iter().filter(|r| r.sku_id == sku).collect();
        let already_requested = on_line
            .iter()
            .filter(|r| !is_dead(r.state))
            .map(|r| r.quantity)
            .sum();
        let already_refunded = Money::sum(
            Currency::Cny,
            on_line
                .iter()
                .filter_map(|r| r.refund.as_ref())
                .map(|f| f.amount),
        )?;
        let delivered_at = self
            .store
            .order_shipments(order.id)
            .await?
            .into_iter()
            .find(|s| s.direction == Direction::Outbound)
            .and_then(|s| s.delivered_at);
        let recent = self
            .store
            .buyer_refunds_since(user.id, now.plus_millis(-TRUST_WINDOW_MS))
            .await?;
        Ok(OrderFacts {
            order_status: order.status,
            delivered_at,
            line_quantity: line.quantity,
            already_requested,
            unit_price: line.unit_price,
            line_paid: line.line_total,
            already_refunded,
            buyer_trust_ok: buyer_trust_ok(recent),
            insurance: order.insurance.map(|i| i.policy()),
            previous_requests: u32::try_from(on_line.len()).unwrap_or(u32::MAX),
            policy: line.return_policy,
        })
    }

    /// Evidence paths must name photos uploaded to this node's media dir;
    /// their type and size are read from the files, not trusted.
    async fn resolve_evidence(&self, paths: &[String]) -> ServiceResult<Vec<Evidence>> {
        let mut out = Vec::new();
        // One more than allowed, so the rule (not a silent cut) refuses it.
        for path in paths.iter().take(MAX_EVIDENCE + 1) {
            out.push(self.evidence_file(path).await?);
        }
        Ok(out)
    }
}

fn released_units(requests: &[AfterSalesRequest]) -> u32 {
    requests
        .iter()
        .filter(|r| r.rule == yc_domain::aftersales::Rule::UnshippedInstantRefund)
        .map(|r| r.quantity)
        .sum()
}

fn total_units(order: &Order) -> u32 {
    order.lines.iter().map(|l| l.quantity).sum()
}

//! One request move: the domain decides the next state; this builds the
//! guarded write with everything the move causes.

use tracing::instrument;
use yc_domain::aftersales::{
    AfterSalesRequest, ClaimRecord, RETURN_INSURANCE_PAYOUT_FEN, Refund, RefundStatus,
    RequestEvent, RequestState, Rule, Transition, clock_after, insurance_claim,
};
use yc_domain::fulfilment::Shipment;
use yc_domain::payment::PaymentStatus;
use yc_domain::{EventId, JobId, Money, RefundId, Timestamp};
use yc_store::{NewJob, OutboxEvent, RequestOutcome, RequestTransitionWrite};

use super::RequestView;
use super::jobs::{AFTERSALES_TIMEOUT_JOB, REFUND_PAYOUT_JOB};
use crate::idempotency::Guard;
use crate::{ServiceError, ServiceResult, Services};

/// The request as `write` leaves it: what the move answers.
fn after(request: &AfterSalesRequest, write: &RequestTransitionWrite) -> AfterSalesRequest {
    let mut next = request.clone();
    next.state = write.to;
    next.clock_since = write.clock_since;
    next.deadline = write.deadline;
    next.timeline.push(write.event.clone());
    if write.refund.is_some() {
        next.refund = write.refund.clone();
    }
    next
}

/// Who made a move, as the timeline says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Actor {
    Buyer,
    Merchant,
    Platform,
    Carrier,
    Arbitrator,
}

impl Actor {
    fn as_str(self) -> &'static str {
        match self {
            Actor::Buyer => "buyer",
            Actor::Merchant => "merchant",
            Actor::Platform => "platform",
            Actor::Carrier => "carrier",
            Actor::Arbitrator => "arbitrator",
        }
    }
}

/// What else a move carries (a return parcel and its carrier jobs).
#[derive(Default)]
pub(crate) struct Extra {
    pub parcel: Option<Shipment>,
    pub jobs: Vec<NewJob>,
}

pub(crate) fn timeout_job(request: &AfterSalesRequest, at: Timestamp) -> NewJob {
    NewJob {
        id: JobId::new(),
        kind: AFTERSALES_TIMEOUT_JOB.into(),
        payload: serde_json::json!({ "request_id": request.id }),
        run_at: at,
    }
}

pub(crate) fn payout_job(refund: &Refund, now: Timestamp) -> NewJob {
    NewJob {
        id: JobId::new(),
        kind: REFUND_PAYOUT_JOB.into(),
        payload: serde_json::json!({ "refund_id": refund.id }),
        run_at: now,
    }
}

impl Services {
    /// Applies `transition` to the request as it was read. `StateWas` means
    /// someone else moved it first and nothing was written.
    #[instrument(skip_all, fields(request_id = %request.id, transition = ?transition))]
    pub(crate) async fn step(
        &self,
        request: &AfterSalesRequest,
        transition: Transition,
        actor: Actor,
        note: &str,
        extra: Extra,
    ) -> ServiceResult<RequestOutcome> {
        let write = self
            .step_write(request, transition, actor, note, extra)
            .await?;
        let outcome = self.store.transition_request(&write).await?;
        if outcome == RequestOutcome::Applied {
            self.job_signal.notify_one();
        }
        Ok(outcome)
    }

    /// A move asked for with an Idempotency-Key: the answer (the request as
    /// the move leaves it) is stored with the move; a retry replays it.
    pub(crate) async fn keyed_step(
        &self,
        guard: &Guard,
        request: &AfterSalesRequest,
        transition: Transition,
        actor: Actor,
        note: &str,
        extra: Extra,
    ) -> ServiceResult<RequestView> {
        if let Some(answer) = self.replay::<AfterSalesRequest>(guard).await? {
            return Ok(RequestView::of(answer));
        }
        let mut write = self
            .step_write(request, transition, actor, note, extra)
            .await?;
        let answer = after(request, &write);
        write.idempotency = Some(guard.write(&answer, self.now())?);
        match self.store.transition_request(&write).await {
            Ok(RequestOutcome::Applied) => {
                self.job_signal.notify_one();
                Ok(RequestView::of(answer))
            }
            // A concurrent twin of this very call may have made the move.
            Ok(RequestOutcome::StateWas(_)) => self
                .replay::<AfterSalesRequest>(guard)
                .await?
                .map(RequestView::of)
                .ok_or(ServiceError::Conflict("request_changed")),
            Err(yc_store::StoreError::IdempotencyKeyTaken) => self
                .replay::<AfterSalesRequest>(guard)
                .await?
                .map(RequestView::of)
                .ok_or(ServiceError::IdempotencyMismatch),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn step_write(
        &self,
        request: &AfterSalesRequest,
        transition: Transition,
        actor: Actor,
        note: &str,
        extra: Extra,
    ) -> ServiceResult<RequestTransitionWrite> {
        use RequestState as S;
        let to = request.state.apply(request.kind, transition)?;
        let now = self.now();
        let (clock_since, deadline) = clock_after(request.state, to, request.clock_since, now);
        let mut jobs = extra.jobs;
        if let Some(at) = deadline {
            jobs.push(timeout_job(request, at));
        }
        let owes = to == S::RefundDue || transition == Transition::InstantRefund;
        let refund = if owes && request.refund_amount.amount_minor > 0 {
            let refund = self
                .new_refund(request, transition == Transition::InstantRefund, now)
                .await?;
            jobs.push(payout_job(&refund, now));
            Some(refund)
        } else {
            None
        };
        let claim = match transition {
            Transition::CarrierPickedUp => self.claim_for(request, now).await?,
            _ => None,
        };
        Ok(RequestTransitionWrite {
            request_id: request.id,
            from: request.state,
            to,
            idempotency: None,
            clock_since,
            deadline,
            event: RequestEvent {
                at: now,
                state: to,
                transition: Some(transition),
                actor: actor.as_str().into(),
                rule: transition.rule(),
                note: note.to_owned(),
            },
            refund,
            claim,
            free_units: matches!(to, S::Closed | S::ArbitrationRefused),
            parcel: extra.parcel,
            order: None,
            jobs,
            outbox: OutboxEvent {
                id: EventId::new(),
                topic: "aftersales.moved".into(),
                payload: serde_json::json!({
                    "request_id": request.id,
                    "order_id": request.order_id,
                    "from": request.state,
                    "to": to,
                }),
                created_at: now,
            },
        })
    }

    /// The refund row for a request: its amount, back to the order's
    /// successful payment.
    pub(crate) async fn new_refund(
        &self,
        request: &AfterSalesRequest,
        instant: bool,
        now: Timestamp,
    ) -> ServiceResult<Refund> {
        let payment = self
            .store
            .order_payments(request.order_id)
            .await?
            .into_iter()
            .find(|p| p.status == PaymentStatus::Succeeded)
            .ok_or(ServiceError::Conflict("order_has_no_payment"))?;
        Ok(Refund {
            id: RefundId::new(),
            request_id: request.id,
            order_id: request.order_id,
            payment_id: payment.id,
            amount: request.refund_amount,
            status: RefundStatus::Pending,
            instant,
            created_at: now,
            paid_at: None,
            provider_ref: None,
        })
    }

    /// The 运费险 payout due at pickup, if the order has an unclaimed policy.
    async fn claim_for(
        &self,
        request: &AfterSalesRequest,
        now: Timestamp,
    ) -> ServiceResult<Option<ClaimRecord>> {
        let order = self
            .store
            .get_order(request.order_id)
            .await?
            .ok_or(ServiceError::NotFound("order"))?;
        let policy = order.insurance.map(|i| i.policy());
        let payout = Money::cny(RETURN_INSURANCE_PAYOUT_FEN);
        Ok(insurance_claim(policy, request.kind, payout).map(|c| {
            debug_assert_eq!(c.rule, Rule::ShippingInsuranceOnPickup);
            ClaimRecord {
                amount: c.amount,
                paid_at: now,
            }
        }))
    }
}

//! The timed and asynchronous half of after-sales: timeouts, the return
//! pickup (instant refund, 运费险), and refund payouts. Every handler
//! re-reads the request and acts only if the move still applies, so a
//! retried or duplicated job changes nothing.

use tracing::{info, instrument};
use yc_domain::aftersales::{RefundStatus, RequestKind, RequestState, Transition, due_timeout};
use yc_domain::{AfterSalesId, RefundId};
use yc_store::{RefundSettlement, RequestOutcome};

use super::step::{Actor, Extra};
use crate::{ServiceError, ServiceResult, Services};

pub const AFTERSALES_TIMEOUT_JOB: &str = "aftersales_timeout";
pub const RETURN_PICKED_UP_JOB: &str = "return_picked_up";
pub const REFUND_PAYOUT_JOB: &str = "refund_payout";

fn id_in<T: std::str::FromStr>(payload: &serde_json::Value, key: &str) -> ServiceResult<T> {
    payload
        .get(key)
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ServiceError::Internal(format!("job payload without {key}")))
}

/// Fires whatever timeout is due for the request now (none: done).
pub async fn aftersales_timeout_job(
    services: &Services,
    payload: &serde_json::Value,
) -> ServiceResult<()> {
    let id: AfterSalesId = id_in(payload, "request_id")?;
    let request = services.load_request(id).await?;
    let Some(transition) = due_timeout(request.state, request.clock_since, services.now()) else {
        return Ok(());
    };
    let note = transition
        .rule()
        .map_or(String::new(), |r| r.reason_zh().to_owned());
    services
        .step(
            &request,
            transition,
            Actor::Platform,
            &note,
            Extra::default(),
        )
        .await?;
    Ok(())
}

/// The carrier scanned the return: the request moves to picked-up (paying
/// the 运费险 claim), then, if eligible, the instant refund is paid. Two
/// steps, each guarded, so a retry after a crash finishes the second.
#[instrument(skip_all)]
pub async fn return_picked_up_job(
    services: &Services,
    payload: &serde_json::Value,
) -> ServiceResult<()> {
    let id: AfterSalesId = id_in(payload, "request_id")?;
    let mut request = services.load_request(id).await?;
    if request.state == RequestState::ReturnShipped {
        let outcome = services
            .step(
                &request,
                Transition::CarrierPickedUp,
                Actor::Carrier,
                "快递已揽收退货",
                Extra::default(),
            )
            .await?;
        if outcome != RequestOutcome::Applied {
            return Ok(());
        }
        request = services.load_request(id).await?;
    }
    let instant = request.state == RequestState::ReturnPickedUp
        && request.kind == RequestKind::ReturnRefund
        && request.instant_refund_eligible;
    if instant {
        let note = yc_domain::aftersales::Rule::InstantRefundOnPickup.reason_zh();
        services
            .step(
                &request,
                Transition::InstantRefund,
                Actor::Platform,
                note,
                Extra::default(),
            )
            .await?;
    }
    Ok(())
}

/// Sends a refund through the payment provider, idempotently on the refund
/// id, then records it. A provider failure fails the job, which retries
/// with backoff; the provider's idempotency and the guarded settle mean a
/// retry never pays twice.
#[instrument(skip_all)]
pub async fn refund_payout_job(
    services: &Services,
    payload: &serde_json::Value,
) -> ServiceResult<()> {
    let id: RefundId = id_in(payload, "refund_id")?;
    let refund = services
        .store
        .get_refund(id)
        .await?
        .ok_or(ServiceError::NotFound("refund"))?;
    if refund.status == RefundStatus::Succeeded {
        return Ok(());
    }
    let payment = services
        .store
        .get_payment(refund.payment_id)
        .await?
        .ok_or(ServiceError::NotFound("payment"))?;
    let provider = services.payments.provider(payment.method)?;
    let receipt = provider
        .refund(payment.id, refund.amount, &refund.id.to_string())
        .await
        .map_err(|e| ServiceError::Provider(e.to_string()))?;
    let request = services.load_request(refund.request_id).await?;
    let completes = !refund.instant && request.state == RequestState::RefundDue;
    let request_move = if completes {
        Some(
            services
                .step_write(
                    &request,
                    Transition::Refund,
                    Actor::Platform,
                    "退款已原路退回",
                    Extra::default(),
                )
                .await?,
        )
    } else {
        None
    };
    let settled = services
        .store
        .settle_refund(&RefundSettlement {
            refund_id: refund.id,
            provider_ref: receipt.refund_id,
            at: services.now(),
            request: request_move,
        })
        .await?;
    info!(settled, "refund paid");
    Ok(())
}

//! Asynchronous payment notifications. Verified, matched against the
//! payment, then settled in one transaction; a duplicate changes nothing.
//! Forged, tampered and amount-mismatched callbacks are refused and kept
//! in the audit table.

use tracing::{instrument, warn};
use yc_domain::order::{OrderEvent, OrderStatus};
use yc_domain::payment::{Payment, PaymentStatus};
use yc_domain::{EventId, JobId};
use yc_store::{NewJob, OutboxEvent, PaymentSettlement, RejectedCallback, SettleOutcome};

use super::sandbox::SandboxProvider;
use super::{PaymentProvider as _, TradeState};
use crate::{ServiceError, ServiceResult, Services};

pub const SANDBOX_NOTIFY_JOB: &str = "sandbox_notify";

impl Services {
    /// Handles one notification. `Ok` means "acknowledge" (the provider
    /// stops retrying); `CallbackRejected` means it was refused and logged.
    #[instrument(skip_all, fields(channel))]
    pub async fn payment_callback(&self, channel: &str, body: &str) -> ServiceResult<()> {
        match self.settle_callback(channel, body).await {
            Err(ServiceError::CallbackRejected(reason)) => {
                warn!(channel, reason = %reason, "payment callback rejected");
                metrics::counter!("yc_payment_callbacks_total", "result" => "rejected")
                    .increment(1);
                let excerpt: String = body.chars().take(2048).collect();
                let rejected = RejectedCallback {
                    channel: channel.chars().take(32).collect(),
                    reason: reason.clone(),
                    excerpt,
                    at: self.now(),
                };
                self.store.record_rejected_callback(&rejected).await?;
                Err(ServiceError::CallbackRejected(reason))
            }
            other => other,
        }
    }

    async fn settle_callback(&self, channel: &str, body: &str) -> ServiceResult<()> {
        let reject = |why: String| ServiceError::CallbackRejected(why);
        let provider = self
            .payments
            .by_channel(channel)
            .ok_or_else(|| reject("unknown channel".into()))?;
        let note = provider
            .verify_callback(body)
            .map_err(|e| reject(e.to_string()))?;
        let payment = self
            .store
            .get_payment(note.payment_id)
            .await?
            .ok_or_else(|| reject("unknown payment".into()))?;
        if payment.method != provider.method() {
            return Err(reject("channel does not match the payment".into()));
        }
        if note.amount != payment.amount {
            return Err(reject(format!(
                "amount mismatch: notified {} for {}",
                note.amount, payment.amount
            )));
        }
        match note.state {
            TradeState::Success => self.settle(&payment, &note.trade_no).await,
            TradeState::WaitBuyerPay | TradeState::Closed => Ok(()),
        }
    }

    async fn settle(&self, payment: &Payment, trade_no: &str) -> ServiceResult<()> {
        let now = self.now();
        let settlement = PaymentSettlement {
            payment_id: payment.id,
            provider_trade_no: trade_no.to_owned(),
            at: now,
            order_event: OrderEvent {
                status: OrderStatus::Paid,
                at: now,
                note: format!("已通过{}付款", payment.method.label_zh()),
            },
            outbox: OutboxEvent {
                id: EventId::new(),
                topic: "order.pay".into(),
                payload: serde_json::json!({ "order_id": payment.order_id, "payment_id": payment.id, "amount_minor": payment.amount.amount_minor }),
                created_at: now,
            },
        };
        let outcome = self.store.settle_payment(&settlement).await?;
        let label = match outcome {
            SettleOutcome::OrderPaid => "paid",
            SettleOutcome::AlreadySettled(_) => "duplicate",
            SettleOutcome::OrderNotPayable(_) => "refunded",
        };
        metrics::counter!("yc_payment_callbacks_total", "result" => label).increment(1);
        match outcome {
            SettleOutcome::OrderPaid | SettleOutcome::AlreadySettled(_) => Ok(()),
            // Money arrived for an order that can no longer take it (expired,
            // or already paid by another attempt): give it back, never keep both.
            SettleOutcome::OrderNotPayable(_) => self.refund_orphan(payment).await,
        }
    }

    async fn refund_orphan(&self, payment: &Payment) -> ServiceResult<()> {
        let provider = self.payments.provider(payment.method)?;
        let refund_id = format!("orphan-{}", payment.id);
        provider
            .refund(payment.id, payment.amount, &refund_id)
            .await
            .map_err(|e| ServiceError::Provider(e.to_string()))?;
        self.store
            .set_payment_status(
                payment.id,
                PaymentStatus::Succeeded,
                PaymentStatus::Refunded,
            )
            .await?;
        Ok(())
    }

    /// The sandbox cashier's "confirm": returns where to send the buyer.
    /// The notification is delivered from the durable job table, like a
    /// provider that retries until acknowledged.
    pub async fn sandbox_confirm(&self, channel: &str, token: &str) -> ServiceResult<String> {
        let (sandbox, trade) = self.sandbox_trade(channel, token)?;
        let now = self.now();
        if now.millis() >= trade.expires_at {
            return Err(ServiceError::Conflict("payment_window_closed"));
        }
        let body = sandbox.confirm(&trade, now);
        let job = NewJob {
            id: JobId::new(),
            kind: SANDBOX_NOTIFY_JOB.into(),
            payload: serde_json::json!({ "channel": channel, "body": body }),
            run_at: now.plus_millis(self.config.sandbox_notify_delay_ms),
        };
        self.store.schedule_job(&job).await?;
        self.job_signal.notify_one();
        Ok(trade.return_url)
    }

    pub fn sandbox_trade(
        &self,
        channel: &str,
        token: &str,
    ) -> ServiceResult<(&SandboxProvider, super::sandbox::SandboxTrade)> {
        let sandbox = self
            .payments
            .sandboxes
            .iter()
            .find(|s| s.method().as_str() == channel)
            .ok_or(ServiceError::NotFound("payment channel"))?;
        let trade = sandbox
            .open_token(token)
            .ok_or(ServiceError::NotFound("trade"))?;
        Ok((sandbox.as_ref(), trade))
    }
}

pub async fn sandbox_notify_job(
    services: &Services,
    payload: &serde_json::Value,
) -> ServiceResult<()> {
    let channel = payload
        .get("channel")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let body = payload
        .get("body")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    services.payment_callback(channel, body).await
}

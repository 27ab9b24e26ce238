//! A flash batch in the owned form the writer thread takes: every check
//! that needs no database done, JSON encoded, on the caller's side, so the
//! thread spends its time on SQL only. The idempotent answer is not
//! carried: the stored order is the answer (`Order::as_placed`).

use yc_domain::order::{Order, OrderStatus};
use yc_domain::{FlashSaleId, UserId};
use yc_store::{FlashBatch, NewJob, OutboxEvent, StoreError, StoreResult};

use crate::sql::to_json;

/// One buy request.
pub(crate) struct WireItem {
    pub order: Order,
    pub scope: &'static str,
    pub key: String,
    pub request_hash: String,
    /// Units asked for (the order's one line).
    pub quantity: u32,
}

impl WireItem {
    /// The idempotency key's identity (its buyer owns it).
    pub fn identity(&self) -> (UserId, &str, &str) {
        (self.order.buyer_id, self.scope, self.key.as_str())
    }
}

pub(crate) struct WireBatch {
    pub sale_id: FlashSaleId,
    pub items: Vec<WireItem>,
    pub event: OutboxEvent,
    pub event_payload: String,
    pub job: NewJob,
    pub job_payload: String,
}

fn invariant(what: &'static str) -> StoreError {
    tracing::error!(what, "flash batch refused: invariant violated");
    StoreError::Backend(format!("flash batch invariant violated: {what}"))
}

impl WireBatch {
    /// The batch's invariants that need no database: a caller bug must not
    /// persist an order the sale's pool does not account for. One line, a
    /// new unpaid order of this sale with one timeline event, totals that
    /// add up, a key owned by the buyer. (The line's SKU, product, price
    /// and merchant are checked against the locked sale row.)
    pub fn from_batch(batch: &FlashBatch) -> StoreResult<WireBatch> {
        let items = batch
            .items
            .iter()
            .map(|item| {
                let o = &item.order;
                let [line] = o.lines.as_slice() else {
                    return Err(invariant("a flash order has exactly one line"));
                };
                if o.flash_sale_id != Some(batch.sale_id)
                    || o.status != OrderStatus::PendingPayment
                    || o.timeline.len() != 1
                    || !o.is_consistent()
                    || item.idempotency.user_id != o.buyer_id
                {
                    return Err(invariant("flash order does not fit its batch"));
                }
                let k = &item.idempotency;
                Ok(WireItem {
                    order: o.clone(),
                    scope: k.scope,
                    key: k.key.clone(),
                    request_hash: k.request_hash.clone(),
                    quantity: line.quantity,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(WireBatch {
            sale_id: batch.sale_id,
            items,
            event_payload: to_json(&batch.event.payload)?,
            event: batch.event.clone(),
            job_payload: to_json(&batch.expiry_job.payload)?,
            job: batch.expiry_job.clone(),
        })
    }
}

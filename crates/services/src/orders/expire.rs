//! pending_payment → cancelled when the payment window passes. Runs from
//! the durable job table; running it twice releases stock once, because
//! the write is guarded on the status.

use yc_domain::OrderId;
use yc_domain::order::{OrderStatus, Transition};
use yc_store::TransitionOutcome;

use crate::{ServiceError, ServiceResult, Services};

pub async fn expire_order_job(
    services: &Services,
    payload: &serde_json::Value,
) -> ServiceResult<()> {
    let id: OrderId = serde_json::from_value(payload.get("order_id").cloned().unwrap_or_default())?;
    services.expire_order(id).await.map(|_| ())
}

impl Services {
    /// Returns whether this call cancelled the order.
    pub async fn expire_order(&self, id: OrderId) -> ServiceResult<bool> {
        let Some(order) = self.store.get_order(id).await? else {
            return Err(ServiceError::NotFound("order"));
        };
        if order.status != OrderStatus::PendingPayment {
            return Ok(false);
        }
        if order.pay_window_open(self.now()) {
            // Scheduled early (clock skew between nodes): not yet.
            return Err(ServiceError::Conflict("not_yet_due"));
        }
        Ok(matches!(
            self.apply(&order, Transition::Expire, "超时未支付，订单自动取消")
                .await?,
            TransitionOutcome::Applied
        ))
    }
}

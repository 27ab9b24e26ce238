//! delivered → completed: the buyer confirms receipt, or the auto-confirm
//! window (`Config::auto_confirm_days` after delivery) passes.

use yc_domain::OrderId;
use yc_domain::account::User;
use yc_domain::aftersales::DAY_MS;
use yc_domain::order::{IllegalTransition, Order, OrderStatus, Transition};
use yc_store::TransitionOutcome;

use crate::{ServiceError, ServiceResult, Services};

impl Services {
    pub async fn confirm_receipt(&self, user: &User, id: OrderId) -> ServiceResult<Order> {
        let order = self.order(user, id).await?;
        match self
            .apply(&order, Transition::Complete, "买家确认收货")
            .await?
        {
            TransitionOutcome::Applied => self.order(user, id).await,
            TransitionOutcome::StatusWas(from) => {
                Err(ServiceError::IllegalTransition(IllegalTransition {
                    from,
                    transition: Transition::Complete,
                }))
            }
        }
    }
}

/// Completes a delivered order whose window has passed; anything else
/// (already confirmed, not yet due after a clock change) is left alone.
pub async fn auto_complete_job(
    services: &Services,
    payload: &serde_json::Value,
) -> ServiceResult<()> {
    let id: OrderId = payload
        .get("order_id")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ServiceError::Internal("auto_complete job without order_id".into()))?;
    let Some(order) = services.store.get_order(id).await? else {
        return Ok(());
    };
    if order.status != OrderStatus::Delivered {
        return Ok(());
    }
    let delivered_at = order
        .timeline
        .iter()
        .rev()
        .find(|e| e.status == OrderStatus::Delivered)
        .map_or(order.created_at, |e| e.at);
    let due = delivered_at.plus_millis(services.config.auto_confirm_days.saturating_mul(DAY_MS));
    if services.now() < due {
        return Err(ServiceError::Conflict("auto_confirm_not_due"));
    }
    let note = format!("签收{}天后自动确认收货", services.config.auto_confirm_days);
    services.apply(&order, Transition::Complete, &note).await?;
    Ok(())
}

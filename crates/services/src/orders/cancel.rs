//! pending_payment → cancelled, by the buyer. Stock goes back.

use yc_domain::OrderId;
use yc_domain::account::User;
use yc_domain::order::{IllegalTransition, Order, Transition};
use yc_store::TransitionOutcome;

use crate::{ServiceError, ServiceResult, Services};

impl Services {
    pub async fn cancel_order(&self, user: &User, id: OrderId) -> ServiceResult<Order> {
        let order = self.order(user, id).await?;
        match self.apply(&order, Transition::Cancel, "买家取消").await? {
            TransitionOutcome::Applied => self.order(user, id).await,
            // Paid (or expired) in the meantime: say what it is now.
            TransitionOutcome::StatusWas(from) => {
                Err(ServiceError::IllegalTransition(IllegalTransition {
                    from,
                    transition: Transition::Cancel,
                }))
            }
        }
    }
}

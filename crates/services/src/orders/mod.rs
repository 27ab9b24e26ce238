//! Reading orders, and the status moves. One module per transition: each
//! says who may make it and what else happens; `apply` does the guarded write.

mod cancel;
mod complete;
mod expire;

pub use complete::auto_complete_job;
pub use expire::expire_order_job;

use tracing::instrument;
use yc_domain::account::User;
use yc_domain::order::{Order, OrderEvent, OrderStatus, Transition};
use yc_domain::page::{Page, PageRequest};
use yc_domain::{EventId, OrderId};
use yc_store::{OrderTransitionWrite, OutboxEvent, TransitionOutcome};

use crate::{ServiceError, ServiceResult, Services};

impl Services {
    /// The buyer's own order; anyone else's is "not found".
    pub async fn order(&self, user: &User, id: OrderId) -> ServiceResult<Order> {
        let order = self
            .store
            .get_order(id)
            .await?
            .ok_or(ServiceError::NotFound("order"))?;
        if order.buyer_id != user.id {
            return Err(ServiceError::NotFound("order"));
        }
        Ok(order)
    }

    pub async fn orders(
        &self,
        user: &User,
        status: Option<OrderStatus>,
        page: PageRequest,
    ) -> ServiceResult<Page<Order>> {
        let rows = self.store.list_orders(user.id, status, page).await?;
        Ok(Page::from_overfetch(rows, page.size, |o| o.id.as_uuid()))
    }

    /// Checks the move against the state machine, then writes it guarded on
    /// the current status. Returns the outcome; an order that moved on in
    /// the meantime yields `StatusWas`.
    #[instrument(skip_all, fields(order_id = %order.id, transition = transition.as_str()))]
    pub(crate) async fn apply(
        &self,
        order: &Order,
        transition: Transition,
        note: &str,
    ) -> ServiceResult<TransitionOutcome> {
        let write = self.transition_write(order, transition, note)?;
        Ok(self.store.transition_order(&write).await?)
    }

    /// The guarded write for one move, for use cases that write it together
    /// with other changes (shipping, delivery, refunds).
    pub(crate) fn transition_write(
        &self,
        order: &Order,
        transition: Transition,
        note: &str,
    ) -> ServiceResult<OrderTransitionWrite> {
        let to = order.status.apply(transition)?;
        let now = self.now();
        Ok(OrderTransitionWrite {
            order_id: order.id,
            from: order.status,
            to,
            event: OrderEvent {
                status: to,
                at: now,
                note: note.to_owned(),
            },
            release_stock: OrderStatus::releases_stock(transition),
            outbox: OutboxEvent {
                id: EventId::new(),
                topic: format!("order.{}", transition.as_str()),
                payload: serde_json::json!({ "order_id": order.id, "status": to.as_str() }),
                created_at: now,
            },
        })
    }
}

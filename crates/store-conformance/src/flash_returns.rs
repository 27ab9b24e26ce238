//! LiveStore: flash units going back to the sale's pool and the buyer's
//! counter (never to the SKU): a cancel through `transition_order`, and
//! `expire_flash_orders`.

use std::sync::Arc;

use yc_domain::OrderId;
use yc_domain::live::Refusal::CapExceeded;
use yc_domain::order::{OrderEvent, OrderStatus};
use yc_store::FlashOutcome::Refused;
use yc_store::{Store, TransitionOutcome};

use crate::fixtures::{self, at, sku_stock, transition};
use crate::live_fixtures::{
    FLASH_PAY_WINDOW_MS, bought, flash_batch, flash_item, remaining, stored_sale,
};

pub async fn flash_cancel_returns_units_to_pool(store: Arc<dyn Store>) {
    use OrderStatus::{Cancelled, Paid, PendingPayment};
    let (p, sale) = stored_sale(&store, 30, 10, 2).await;
    let a = fixtures::buyer(&store).await.id;
    let order = bought(&store, &sale, &p, a, 2, at(1)).await;
    assert_eq!(remaining(&store, sale.id).await, 8);
    let over = flash_batch(&sale, vec![flash_item(&sale, &p, a, 1, "x", at(2))], at(2));
    let result = store.commit_flash_batch(&over).await.unwrap();
    assert_eq!(result.outcomes, vec![Refused(CapExceeded)]);

    let cancel = transition(order.id, PendingPayment, Cancelled, true, at(3));
    let outcome = store.transition_order(&cancel).await.unwrap();
    assert_eq!(outcome, TransitionOutcome::Applied);
    assert_eq!(remaining(&store, sale.id).await, 10, "back to the pool");
    assert_eq!(
        sku_stock(&store, p.id, sale.sku_id).await,
        20,
        "not to the SKU"
    );
    let stored = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.status, stored.flash_sale_id),
        (Cancelled, Some(sale.id))
    );

    let again = transition(order.id, PendingPayment, Cancelled, true, at(4));
    let outcome = store.transition_order(&again).await.unwrap();
    assert_eq!(outcome, TransitionOutcome::StatusWas(Cancelled));
    assert_eq!(remaining(&store, sale.id).await, 10, "released once");

    // The buyer's counter went down: the full cap is available again.
    let second = bought(&store, &sale, &p, a, 2, at(5)).await;
    assert_eq!(remaining(&store, sale.id).await, 8);
    let pay = transition(second.id, PendingPayment, Paid, false, at(6));
    assert_eq!(
        store.transition_order(&pay).await.unwrap(),
        TransitionOutcome::Applied
    );
    assert_eq!(remaining(&store, sale.id).await, 8);
    assert_eq!(sku_stock(&store, p.id, sale.sku_id).await, 20);
}

async fn status(store: &Arc<dyn Store>, id: OrderId) -> OrderStatus {
    store.get_order(id).await.unwrap().unwrap().status
}

pub async fn expire_flash_orders_due_pending_only(store: Arc<dyn Store>) {
    use OrderStatus::{Cancelled, Paid, PendingPayment};
    const W: i64 = FLASH_PAY_WINDOW_MS;
    let note = "超时未支付，已释放库存";
    let (p, sale) = stored_sale(&store, 40, 20, 3).await;
    let (q, other) = stored_sale(&store, 40, 20, 3).await;
    let (a, b) = (
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
    );
    let o1 = bought(&store, &sale, &p, a, 2, at(0)).await;
    let o2 = bought(&store, &sale, &p, b, 1, at(0)).await;
    let o3 = bought(&store, &sale, &p, a, 1, at(10_000)).await;
    let o4 = bought(&store, &sale, &p, b, 1, at(0)).await;
    let pay = transition(o4.id, PendingPayment, Paid, false, at(1));
    store.transition_order(&pay).await.unwrap();
    let o5 = bought(&store, &other, &q, a, 1, at(0)).await;
    assert_eq!(remaining(&store, sale.id).await, 15);

    assert_eq!(
        store
            .expire_flash_orders(sale.id, at(W - 1), note, 10)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .expire_flash_orders(sale.id, at(W), note, 10)
            .await
            .unwrap(),
        2
    );
    let expired = store.get_order(o1.id).await.unwrap().unwrap();
    let event = OrderEvent {
        status: Cancelled,
        at: at(W),
        note: note.into(),
    };
    assert_eq!(expired.timeline, vec![o1.timeline[0].clone(), event]);
    assert_eq!(expired.status, Cancelled);
    assert_eq!(status(&store, o2.id).await, Cancelled);
    assert_eq!(status(&store, o3.id).await, PendingPayment, "not due yet");
    assert_eq!(status(&store, o4.id).await, Paid, "paid orders stay");
    assert_eq!(
        status(&store, o5.id).await,
        PendingPayment,
        "another sale's"
    );
    assert_eq!(remaining(&store, sale.id).await, 18);
    assert_eq!(remaining(&store, other.id).await, 19);

    assert_eq!(
        store
            .expire_flash_orders(sale.id, at(W), note, 10)
            .await
            .unwrap(),
        0
    );
    assert_eq!(remaining(&store, sale.id).await, 18, "units return once");

    // a's counter dropped from 3 to 1: two more units fit under the cap.
    bought(&store, &sale, &p, a, 2, at(W)).await;
    assert_eq!(remaining(&store, sale.id).await, 16);
    let (late, full) = (at(2 * W), 10);
    assert_eq!(
        store
            .expire_flash_orders(sale.id, late, note, 1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .expire_flash_orders(sale.id, late, note, full)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .expire_flash_orders(sale.id, late, note, full)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        remaining(&store, sale.id).await,
        19,
        "only the paid unit is out"
    );
    assert_eq!(
        store
            .expire_flash_orders(other.id, at(W), note, full)
            .await
            .unwrap(),
        1
    );
    assert_eq!(remaining(&store, other.id).await, 20);
    assert_eq!(
        sku_stock(&store, p.id, sale.sku_id).await,
        20,
        "SKU untouched"
    );
}

//! AfterSalesStore: opening requests (idempotency, the order's status, the
//! line's counters, units going back) — all or nothing.

use std::sync::Arc;

use yc_domain::AfterSalesId;
use yc_domain::aftersales::{RequestKind, RequestState, Transition};
use yc_domain::live::Refusal::CapExceeded;
use yc_domain::order::OrderStatus;
use yc_store::FlashOutcome::Refused;
use yc_store::{OpenOutcome, RequestOutcome, Store, StoreError};

use crate::aftersales_fixtures::{
    HOUR_MS, due_job_kinds, open_write, opened, paid_order, refund_for, request, request_move,
};
use crate::fixtures::{
    self, T0, at, idempotency, placed_order, sku_stock, transition, unpublished_ids,
};
use crate::live_fixtures::{bought, flash_batch, flash_item, remaining, stored_sale};

const SCOPE: &str = "aftersales_open";

async fn absent(store: &Arc<dyn Store>, id: AfterSalesId) {
    assert_eq!(store.get_request(id).await.unwrap(), None, "request kept");
}

pub async fn open_request_writes_everything(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(5000, 10)]).await;
    let (order, pay) = paid_order(&store, buyer.id, &p, &[(0, 2)], None).await;
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 8);

    let mut write = open_write(
        request(&order, 0, RequestKind::RefundOnly, 1, at(10)),
        OrderStatus::Paid,
    );
    write.release_units = true;
    let refund = refund_for(&write.request, &pay, at(10));
    write.refund = Some(refund.clone());
    let id = write.request.id;
    write.idempotency = Some(idempotency(buyer.id, SCOPE, "k-1", id.0));
    assert_eq!(
        store.open_request(&write).await.unwrap(),
        OpenOutcome::Opened
    );

    let mut expected = write.request.clone();
    expected.refund = Some(refund.clone());
    assert_eq!(
        store.get_request(id).await.unwrap(),
        Some(expected.clone()),
        "request, evidence, opening event and refund round-trip"
    );
    assert_eq!(store.get_refund(refund.id).await.unwrap(), Some(refund));
    assert_eq!(
        store.order_requests(order.id).await.unwrap(),
        vec![expected]
    );
    assert_eq!(store.get_request(AfterSalesId::new()).await.unwrap(), None);
    assert_eq!(
        sku_stock(&store, p.id, p.skus[0].id).await,
        9,
        "the unit went back to the SKU"
    );
    let record = store.get_idempotency(buyer.id, SCOPE, "k-1").await.unwrap();
    assert_eq!(
        record.map(|r| r.response),
        Some(write.idempotency.unwrap().response)
    );
    assert!(unpublished_ids(&store).await.contains(&write.outbox.id));
    assert!(
        due_job_kinds(&store, at(49 * HOUR_MS))
            .await
            .contains(&"aftersales_timeout".to_owned())
    );
    assert_eq!(
        store.buyer_refunds_since(buyer.id, at(10)).await.unwrap(),
        1
    );
    assert_eq!(
        store.buyer_refunds_since(buyer.id, at(11)).await.unwrap(),
        0
    );
}

pub async fn open_request_order_status_was_writes_nothing(store: Arc<dyn Store>) {
    use OrderStatus::{Paid, PendingPayment};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let order = placed_order(&store, buyer.id, &p).await;

    let mut write = open_write(request(&order, 0, RequestKind::RefundOnly, 1, at(10)), Paid);
    write.release_units = true;
    write.idempotency = Some(idempotency(buyer.id, SCOPE, "k", write.request.id.0));
    assert_eq!(
        store.open_request(&write).await.unwrap(),
        OpenOutcome::OrderStatusWas(PendingPayment)
    );
    absent(&store, write.request.id).await;
    assert_eq!(store.order_requests(order.id).await.unwrap(), vec![]);
    let record = store.get_idempotency(buyer.id, SCOPE, "k").await.unwrap();
    assert!(record.is_none(), "no idempotency row is kept");
    assert!(!unpublished_ids(&store).await.contains(&write.outbox.id));
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 9, "no release");

    // Once paid, the same key and the line's one unit are still free.
    let pay = transition(order.id, PendingPayment, Paid, false, at(11));
    store.transition_order(&pay).await.unwrap();
    assert_eq!(
        store.open_request(&write).await.unwrap(),
        OpenOutcome::Opened
    );
}

pub async fn open_request_line_limit_writes_nothing(store: Arc<dyn Store>) {
    use RequestState::{AwaitingMerchant, Closed};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, pay) = paid_order(&store, buyer.id, &p, &[(0, 3)], None).await;
    let sku = p.skus[0].id;
    let paid = OrderStatus::Paid;
    opened(&store, &order, 0, RequestKind::RefundOnly, 2, at(10)).await;

    let mut over = open_write(request(&order, 0, RequestKind::RefundOnly, 2, at(11)), paid);
    over.release_units = true;
    let refund = refund_for(&over.request, &pay, at(11));
    over.refund = Some(refund.clone());
    over.idempotency = Some(idempotency(buyer.id, SCOPE, "over", over.request.id.0));
    assert_eq!(
        store.open_request(&over).await.unwrap(),
        OpenOutcome::LineLimit,
        "2 + 2 units > 3"
    );
    absent(&store, over.request.id).await;
    assert_eq!(store.get_refund(refund.id).await.unwrap(), None);
    let record = store
        .get_idempotency(buyer.id, SCOPE, "over")
        .await
        .unwrap();
    assert!(record.is_none(), "no idempotency row is kept");
    assert_eq!(sku_stock(&store, p.id, sku).await, 7, "no release");
    assert!(!unpublished_ids(&store).await.contains(&over.outbox.id));
    assert_eq!(store.buyer_refunds_since(buyer.id, T0).await.unwrap(), 0);

    let second = opened(&store, &order, 0, RequestKind::RefundOnly, 1, at(12)).await;
    let full = open_write(request(&order, 0, RequestKind::RefundOnly, 1, at(13)), paid);
    assert_eq!(
        store.open_request(&full).await.unwrap(),
        OpenOutcome::LineLimit,
        "every unit is held"
    );

    // Ending without money or goods moving frees the units, not the count.
    let mut withdraw = request_move(
        second.id,
        AwaitingMerchant,
        Transition::Cancel,
        Closed,
        at(14),
    );
    withdraw.free_units = true;
    assert_eq!(
        store.transition_request(&withdraw).await.unwrap(),
        RequestOutcome::Applied
    );
    let third = opened(&store, &order, 0, RequestKind::RefundOnly, 1, at(15)).await;
    let mut withdraw = request_move(
        third.id,
        AwaitingMerchant,
        Transition::Cancel,
        Closed,
        at(16),
    );
    withdraw.free_units = true;
    store.transition_request(&withdraw).await.unwrap();
    let fourth = open_write(request(&order, 0, RequestKind::RefundOnly, 1, at(17)), paid);
    assert_eq!(
        store.open_request(&fourth).await.unwrap(),
        OpenOutcome::LineLimit,
        "max_requests were opened on the line"
    );
    absent(&store, fourth.request.id).await;
    assert_eq!(store.order_requests(order.id).await.unwrap().len(), 3);
}

pub async fn open_request_idempotency_key_taken_keeps_nothing(store: Arc<dyn Store>) {
    use OrderStatus::{Cancelled, Paid};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, pay) = paid_order(&store, buyer.id, &p, &[(0, 2)], None).await;
    let (other, other_pay) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;

    // Every unit refunded before shipping: the order is refunded in full.
    let mut first = open_write(request(&order, 0, RequestKind::RefundOnly, 2, at(10)), Paid);
    first.idempotency = Some(idempotency(buyer.id, SCOPE, "k", first.request.id.0));
    first.release_units = true;
    first.refund = Some(refund_for(&first.request, &pay, at(10)));
    first.order = Some(transition(order.id, Paid, Cancelled, false, at(10)));
    assert_eq!(
        store.open_request(&first).await.unwrap(),
        OpenOutcome::Opened
    );
    let cancelled = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(cancelled.status, Cancelled);
    let order_move = first.order.as_ref().unwrap();
    assert_eq!(cancelled.timeline.last(), Some(&order_move.event));
    assert!(
        unpublished_ids(&store)
            .await
            .contains(&order_move.outbox.id)
    );
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 9);

    // A retry: the key is checked first, though the order moved on since.
    let mut retry = open_write(request(&order, 0, RequestKind::RefundOnly, 2, at(11)), Paid);
    retry.idempotency = Some(idempotency(buyer.id, SCOPE, "k", retry.request.id.0));
    match store.open_request(&retry).await {
        Err(StoreError::IdempotencyKeyTaken) => {}
        other => panic!("expected IdempotencyKeyTaken, got {other:?}"),
    }

    // The key on a request that would open: nothing of it is kept.
    let mut reuse = open_write(request(&other, 0, RequestKind::RefundOnly, 1, at(12)), Paid);
    reuse.idempotency = Some(idempotency(buyer.id, SCOPE, "k", reuse.request.id.0));
    reuse.release_units = true;
    let refund = refund_for(&reuse.request, &other_pay, at(12));
    reuse.refund = Some(refund.clone());
    match store.open_request(&reuse).await {
        Err(StoreError::IdempotencyKeyTaken) => {}
        other => panic!("expected IdempotencyKeyTaken, got {other:?}"),
    }
    absent(&store, reuse.request.id).await;
    assert_eq!(store.order_requests(other.id).await.unwrap(), vec![]);
    assert_eq!(store.get_refund(refund.id).await.unwrap(), None);
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 9);
    assert!(!unpublished_ids(&store).await.contains(&reuse.outbox.id));
    let record = store.get_idempotency(buyer.id, SCOPE, "k").await.unwrap();
    assert_eq!(
        record.map(|r| r.response),
        first.idempotency.map(|i| i.response),
        "the record is the first open's"
    );

    // Its line was not counted: the request opens under a fresh key.
    reuse.idempotency = Some(idempotency(buyer.id, SCOPE, "k2", reuse.request.id.0));
    assert_eq!(
        store.open_request(&reuse).await.unwrap(),
        OpenOutcome::Opened
    );
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 10);
}

pub async fn open_request_releases_flash_units_to_pool(store: Arc<dyn Store>) {
    use OrderStatus::{Paid, PendingPayment};
    let (p, sale) = stored_sale(&store, 30, 10, 2).await;
    let a = fixtures::buyer(&store).await.id;
    let order = bought(&store, &sale, &p, a, 2, at(1)).await;
    let pay = transition(order.id, PendingPayment, Paid, false, at(2));
    store.transition_order(&pay).await.unwrap();
    let order = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(remaining(&store, sale.id).await, 8);

    let mut write = open_write(request(&order, 0, RequestKind::RefundOnly, 1, at(5)), Paid);
    write.release_units = true;
    assert_eq!(
        store.open_request(&write).await.unwrap(),
        OpenOutcome::Opened
    );
    assert_eq!(remaining(&store, sale.id).await, 9, "back to the pool");
    assert_eq!(
        sku_stock(&store, p.id, sale.sku_id).await,
        20,
        "not to the SKU"
    );

    // The buyer's counter went down by one: one unit fits the cap, two not.
    let two = flash_batch(
        &sale,
        vec![flash_item(&sale, &p, a, 2, "two", at(6))],
        at(6),
    );
    let result = store.commit_flash_batch(&two).await.unwrap();
    assert_eq!(result.outcomes, vec![Refused(CapExceeded)]);
    bought(&store, &sale, &p, a, 1, at(7)).await;
    assert_eq!(remaining(&store, sale.id).await, 8);
}

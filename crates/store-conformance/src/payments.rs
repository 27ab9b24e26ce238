//! OrderStore: payments, settlement, refunds and method usage.

use std::collections::BTreeMap;
use std::sync::Arc;

use yc_domain::order::OrderStatus;
use yc_domain::payment::{PaymentMethod, PaymentStatus};
use yc_domain::{OrderId, PaymentId};
use yc_store::{SettleOutcome, Store, StoreError, TransitionOutcome};

use crate::fixtures::{self, at, idempotency, payment, settlement, transition};

pub async fn payments_create_get_list(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let order = fixtures::placed_order(&store, buyer.id, &p).await;

    let p1 = payment(&order, PaymentMethod::Alipay, at(1));
    let idem = idempotency(buyer.id, "pay", "pay-1", p1.id.0);
    store.create_payment(&p1, Some(&idem)).await.unwrap();
    let p2 = payment(&order, PaymentMethod::WechatPay, at(2));
    store.create_payment(&p2, None).await.unwrap();

    assert_eq!(store.get_payment(p1.id).await.unwrap(), Some(p1.clone()));
    assert_eq!(store.get_payment(PaymentId::new()).await.unwrap(), None);
    assert_eq!(
        store.order_payments(order.id).await.unwrap(),
        vec![p1.clone(), p2.clone()],
        "oldest first"
    );
    assert!(
        store
            .order_payments(OrderId::new())
            .await
            .unwrap()
            .is_empty()
    );
    let record = store
        .get_idempotency(buyer.id, "pay", "pay-1")
        .await
        .unwrap()
        .expect("idempotency row of the payment");
    assert_eq!(record.response, idem.response);

    let p3 = payment(&order, PaymentMethod::DouyinPay, at(3));
    let reuse = idempotency(buyer.id, "pay", "pay-1", p3.id.0);
    match store.create_payment(&p3, Some(&reuse)).await {
        Err(StoreError::IdempotencyKeyTaken) => {}
        other => panic!("expected IdempotencyKeyTaken, got {other:?}"),
    }
    assert_eq!(
        store.get_payment(p3.id).await.unwrap(),
        None,
        "nothing kept"
    );
    assert_eq!(store.order_payments(order.id).await.unwrap().len(), 2);
}

pub async fn settle_payment_pays_once(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let order = fixtures::placed_order(&store, buyer.id, &p).await;
    let pay = payment(&order, PaymentMethod::Alipay, at(1));
    store.create_payment(&pay, None).await.unwrap();

    let first = settlement(pay.id, "2024TRADE001", at(50));
    assert_eq!(
        store.settle_payment(&first).await.unwrap(),
        SettleOutcome::OrderPaid
    );
    let settled = store.get_payment(pay.id).await.unwrap().unwrap();
    assert_eq!(settled.status, PaymentStatus::Succeeded);
    assert_eq!(settled.provider_trade_no.as_deref(), Some("2024TRADE001"));
    assert_eq!(settled.paid_at, Some(at(50)));
    let paid = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(paid.timeline.last(), Some(&first.order_event));
    assert_eq!(paid.timeline.len(), 2);

    let duplicate = settlement(pay.id, "2024TRADE999", at(60));
    assert_eq!(
        store.settle_payment(&duplicate).await.unwrap(),
        SettleOutcome::AlreadySettled(PaymentStatus::Succeeded)
    );
    assert_eq!(store.get_payment(pay.id).await.unwrap(), Some(settled));
    assert_eq!(store.get_order(order.id).await.unwrap(), Some(paid));
    let outbox = fixtures::unpublished_ids(&store).await;
    assert!(
        outbox.contains(&first.outbox.id),
        "order.paid is in the outbox"
    );
    assert!(!outbox.contains(&duplicate.outbox.id));

    match store
        .settle_payment(&settlement(PaymentId::new(), "X", at(70)))
        .await
    {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown payment must be NotFound, got {other:?}"),
    }
}

pub async fn settle_payment_after_expiry_is_not_payable(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let order = fixtures::placed_order(&store, buyer.id, &p).await;
    let pay = payment(&order, PaymentMethod::WechatPay, at(1));
    store.create_payment(&pay, None).await.unwrap();
    let expire = transition(
        order.id,
        OrderStatus::PendingPayment,
        OrderStatus::Cancelled,
        true,
        at(10),
    );
    assert_eq!(
        store.transition_order(&expire).await.unwrap(),
        TransitionOutcome::Applied
    );
    let cancelled = store.get_order(order.id).await.unwrap().unwrap();

    let late = settlement(pay.id, "LATE-1", at(20));
    assert_eq!(
        store.settle_payment(&late).await.unwrap(),
        SettleOutcome::OrderNotPayable(OrderStatus::Cancelled)
    );
    let got = store.get_payment(pay.id).await.unwrap().unwrap();
    assert_eq!(
        got.status,
        PaymentStatus::Succeeded,
        "the money arrived: the payment is succeeded, to be refunded"
    );
    assert_eq!(got.provider_trade_no.as_deref(), Some("LATE-1"));
    assert_eq!(store.get_order(order.id).await.unwrap(), Some(cancelled));
    assert!(
        !fixtures::unpublished_ids(&store)
            .await
            .contains(&late.outbox.id)
    );

    let refund = store
        .set_payment_status(pay.id, PaymentStatus::Succeeded, PaymentStatus::Refunded)
        .await
        .unwrap();
    assert!(refund);
    let again = store
        .set_payment_status(pay.id, PaymentStatus::Succeeded, PaymentStatus::Refunded)
        .await
        .unwrap();
    assert!(!again, "guarded on from");
    let got = store.get_payment(pay.id).await.unwrap().unwrap();
    assert_eq!(got.status, PaymentStatus::Refunded);
}

pub async fn set_payment_status_is_guarded(store: Arc<dyn Store>) {
    use PaymentStatus::{Closed, Pending, Refunded, Succeeded};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let order = fixtures::placed_order(&store, buyer.id, &p).await;
    let pay = payment(&order, PaymentMethod::DouyinPay, at(1));
    store.create_payment(&pay, None).await.unwrap();

    assert!(
        !store
            .set_payment_status(pay.id, Succeeded, Refunded)
            .await
            .unwrap()
    );
    assert!(
        store
            .set_payment_status(pay.id, Pending, Closed)
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_payment_status(pay.id, Pending, Closed)
            .await
            .unwrap()
    );
    assert_eq!(
        store.get_payment(pay.id).await.unwrap().unwrap().status,
        Closed
    );
    assert_eq!(
        store
            .settle_payment(&settlement(pay.id, "T", at(5)))
            .await
            .unwrap(),
        SettleOutcome::AlreadySettled(Closed),
        "a closed attempt is not settled"
    );
    let order = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(order.status, OrderStatus::PendingPayment);
}

pub async fn payment_method_usage_counts_succeeded_only(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let other = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 50)]).await;
    assert!(
        store
            .payment_method_usage(buyer.id)
            .await
            .unwrap()
            .iter()
            .all(|(_, n)| *n == 0)
    );

    // (payer, method, settle?, refund after?)
    let plan = [
        (buyer.id, PaymentMethod::Alipay, true, false),
        (buyer.id, PaymentMethod::Alipay, true, false),
        (buyer.id, PaymentMethod::WechatPay, false, false),
        (buyer.id, PaymentMethod::DouyinPay, true, true),
        (buyer.id, PaymentMethod::WechatPay, true, false),
        (other.id, PaymentMethod::DouyinPay, true, false),
    ];
    for (i, (payer, method, settle, refund)) in plan.into_iter().enumerate() {
        let order = fixtures::placed_order(&store, payer, &p).await;
        let pay = payment(&order, method, at(i as i64));
        store.create_payment(&pay, None).await.unwrap();
        if settle {
            let s = settlement(pay.id, &format!("T{i}"), at(100));
            store.settle_payment(&s).await.unwrap();
        }
        if refund {
            let done = store
                .set_payment_status(pay.id, PaymentStatus::Succeeded, PaymentStatus::Refunded)
                .await
                .unwrap();
            assert!(done);
        }
    }

    let usage: BTreeMap<PaymentMethod, u64> = store
        .payment_method_usage(buyer.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    let expected = BTreeMap::from([(PaymentMethod::Alipay, 2), (PaymentMethod::WechatPay, 1)]);
    assert_eq!(
        usage, expected,
        "pending and refunded payments do not count"
    );
}

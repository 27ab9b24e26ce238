//! Live flash sales: exact pool, per-buyer caps under racing retries,
//! units back exactly once on expiry, and two nodes on one database.

use crate::harness::World;
use crate::story;
use futures::future::join_all;
use std::collections::HashMap;
use yc_domain::account::User;
use yc_domain::live::{FlashSaleDraft, LiveRoomDraft};
use yc_domain::order::OrderStatus;
use yc_domain::payment::PaymentMethod;
use yc_domain::{FlashSaleId, Money};
use yc_services::payments::PayRequest;
use yc_services::{ServiceError, Services};

/// A room with a sale of `pool` units (cap `cap`) opening in 60 s.
async fn sale(w: &World, pool: i64, cap: u32) -> (User, FlashSaleId, yc_domain::ProductId) {
    let shop = w.merchant("live_shop").await;
    let product = w.product(&shop, pool + 10).await;
    let room = LiveRoomDraft {
        title: "直播".into(),
        stream_url: "/assets/live.mp4".into(),
        poster_url: "/assets/p.jpg".into(),
        pinned: vec![product.id],
    };
    let room = w.services.create_live_room(&shop, room).await.unwrap();
    let draft = FlashSaleDraft {
        sku_id: product.skus[0].id,
        flash_price: Money::cny(990),
        pool_size: pool,
        per_buyer_cap: cap,
        starts_in_secs: 60,
        countdown_secs: 30,
        duration_secs: 600,
        pay_window_minutes: Some(5),
    };
    let view = w
        .services
        .create_flash_sale(&shop, room.id, draft)
        .await
        .unwrap();
    (shop, view.sale.id, product.id)
}

async fn race(
    services: &[Services],
    buyers: &[User],
    sale: FlashSaleId,
    attempts: usize,
) -> Vec<(usize, Result<yc_domain::order::Order, ServiceError>)> {
    let tasks = (0..attempts).map(|i| {
        let s = services[i % services.len()].clone();
        let b = i % buyers.len();
        let buyer = buyers[b].clone();
        // Every third request is a retry of the one before it.
        let key = format!("k-{}", if i % 3 == 2 { i - 1 } else { i });
        tokio::spawn(async move { (b, s.buy_flash(&buyer, sale, 1, Some(&key)).await) })
    });
    join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect()
}

fn check(
    results: &[(usize, Result<yc_domain::order::Order, ServiceError>)],
    pool: usize,
    cap: usize,
) {
    let mut per_buyer: HashMap<usize, std::collections::HashSet<yc_domain::OrderId>> =
        HashMap::new();
    for (b, r) in results {
        match r {
            Ok(o) => {
                per_buyer.entry(*b).or_default().insert(o.id);
            }
            Err(ServiceError::SoldOut { .. }) | Err(ServiceError::Conflict("cap_exceeded")) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    let distinct: usize = per_buyer.values().map(|s| s.len()).sum();
    assert_eq!(distinct, pool, "exactly the pool is sold");
    assert!(
        per_buyer.values().all(|s| s.len() <= cap),
        "no buyer over the cap"
    );
}

story!(flash_sale_sells_exactly_the_pool, |w: World| async move {
    let (_, sale_id, product) = sale(&w, 30, 2).await;
    assert_eq!(
        w.stock_of(product).await,
        10,
        "the pool left the SKU's stock"
    );
    let mut buyers = Vec::new();
    for i in 0..25 {
        buyers.push(w.buyer_with_address(&format!("fan{i}")).await.0);
    }
    let early = w
        .services
        .buy_flash(&buyers[0], sale_id, 1, Some("early"))
        .await;
    assert!(matches!(
        early,
        Err(ServiceError::Conflict("sale_not_open"))
    ));
    w.clock.advance_ms(60_000);
    let results = race(std::slice::from_ref(&w.services), &buyers, sale_id, 150).await;
    check(&results, 30, 2);
    assert_eq!(w.services.flash_sale(sale_id).await.unwrap().remaining, 0);
    let late = w
        .services
        .buy_flash(&buyers[24], sale_id, 1, Some("late"))
        .await;
    assert!(matches!(late, Err(ServiceError::SoldOut { .. })));
});

story!(flash_units_return_once_when_unpaid, |w: World| async move {
    let (_, sale_id, _) = sale(&w, 2, 2).await;
    let (a, _) = w.buyer_with_address("payer").await;
    let (b, _) = w.buyer_with_address("dawdler").await;
    w.clock.advance_ms(60_000);
    let paid = w
        .services
        .buy_flash(&a, sale_id, 1, Some("a1"))
        .await
        .unwrap();
    let unpaid = w
        .services
        .buy_flash(&b, sale_id, 1, Some("b1"))
        .await
        .unwrap();
    assert_eq!(unpaid.total, Money::cny(990), "the flash price");
    let start = w
        .services
        .pay(
            &a,
            PayRequest {
                order_id: paid.id,
                method: PaymentMethod::DouyinPay,
            },
            Some("pay"),
        )
        .await
        .unwrap();
    let token = start.redirect_url.split("token=").nth(1).unwrap();
    w.services
        .sandbox_confirm("douyin_pay", token)
        .await
        .unwrap();
    w.services.run_due_jobs().await.unwrap();
    assert_eq!(
        w.services.order(&a, paid.id).await.unwrap().status,
        OrderStatus::Paid
    );
    assert_eq!(w.services.flash_sale(sale_id).await.unwrap().remaining, 0);
    let retried = w.services.buy_flash(&a, sale_id, 1, Some("a1")).await;
    assert_eq!(
        retried.unwrap(),
        paid,
        "a retry after paying replays the first answer"
    );

    w.clock.advance_ms(5 * 60_000 + 2_000);
    w.services.run_due_jobs().await.unwrap();
    assert_eq!(
        w.services.order(&b, unpaid.id).await.unwrap().status,
        OrderStatus::Cancelled
    );
    assert_eq!(
        w.services.order(&a, paid.id).await.unwrap().status,
        OrderStatus::Paid
    );
    assert_eq!(
        w.services.flash_sale(sale_id).await.unwrap().remaining,
        1,
        "the unpaid unit is back"
    );
    w.clock.advance_ms(2 * 60_000);
    w.services.run_due_jobs().await.unwrap();
    assert_eq!(
        w.services.flash_sale(sale_id).await.unwrap().remaining,
        1,
        "and only once"
    );
    let retried = w.services.buy_flash(&b, sale_id, 1, Some("b1")).await;
    assert_eq!(
        retried.unwrap(),
        unpaid,
        "a retry after expiry replays; it takes no unit"
    );
    assert_eq!(w.services.flash_sale(sale_id).await.unwrap().remaining, 1);
    w.clock.advance_ms(1_000);
    let again = w
        .services
        .buy_flash(&b, sale_id, 1, Some("b2"))
        .await
        .unwrap();
    assert_eq!(
        again.status,
        OrderStatus::PendingPayment,
        "those still waiting can buy it"
    );
    let cancelled = w.services.cancel_order(&b, again.id).await.unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(
        w.services.flash_sale(sale_id).await.unwrap().remaining,
        1,
        "a cancel returns to the pool"
    );
});

story!(two_nodes_never_oversell, |w: World| async move {
    let (_, sale_id, _) = sale(&w, 40, 3).await;
    let mut buyers = Vec::new();
    for i in 0..30 {
        buyers.push(w.buyer_with_address(&format!("node_fan{i}")).await.0);
    }
    w.clock.advance_ms(60_000);
    let second = w.second_node().await;
    let results = race(&[w.services.clone(), second], &buyers, sale_id, 200).await;
    check(&results, 40, 3);
    assert_eq!(w.services.flash_sale(sale_id).await.unwrap().remaining, 0);
});

story!(
    viewers_share_one_sales_snapshot_per_room,
    |w: World| async move {
        let (_, sale_id, _) = sale(&w, 40, 3).await;
        let room = w.services.flash_sale(sale_id).await.unwrap().sale.room_id;
        let (a, _) = w.buyer_with_address("snap_a").await;
        let (b, _) = w.buyer_with_address("snap_b").await;
        w.clock.advance_ms(60_000);
        let remaining = |views: Vec<yc_services::live::SaleView>| views[0].remaining;
        assert_eq!(remaining(w.services.room_sales(room).await.unwrap()), 40);

        let other = w.second_node().await;
        other.buy_flash(&b, sale_id, 1, Some("on-b")).await.unwrap();
        assert_eq!(
            remaining(w.services.room_sales(room).await.unwrap()),
            40,
            "another node's sale waits for the refresh"
        );
        w.clock.advance_ms(1_001);
        assert_eq!(
            remaining(w.services.room_sales(room).await.unwrap()),
            39,
            "…which reads the store"
        );

        w.services
            .buy_flash(&a, sale_id, 1, Some("on-a"))
            .await
            .unwrap();
        assert_eq!(
            remaining(w.services.room_sales(room).await.unwrap()),
            38,
            "this node's own sale shows at once"
        );
    }
);

story!(
    flash_orders_carry_shop_granted_insurance,
    |w: World| async move {
        let (shop, sale_id, _) = sale(&w, 5, 2).await;
        w.services.set_shop_insurance(&shop, true).await.unwrap();
        let (buyer, _) = w.buyer_with_address("insured_fan").await;
        w.clock.advance_ms(60_000);
        let order = w
            .services
            .buy_flash(&buyer, sale_id, 1, Some("ins-1"))
            .await
            .unwrap();
        let insurance = order.insurance.expect("the shop grants 运费险");
        assert_eq!(
            insurance.source,
            yc_domain::aftersales::InsuranceSource::GrantedByMerchant
        );
        assert_eq!(
            order.total,
            Money::cny(990),
            "granted cover costs the buyer nothing"
        );
        let stored = w.services.order(&buyer, order.id).await.unwrap();
        assert_eq!(stored.insurance, order.insurance);
    }
);

story!(
    sold_out_storm_replays_retries_on_both_nodes,
    |w: World| async move {
        let (_, sale_id, _) = sale(&w, 10, 1).await;
        let mut buyers = Vec::new();
        for i in 0..10 {
            buyers.push(w.buyer_with_address(&format!("storm{i}")).await.0);
        }
        w.clock.advance_ms(60_000);
        let mut placed = Vec::new();
        for (i, b) in buyers.iter().enumerate() {
            let key = format!("first-{i}");
            placed.push(
                w.services
                    .buy_flash(b, sale_id, 1, Some(&key))
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(w.services.flash_sale(sale_id).await.unwrap().remaining, 0);

        // Everyone taps again at once on two nodes: the refusals' keys are
        // checked in batches, and each must still get its own answer.
        let nodes = [w.services.clone(), w.second_node().await];
        let tasks = (0..300).map(|i| {
            let s = nodes[i % 2].clone();
            let b = i % buyers.len();
            let buyer = buyers[b].clone();
            let (key, quantity) = match i % 3 {
                0 => (format!("first-{b}"), 1), // a retry: the first answer
                1 => (format!("first-{b}"), 2), // the key with another body
                _ => (format!("late-{i}"), 1),  // a new tap: sold out
            };
            tokio::spawn(async move {
                (
                    i,
                    b,
                    s.buy_flash(&buyer, sale_id, quantity, Some(&key)).await,
                )
            })
        });
        for joined in join_all(tasks).await {
            let (i, b, answer) = joined.unwrap();
            match (i % 3, answer) {
                (0, Ok(order)) => assert_eq!(order, placed[b], "request {i}"),
                (1, Err(ServiceError::IdempotencyMismatch)) => {}
                (2, Err(ServiceError::SoldOut { .. })) => {}
                (_, other) => panic!("request {i}: unexpected {other:?}"),
            }
        }
        assert_eq!(w.services.flash_sale(sale_id).await.unwrap().remaining, 0);
    }
);

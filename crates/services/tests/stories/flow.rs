//! The watch-and-buy loop: a merchant lists a product on a video, a buyer
//! finds it in the feed, carts it, checks out, pays through the sandbox
//! cashier, and the asynchronous callback marks the order paid.

use crate::story;
use yc_domain::order::OrderStatus;
use yc_domain::page::PageRequest;
use yc_domain::payment::PaymentMethod;
use yc_domain::video::VideoDraft;
use yc_services::checkout::{CreateOrder, LineInput};
use yc_services::payments::PayRequest;

story!(feed_to_paid_order, |w: crate::harness::World| async move {
    let shop = w.merchant("flow_shop").await;
    let product = w.product(&shop, 10).await;
    let draft = VideoDraft {
        title: "好物".into(),
        video_url: "/assets/v.mp4".into(),
        poster_url: "/assets/v.jpg".into(),
        product_ids: vec![product.id],
    };
    let video = w.services.create_video(&shop, draft).await.unwrap();
    let feed = w.services.feed(PageRequest::default()).await.unwrap();
    assert_eq!(feed.items[0].video.id, video.id);
    assert_eq!(feed.items[0].products[0].id, product.id);

    let (buyer, addr) = w.buyer_with_address("flow_buyer").await;
    let sku = product.skus[0].id;
    w.services
        .set_favorite(&buyer, product.id, true)
        .await
        .unwrap();
    assert_eq!(
        w.services
            .favorites(&buyer, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    w.services.cart_add(&buyer, sku, 2).await.unwrap();
    let cart = w.services.cart(&buyer).await.unwrap();
    assert_eq!(cart[0].subtotal.amount_minor, 19800);

    let preview = w
        .services
        .checkout_preview(
            &buyer,
            &[LineInput {
                sku_id: sku,
                quantity: 2,
            }],
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        preview.addresses[0].id, addr.id,
        "the default address comes first"
    );
    let req = CreateOrder {
        lines: vec![LineInput {
            sku_id: sku,
            quantity: 2,
        }],
        address_id: addr.id,
        from_cart: true,
        return_insurance: false,
    };
    let order = w
        .services
        .create_order(&buyer, req, Some("flow-1"))
        .await
        .unwrap();
    assert!(
        w.services.cart(&buyer).await.unwrap().is_empty(),
        "ordered lines leave the cart"
    );
    assert_eq!(order.lines[0].unit_price.amount_minor, 9900);

    let start = w
        .services
        .pay(
            &buyer,
            PayRequest {
                order_id: order.id,
                method: PaymentMethod::WechatPay,
            },
            Some("flow-pay"),
        )
        .await
        .unwrap();
    let token = start.redirect_url.split("token=").nth(1).unwrap();
    let back = w
        .services
        .sandbox_confirm("wechat_pay", token)
        .await
        .unwrap();
    assert_eq!(back, format!("/orders/{}", order.id));
    w.services.run_due_jobs().await.unwrap();
    let paid = w.services.order(&buyer, order.id).await.unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(
        paid.timeline.iter().map(|e| e.status).collect::<Vec<_>>(),
        vec![OrderStatus::PendingPayment, OrderStatus::Paid]
    );
    assert_eq!(
        w.services.payment_methods(&buyer).await.unwrap()[0],
        PaymentMethod::WechatPay,
        "the used method moves to the top"
    );
    assert!(
        w.services.relay_outbox().await.unwrap() >= 2,
        "order.created and order.pay were relayed"
    );
});

//! Builders for live rooms, flash sales and flash batches. Like `fixtures`,
//! everything a foreign key needs is created through the trait.

use std::sync::Arc;

use serde_json::json;
use yc_domain::catalog::Product;
use yc_domain::live::{FlashSale, LiveRoom};
use yc_domain::order::{Order, OrderEvent, OrderLine, OrderStatus, ShippingAddress};
use yc_domain::{
    EventId, FlashSaleId, JobId, LiveRoomId, MerchantId, Money, OrderId, ProductId, Timestamp,
    UserId,
};
use yc_store::{FlashBatch, FlashItem, FlashOutcome, IdempotencyWrite, NewJob, OutboxEvent, Store};

use crate::fixtures::{self, T0, address};

/// The idempotency scope of flash orders.
pub use yc_store::FLASH_SCOPE;
/// Pay window of fixture sales.
pub const FLASH_PAY_WINDOW_MS: i64 = 5 * 60 * 1000;
/// Flash price of fixture sales (their SKUs cost more).
pub const FLASH_PRICE: i64 = 990;

pub fn live_room(merchant_id: MerchantId, pinned: Vec<ProductId>) -> LiveRoom {
    LiveRoom {
        id: LiveRoomId::new(),
        merchant_id,
        title: "今晚8点 秒杀专场".into(),
        stream_url: "/assets/demo/videos/live01.mp4".into(),
        poster_url: "https://cdn.example/live/1.jpg".into(),
        pinned,
        created_at: T0,
    }
}

pub async fn stored_room(store: &Arc<dyn Store>, merchant_id: MerchantId) -> LiveRoom {
    let room = live_room(merchant_id, vec![]);
    store.insert_live_room(&room).await.unwrap();
    room
}

/// A sale of `product`'s first SKU in `room`, opening at `starts_at`.
pub fn flash_sale(
    room: &LiveRoom,
    product: &Product,
    pool_size: i64,
    per_buyer_cap: u32,
    starts_at: Timestamp,
) -> FlashSale {
    FlashSale {
        id: FlashSaleId::new(),
        room_id: room.id,
        merchant_id: room.merchant_id,
        product_id: product.id,
        sku_id: product.skus[0].id,
        flash_price: Money::cny(FLASH_PRICE),
        pool_size,
        per_buyer_cap,
        starts_at,
        countdown_secs: 30,
        ends_at: starts_at.plus_secs(600),
        pay_window_ms: FLASH_PAY_WINDOW_MS,
        created_at: T0,
    }
}

/// A shop, a product with `stock` units of one SKU, a room and a stored
/// sale of `pool` units capped at `cap` per buyer.
pub async fn stored_sale(
    store: &Arc<dyn Store>,
    stock: i64,
    pool: i64,
    cap: u32,
) -> (Product, FlashSale) {
    let shop = fixtures::merchant(store).await;
    let product = fixtures::stored_product(store, shop.id, &[(1990, stock)]).await;
    let room = stored_room(store, shop.id).await;
    let sale = flash_sale(&room, &product, pool, cap, T0);
    store.create_flash_sale(&sale).await.unwrap();
    (product, sale)
}

/// A new unpaid order of `quantity` units at the flash price, as the
/// services build it.
pub fn flash_order(
    sale: &FlashSale,
    product: &Product,
    buyer: UserId,
    quantity: u32,
    now: Timestamp,
) -> Order {
    let sku = product.sku(sale.sku_id).unwrap();
    let line_total = sale.flash_price.checked_mul(quantity).unwrap();
    Order {
        id: OrderId::new(),
        buyer_id: buyer,
        merchant_id: sale.merchant_id,
        status: OrderStatus::PendingPayment,
        lines: vec![OrderLine {
            sku_id: sku.id,
            product_id: product.id,
            title: product.title.clone(),
            spec_label: product.spec_label(sku),
            image: product.media.first().cloned(),
            unit_price: sale.flash_price,
            quantity,
            line_total,
            return_policy: product.return_policy,
        }],
        total: line_total,
        address: ShippingAddress::from(&address(buyer, true)),
        created_at: now,
        pay_deadline: now.plus_millis(sale.pay_window_ms),
        timeline: vec![OrderEvent {
            status: OrderStatus::PendingPayment,
            at: now,
            note: "直播间秒杀".into(),
        }],
        flash_sale_id: Some(sale.id),
        insurance: None,
    }
}

/// A buy request under idempotency `key`; the record's response is the order.
pub fn flash_item(
    sale: &FlashSale,
    product: &Product,
    buyer: UserId,
    quantity: u32,
    key: &str,
    now: Timestamp,
) -> FlashItem {
    let order = flash_order(sale, product, buyer, quantity, now);
    FlashItem {
        idempotency: IdempotencyWrite {
            user_id: buyer,
            scope: FLASH_SCOPE,
            key: key.into(),
            request_hash: format!("hash-{key}-{quantity}"),
            response: serde_json::to_value(&order).unwrap(),
            created_at: now,
        },
        order,
    }
}

/// A batch with its one event and one expiry job (due a pay window after `now`).
pub fn flash_batch(sale: &FlashSale, items: Vec<FlashItem>, now: Timestamp) -> FlashBatch {
    let orders: Vec<OrderId> = items.iter().map(|i| i.order.id).collect();
    FlashBatch {
        sale_id: sale.id,
        event: OutboxEvent {
            id: EventId::new(),
            topic: "flash.orders_created".into(),
            payload: json!({ "sale_id": sale.id, "orders": orders }),
            created_at: now,
        },
        expiry_job: NewJob {
            id: JobId::new(),
            kind: "expire_flash_orders".into(),
            payload: json!({ "sale_id": sale.id }),
            run_at: now.plus_millis(sale.pay_window_ms),
        },
        items,
    }
}

/// The pool's current count.
pub async fn remaining(store: &Arc<dyn Store>, sale: FlashSaleId) -> i64 {
    store.get_flash_sale(sale).await.unwrap().unwrap().remaining
}

/// Commits one single-item batch and asserts it was accepted.
pub async fn bought(
    store: &Arc<dyn Store>,
    sale: &FlashSale,
    product: &Product,
    buyer: UserId,
    quantity: u32,
    now: Timestamp,
) -> Order {
    let key = format!("k-{}", OrderId::new());
    let item = flash_item(sale, product, buyer, quantity, &key, now);
    let order = item.order.clone();
    let result = store
        .commit_flash_batch(&flash_batch(sale, vec![item], now))
        .await
        .unwrap();
    assert_eq!(result.outcomes, vec![FlashOutcome::Accepted]);
    order
}

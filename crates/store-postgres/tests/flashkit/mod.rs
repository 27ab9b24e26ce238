//! Builders for live-room and flash-sale tests: a shop with a room and a
//! sale, flash orders as the service would build them, batches, and a
//! direct connection to a test schema for checks the trait cannot make.

#![allow(dead_code)] // not every test file uses every helper

use std::str::FromStr;
use std::sync::Arc;

use serde_json::json;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use yc_domain::catalog::Product;
use yc_domain::live::{FlashSale, FlashSaleDraft, LiveRoom};
use yc_domain::order::{Order, OrderEvent, OrderLine, OrderStatus, ShippingAddress};
use yc_domain::{EventId, JobId, LiveRoomId, Money, OrderId, Timestamp, UserId};
use yc_store::{FlashBatch, FlashItem, IdempotencyWrite, NewJob, OutboxEvent, Store};
use yc_store_conformance::fixtures::{self, T0};

pub const SCOPE: &str = "flash_order";

/// A shop, a product with one SKU (`stock` units at 99.00), a room pinning
/// it, and a flash sale of `pool` units at 9.90, `cap` per buyer.
pub struct Sale {
    pub product: Product,
    pub room: LiveRoom,
    pub sale: FlashSale,
}

pub fn room(merchant: yc_domain::MerchantId, pinned: Vec<yc_domain::ProductId>) -> LiveRoom {
    LiveRoom {
        id: LiveRoomId::new(),
        merchant_id: merchant,
        title: "源头好物直播间".into(),
        stream_url: "/assets/demo/videos/live01.mp4".into(),
        poster_url: "/assets/demo/live01.jpg".into(),
        pinned,
        created_at: T0,
    }
}

pub fn draft(sku: yc_domain::SkuId, pool: i64, cap: u32, starts_in_secs: i64) -> FlashSaleDraft {
    FlashSaleDraft {
        sku_id: sku,
        flash_price: Money::cny(990),
        pool_size: pool,
        per_buyer_cap: cap,
        starts_in_secs,
        countdown_secs: 30,
        duration_secs: 3600,
        pay_window_minutes: Some(5),
    }
}

pub async fn sale(store: &Arc<dyn Store>, stock: i64, pool: i64, cap: u32) -> Sale {
    let shop = fixtures::merchant(store).await;
    let product = fixtures::stored_product(store, shop.id, &[(9900, stock)]).await;
    let room = room(shop.id, vec![product.id]);
    store.insert_live_room(&room).await.unwrap();
    let sku = &product.skus[0];
    let sale = draft(sku.id, pool, cap, 60)
        .parse(&room, product.id, sku.price, sku.stock, T0)
        .unwrap();
    store.create_flash_sale(&sale).await.unwrap();
    Sale {
        product,
        room,
        sale,
    }
}

/// A flash order of `quantity` units as the service builds it.
pub fn order(s: &Sale, buyer: UserId, quantity: u32, now: Timestamp) -> Order {
    let sku = s.product.sku(s.sale.sku_id).unwrap();
    let line_total = s.sale.flash_price.checked_mul(quantity).unwrap();
    Order {
        id: OrderId::new(),
        buyer_id: buyer,
        merchant_id: s.sale.merchant_id,
        status: OrderStatus::PendingPayment,
        lines: vec![OrderLine {
            sku_id: sku.id,
            product_id: s.product.id,
            title: s.product.title.clone(),
            spec_label: s.product.spec_label(sku),
            image: s.product.media.first().cloned(),
            unit_price: s.sale.flash_price,
            quantity,
            line_total,
            return_policy: s.product.return_policy,
        }],
        total: line_total,
        address: ShippingAddress::from(&fixtures::address(buyer, true)),
        created_at: now,
        pay_deadline: now.plus_millis(s.sale.pay_window_ms),
        timeline: vec![OrderEvent {
            status: OrderStatus::PendingPayment,
            at: now,
            note: String::new(),
        }],
        flash_sale_id: Some(s.sale.id),
        insurance: None,
    }
}

pub fn item(s: &Sale, buyer: UserId, quantity: u32, key: &str, now: Timestamp) -> FlashItem {
    let order = order(s, buyer, quantity, now);
    FlashItem {
        idempotency: IdempotencyWrite {
            user_id: buyer,
            scope: SCOPE,
            key: key.into(),
            request_hash: format!("hash-{key}-{quantity}"),
            response: serde_json::to_value(&order).unwrap(),
            created_at: now,
        },
        order,
    }
}

pub fn batch(s: &Sale, items: Vec<FlashItem>, now: Timestamp) -> FlashBatch {
    FlashBatch {
        sale_id: s.sale.id,
        items,
        event: OutboxEvent {
            id: EventId::new(),
            topic: "flash.batch".into(),
            payload: json!({ "sale_id": s.sale.id }),
            created_at: now,
        },
        expiry_job: NewJob {
            id: JobId::new(),
            kind: "expire_flash_orders".into(),
            payload: json!({ "sale_id": s.sale.id }),
            run_at: now.plus_millis(s.sale.pay_window_ms),
        },
    }
}

/// A direct pool on a test schema (for sums the trait does not offer).
pub async fn db(url: &str, schema: &str) -> PgPool {
    let options = PgConnectOptions::from_str(url)
        .unwrap()
        .options([("search_path", schema)])
        .application_name(schema);
    PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .unwrap()
}

/// Units in the sale's live (not cancelled) orders, per buyer and in all.
pub async fn live_units(db: &PgPool, sale: &FlashSale) -> (i64, Vec<(uuid::Uuid, i64)>) {
    let per_buyer: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
        "SELECT o.buyer_id, sum(l.quantity)::int8 FROM orders o \
         JOIN order_lines l ON l.order_id = o.id \
         WHERE o.flash_sale_id = $1 AND o.status <> 'cancelled' GROUP BY o.buyer_id",
    )
    .bind(sale.id.as_uuid())
    .fetch_all(db)
    .await
    .unwrap();
    (per_buyer.iter().map(|b| b.1).sum(), per_buyer)
}

/// What each buyer holds in a sale (the orders' held units).
pub async fn counters(db: &PgPool, sale: &FlashSale) -> Vec<(uuid::Uuid, i64)> {
    sqlx::query_as(
        "SELECT buyer_id, sum(flash_held)::int8 FROM orders WHERE flash_sale_id = $1 \
         GROUP BY buyer_id HAVING sum(flash_held) > 0 ORDER BY buyer_id",
    )
    .bind(sale.id.as_uuid())
    .fetch_all(db)
    .await
    .unwrap()
}

/// Creates `n` buyers in one statement (benchmarks need thousands).
pub async fn bulk_buyers(db: &PgPool, n: usize) -> Vec<UserId> {
    let ids: Vec<uuid::Uuid> = (0..n).map(|_| uuid::Uuid::now_v7()).collect();
    sqlx::query(
        "INSERT INTO users (id, login, display_name, role, password_hash, created_at) \
         SELECT u.id, 'bulk-' || u.id::text, '买家', 'buyer', 'x', 0 FROM UNNEST($1::uuid[]) AS u(id)",
    )
    .bind(&ids)
    .execute(db)
    .await
    .unwrap();
    ids.into_iter().map(UserId::from).collect()
}

/// A small deterministic generator (no `rand` in this crate).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

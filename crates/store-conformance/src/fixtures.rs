//! Builders for the values cases write. Everything that must exist for a
//! foreign key (users, shops, products) is created through the trait.

use std::sync::Arc;

use serde_json::json;
use uuid::Uuid;
use yc_domain::account::{Merchant, Role, User};
use yc_domain::address::Address;
use yc_domain::aftersales::InsuranceSource;
use yc_domain::cart::Quantity;
use yc_domain::catalog::{Product, ProductStatus, Sku, SpecAxis};
use yc_domain::order::{LineRequest, Order, OrderEvent, OrderStatus, place_order};
use yc_domain::page::{PageRequest, PageSize};
use yc_domain::payment::{Payment, PaymentMethod, PaymentStatus};
use yc_domain::{
    AddressId, EventId, JobId, MerchantId, Money, OrderId, PaymentId, ProductId, SkuId, Timestamp,
    UserId,
};
use yc_store::{
    IdempotencyWrite, NewJob, NewOrder, OrderTransitionWrite, OutboxEvent, PaymentSettlement, Store,
};

/// A fixed clock reading: cases never read the wall clock.
pub const T0: Timestamp = Timestamp(1_700_000_000_000);
/// Payment window of fixture orders.
pub const PAY_WINDOW_MS: i64 = 15 * 60 * 1000;

pub fn at(offset_ms: i64) -> Timestamp {
    T0.plus_millis(offset_ms)
}

pub fn page(size: u32, after: Option<Uuid>) -> PageRequest {
    PageRequest {
        size: PageSize::parse(Some(size)).unwrap(),
        after,
    }
}

/// A login no other case or run can collide with (the random tail of a v7).
pub fn unique_login(prefix: &str) -> String {
    let tail = Uuid::now_v7().simple().to_string();
    format!("{prefix}-{}", &tail[20..])
}

pub fn new_user(role: Role, merchant_id: Option<MerchantId>) -> User {
    User {
        id: UserId::new(),
        login: unique_login(role.as_str()),
        display_name: "张三".into(),
        role,
        merchant_id,
        created_at: T0,
    }
}

pub fn new_merchant_user() -> (User, Merchant) {
    let merchant = Merchant {
        id: MerchantId::new(),
        name: "山野小店".into(),
        province: "浙江省".into(),
        created_at: T0,
        grants_return_insurance: false,
    };
    (new_user(Role::Merchant, Some(merchant.id)), merchant)
}

pub async fn buyer(store: &Arc<dyn Store>) -> User {
    let user = new_user(Role::Buyer, None);
    store
        .create_user(&user, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", None)
        .await
        .unwrap();
    user
}

pub async fn merchant(store: &Arc<dyn Store>) -> Merchant {
    let (user, merchant) = new_merchant_user();
    store
        .create_user(&user, "$argon2id$v=19$fixture", Some(&merchant))
        .await
        .unwrap();
    merchant
}

/// A product with one SKU per `(price_minor, stock)`, not yet stored.
pub fn product(merchant_id: MerchantId, skus: &[(i64, i64)]) -> Product {
    let id = ProductId::new();
    let values: Vec<String> = (0..skus.len()).map(|i| format!("款{i}")).collect();
    Product {
        id,
        merchant_id,
        title: "法式碎花连衣裙".into(),
        description: "夏季新款 \"quoted\" <b>".into(),
        category: "女装".into(),
        media: vec![
            "/assets/demo/p1.jpg".into(),
            "https://cdn.example/p2.jpg".into(),
        ],
        spec_axes: vec![SpecAxis {
            name: "款式".into(),
            values: values.clone(),
        }],
        skus: skus
            .iter()
            .zip(values)
            .map(|((price, stock), value)| Sku {
                id: SkuId::new(),
                product_id: id,
                spec: vec![value],
                price: Money::cny(*price),
                stock: *stock,
            })
            .collect(),
        status: ProductStatus::Active,
        created_at: T0,
        return_policy: Default::default(),
    }
}

/// Inserts `product(merchant, skus)` and returns it.
pub async fn stored_product(
    store: &Arc<dyn Store>,
    merchant_id: MerchantId,
    skus: &[(i64, i64)],
) -> Product {
    let p = product(merchant_id, skus);
    store.insert_product(&p).await.unwrap();
    p
}

pub async fn sku_stock(store: &Arc<dyn Store>, product: ProductId, sku: SkuId) -> i64 {
    let p = store.get_product(product).await.unwrap().expect("product");
    p.sku(sku).expect("sku").stock
}

pub fn address(user_id: UserId, is_default: bool) -> Address {
    Address {
        id: AddressId::new(),
        user_id,
        recipient: "张三".into(),
        phone: "13800138000".into(),
        province: "广东省".into(),
        city: "深圳市".into(),
        district: "南山区".into(),
        detail: "科技园路1号".into(),
        is_default,
    }
}

/// A priced order for `lines` = `(sku index, quantity)` of `product`, with
/// its expiry job and outbox event, removing its SKUs from the cart. The
/// product's `stock` fields are only the pure early check: pass a snapshot
/// with more stock to get past it and exercise the store's decrement.
pub fn new_order(
    buyer: UserId,
    product: &Product,
    lines: &[(usize, u32)],
    now: Timestamp,
) -> NewOrder {
    insured_order(buyer, product, lines, now, None)
}

/// `new_order`, with 运费险 from `insurance` (a bought policy adds its
/// premium to the total).
pub fn insured_order(
    buyer: UserId,
    product: &Product,
    lines: &[(usize, u32)],
    now: Timestamp,
    insurance: Option<InsuranceSource>,
) -> NewOrder {
    let requests: Vec<LineRequest<'_>> = lines
        .iter()
        .map(|(i, q)| LineRequest {
            product,
            sku_id: product.skus[*i].id,
            quantity: Quantity::parse(i64::from(*q)).unwrap(),
        })
        .collect();
    let order = place_order(
        buyer,
        &requests,
        &address(buyer, true),
        now,
        PAY_WINDOW_MS,
        insurance,
    )
    .unwrap();
    NewOrder {
        remove_from_cart: order.lines.iter().map(|l| l.sku_id).collect(),
        idempotency: None,
        expiry_job: NewJob {
            id: JobId::new(),
            kind: "expire_order".into(),
            payload: json!({ "order_id": order.id }),
            run_at: order.pay_deadline,
        },
        event: OutboxEvent {
            id: EventId::new(),
            topic: "order.created".into(),
            payload: json!({ "order_id": order.id, "total": order.total.amount_minor }),
            created_at: now,
        },
        order,
    }
}

pub fn idempotency(user_id: UserId, scope: &'static str, key: &str, id: Uuid) -> IdempotencyWrite {
    IdempotencyWrite {
        user_id,
        scope,
        key: key.into(),
        request_hash: format!("hash-of-{id}"),
        response: json!({ "id": id, "status": 201 }),
        created_at: T0,
    }
}

/// Creates an order of one unit of the product's first SKU and returns it.
pub async fn placed_order(store: &Arc<dyn Store>, buyer: UserId, product: &Product) -> Order {
    let new = new_order(buyer, product, &[(0, 1)], T0);
    store.create_order(&new).await.unwrap();
    new.order
}

pub fn transition(
    order_id: OrderId,
    from: OrderStatus,
    to: OrderStatus,
    release_stock: bool,
    now: Timestamp,
) -> OrderTransitionWrite {
    OrderTransitionWrite {
        order_id,
        from,
        to,
        event: OrderEvent {
            status: to,
            at: now,
            note: format!("{} → {}", from.as_str(), to.as_str()),
        },
        release_stock,
        outbox: OutboxEvent {
            id: EventId::new(),
            topic: format!("order.{}", to.as_str()),
            payload: json!({ "order_id": order_id }),
            created_at: now,
        },
    }
}

pub fn payment(order: &Order, method: PaymentMethod, created_at: Timestamp) -> Payment {
    Payment {
        id: PaymentId::new(),
        order_id: order.id,
        buyer_id: order.buyer_id,
        method,
        amount: order.total,
        status: PaymentStatus::Pending,
        provider_trade_no: None,
        created_at,
        paid_at: None,
    }
}

pub fn settlement(payment: PaymentId, trade_no: &str, now: Timestamp) -> PaymentSettlement {
    PaymentSettlement {
        payment_id: payment,
        provider_trade_no: trade_no.into(),
        at: now,
        order_event: OrderEvent {
            status: OrderStatus::Paid,
            at: now,
            note: "支付成功".into(),
        },
        outbox: OutboxEvent {
            id: EventId::new(),
            topic: "order.paid".into(),
            payload: json!({ "payment_id": payment }),
            created_at: now,
        },
    }
}

/// All orders of a buyer (up to 100), newest first.
pub async fn all_orders(store: &Arc<dyn Store>, buyer: UserId) -> Vec<Order> {
    store
        .list_orders(buyer, None, page(100, None))
        .await
        .unwrap()
}

/// A job of `kind` due at `run_at`, with a nested JSON payload.
pub fn job(kind: &str, run_at: Timestamp) -> NewJob {
    let id = JobId::new();
    NewJob {
        id,
        kind: kind.into(),
        payload: json!({ "job": id, "nested": { "n": [1, 2, 3] } }),
        run_at,
    }
}

/// Ids of the unpublished outbox events (up to 1000).
pub async fn unpublished_ids(store: &Arc<dyn Store>) -> Vec<EventId> {
    let events = store.unpublished_events(1000).await.unwrap();
    events.into_iter().map(|e| e.id).collect()
}

use super::*;
use crate::catalog::{ProductStatus, Sku, SpecAxis};
use crate::{AddressId, SkuId};

fn product(stock: i64) -> Product {
    let id = ProductId::new();
    Product {
        id,
        merchant_id: MerchantId::new(),
        title: "保湿面霜".into(),
        description: String::new(),
        category: "美妆".into(),
        media: vec!["/assets/p.jpg".into()],
        spec_axes: vec![SpecAxis {
            name: "规格".into(),
            values: vec!["50ml".into()],
        }],
        skus: vec![Sku {
            id: SkuId::new(),
            product_id: id,
            spec: vec!["50ml".into()],
            price: Money::cny(12900),
            stock,
        }],
        status: ProductStatus::Active,
        created_at: Timestamp(0),
        return_policy: Default::default(),
    }
}

fn address() -> Address {
    Address {
        id: AddressId::new(),
        user_id: UserId::new(),
        recipient: "张三".into(),
        phone: "13800138000".into(),
        province: "广东省".into(),
        city: "深圳市".into(),
        district: "南山区".into(),
        detail: "科技园路1号".into(),
        is_default: true,
    }
}

/// `quantity` of the one SKU of a fresh product, placed at t = 1 s with a
/// 15-minute pay window.
fn placed(quantity: u32) -> Order {
    let p = product(10);
    let req = [LineRequest {
        product: &p,
        sku_id: p.skus[0].id,
        quantity: Quantity::parse(i64::from(quantity)).unwrap(),
    }];
    place_order(
        UserId::new(),
        &req,
        &address(),
        Timestamp(1000),
        900_000,
        None,
    )
    .unwrap()
}

#[test]
fn snapshots_price_and_spec() {
    let o = placed(2);
    assert_eq!(o.total, Money::cny(25800));
    assert_eq!(o.lines[0].spec_label, "规格:50ml");
    assert_eq!(o.pay_deadline, Timestamp(901_000));
    assert_eq!(o.status, OrderStatus::PendingPayment);
    assert!(o.is_consistent());
}

#[test]
fn refuses_sold_out_hidden_and_empty() {
    let p = product(1);
    let req = [LineRequest {
        product: &p,
        sku_id: p.skus[0].id,
        quantity: Quantity::parse(2).unwrap(),
    }];
    assert!(matches!(
        place_order(UserId::new(), &req, &address(), Timestamp(0), 1, None),
        Err(PlaceOrderError::SoldOut { .. })
    ));
    let mut hidden = product(5);
    hidden.status = ProductStatus::Hidden;
    let req = [LineRequest {
        product: &hidden,
        sku_id: hidden.skus[0].id,
        quantity: Quantity::parse(1).unwrap(),
    }];
    assert!(matches!(
        place_order(UserId::new(), &req, &address(), Timestamp(0), 1, None),
        Err(PlaceOrderError::Unavailable(_))
    ));
    assert!(matches!(
        place_order(UserId::new(), &[], &address(), Timestamp(0), 1, None),
        Err(PlaceOrderError::Invalid(_))
    ));
}

#[test]
fn one_order_is_one_shop() {
    let a = product(5);
    let b = product(5);
    let req = [
        LineRequest {
            product: &a,
            sku_id: a.skus[0].id,
            quantity: Quantity::parse(1).unwrap(),
        },
        LineRequest {
            product: &b,
            sku_id: b.skus[0].id,
            quantity: Quantity::parse(1).unwrap(),
        },
    ];
    let err = place_order(UserId::new(), &req, &address(), Timestamp(0), 1, None).unwrap_err();
    assert!(matches!(err, PlaceOrderError::Invalid(v) if v.code == "mixed_merchants"));
}

#[test]
fn as_placed_is_the_order_as_first_answered() {
    let placed = placed(1);
    let mut later = placed.clone();
    later.status = OrderStatus::Paid;
    later.timeline.push(OrderEvent {
        status: OrderStatus::Paid,
        at: Timestamp(2000),
        note: "paid".into(),
    });
    assert_ne!(later, placed);
    assert_eq!(later.as_placed(), placed);
    assert_eq!(placed.as_placed(), placed);
}

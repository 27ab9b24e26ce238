//! Shared steps of the after-sales stories.

use crate::harness::World;
use yc_domain::account::User;
use yc_domain::address::Address;
use yc_domain::aftersales::{ReasonCode, RequestKind, Rule};
use yc_domain::catalog::Product;
use yc_domain::order::{Order, OrderStatus};
use yc_services::ServiceError;
use yc_services::aftersales::{OpenInput, RequestView};

pub fn input(order: &Order, kind: RequestKind, quantity: u32, reason: ReasonCode) -> OpenInput {
    OpenInput {
        order_id: order.id,
        sku_id: order.lines[0].sku_id,
        kind,
        quantity,
        reason,
        reason_text: "测试".into(),
        evidence: vec![],
    }
}

pub async fn open(w: &World, buyer: &User, input: OpenInput) -> Result<RequestView, ServiceError> {
    let key = uuid::Uuid::now_v7().to_string();
    w.services.open_aftersales(buyer, input, Some(&key)).await
}

pub fn refused(r: Result<RequestView, ServiceError>) -> Rule {
    match r {
        Err(ServiceError::AfterSalesRefused(rule)) => rule,
        other => panic!("expected a rule refusal, got {other:?}"),
    }
}

/// Paid, shipped and delivered `quantity` units of `product`.
pub async fn delivered(
    w: &World,
    shop: &User,
    buyer: &User,
    addr: &Address,
    product: &Product,
    quantity: i64,
    insurance: bool,
) -> Order {
    let order = w
        .paid_order(buyer, addr, product, quantity, insurance)
        .await;
    let shipment = w.ship(shop, &order).await;
    w.deliver_all(shop, &shipment.tracking_no).await;
    let order = w.services.order(buyer, order.id).await.unwrap();
    assert_eq!(order.status, OrderStatus::Delivered);
    order
}

pub fn refunds(w: &World) -> (usize, i64) {
    w.services
        .payments
        .sandboxes
        .iter()
        .map(|s| s.refund_totals())
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

//! A delivered order for the demo buyer, so 申请售后 (and the tracking
//! timeline) can be tried at once. It goes through the real paths: order,
//! sandbox payment and its signed callback, shipping, every carrier event.

use yc_domain::account::User;
use yc_domain::page::PageRequest;
use yc_domain::payment::PaymentMethod;

use crate::checkout::{CreateOrder, LineInput};
use crate::fulfilment::{SANDBOX_CODE, ShipInput};
use crate::payments::PayRequest;
use crate::{ServiceError, ServiceResult, Services};

impl Services {
    pub(crate) async fn demo_delivered_order(
        &self,
        buyer: &User,
        shop: &User,
    ) -> ServiceResult<()> {
        let products = self.my_products(shop, PageRequest::default()).await?;
        let Some(sku) = products
            .items
            .iter()
            .flat_map(|p| p.skus.iter())
            .find(|s| s.stock > 0)
        else {
            return Ok(());
        };
        let address = self
            .addresses(buyer)
            .await?
            .into_iter()
            .next()
            .ok_or(ServiceError::NotFound("address"))?;
        let req = CreateOrder {
            lines: vec![LineInput {
                sku_id: sku.id,
                quantity: 1,
            }],
            address_id: address.id,
            from_cart: false,
            return_insurance: true,
        };
        let order = self.create_order(buyer, req, Some("demo-order")).await?;
        let pay = PayRequest {
            order_id: order.id,
            method: PaymentMethod::Alipay,
        };
        let start = self.pay(buyer, pay, Some("demo-pay")).await?;
        let token = start
            .redirect_url
            .split("token=")
            .nth(1)
            .ok_or(ServiceError::Internal("cashier url without token".into()))?;
        // The buyer "pays" at the cashier; the signed notification is
        // delivered now rather than by the job worker, which may not run yet.
        let channel = PaymentMethod::Alipay.as_str();
        let (sandbox, trade) = self.sandbox_trade(channel, token)?;
        let body = sandbox.confirm(&trade, self.now());
        self.payment_callback(channel, &body).await?;
        let input = ShipInput {
            order_id: order.id,
            carrier: SANDBOX_CODE.into(),
            tracking_no: None,
        };
        let shipment = self.ship_order(shop, input).await?;
        for _ in 0..16 {
            if self
                .sandbox_advance(shop, &shipment.tracking_no)
                .await?
                .is_none()
            {
                break;
            }
        }
        Ok(())
    }
}

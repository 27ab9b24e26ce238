//! Checkout: price the chosen lines, pick the address, create the order
//! with its stock reserved in the same transaction.

use serde::{Deserialize, Serialize};
use tracing::instrument;
use yc_domain::account::User;
use yc_domain::address::Address;
use yc_domain::aftersales::InsuranceSource;
use yc_domain::cart::{MAX_ORDER_LINES, Quantity};
use yc_domain::order::{LineRequest, Order, place_order};
use yc_domain::payment::{PaymentMethod, rank_methods};
use yc_domain::{AddressId, EventId, JobId, SkuId, ValidationError};
use yc_store::{NewJob, NewOrder, OutboxEvent, StoreError};

use crate::idempotency::{Guard, parse_key, request_hash};
use crate::{ServiceError, ServiceResult, Services};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct LineInput {
    pub sku_id: SkuId,
    pub quantity: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CreateOrder {
    pub lines: Vec<LineInput>,
    pub address_id: AddressId,
    /// The lines came from the cart: remove them from it with the order.
    #[serde(default)]
    pub from_cart: bool,
    /// Buy 运费险 (return-shipping insurance) with the order. Ignored when
    /// the shop grants it anyway.
    #[serde(default)]
    pub return_insurance: bool,
}

/// What the checkout page shows before the buyer confirms.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct CheckoutPreview {
    pub order: Order,
    pub addresses: Vec<Address>,
    /// Most-used first.
    pub methods: Vec<PaymentMethod>,
}

pub const EXPIRE_ORDER_JOB: &str = "expire_order";

impl Services {
    /// Prices the lines against the chosen (or default) address without
    /// writing anything.
    pub async fn checkout_preview(
        &self,
        user: &User,
        lines: &[LineInput],
        address: Option<AddressId>,
    ) -> ServiceResult<CheckoutPreview> {
        let addresses = self.addresses(user).await?;
        let chosen = match address {
            Some(id) => addresses
                .iter()
                .find(|a| a.id == id)
                .ok_or(ServiceError::NotFound("address"))?,
            None => addresses.first().ok_or_else(|| {
                ValidationError::new("address_id", "no_address", "add a shipping address first")
            })?,
        };
        let order = self.price(user, lines, chosen, false).await?;
        let methods = self.payment_methods(user).await?;
        Ok(CheckoutPreview {
            order,
            addresses: addresses.clone(),
            methods,
        })
    }

    pub async fn payment_methods(&self, user: &User) -> ServiceResult<Vec<PaymentMethod>> {
        Ok(rank_methods(
            &self.store.payment_method_usage(user.id).await?,
        ))
    }

    /// Creates the order and reserves its stock atomically. With the same
    /// idempotency key and request, returns the first answer again.
    #[instrument(skip_all)]
    pub async fn create_order(
        &self,
        user: &User,
        req: CreateOrder,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<Order> {
        let guard = Guard {
            user_id: user.id,
            scope: "create_order",
            key: parse_key(idempotency_key)?,
            hash: request_hash(&req)?,
        };
        if let Some(order) = self.replay::<Order>(&guard).await? {
            return Ok(order);
        }
        let address = self
            .addresses(user)
            .await?
            .into_iter()
            .find(|a| a.id == req.address_id)
            .ok_or(ServiceError::NotFound("address"))?;
        let order = self
            .price(user, &req.lines, &address, req.return_insurance)
            .await?;
        let now = self.now();
        let new = NewOrder {
            remove_from_cart: if req.from_cart {
                order.lines.iter().map(|l| l.sku_id).collect()
            } else {
                Vec::new()
            },
            idempotency: Some(guard.write(&order, now)?),
            expiry_job: NewJob {
                id: JobId::new(),
                kind: EXPIRE_ORDER_JOB.into(),
                payload: serde_json::json!({ "order_id": order.id }),
                run_at: order.pay_deadline,
            },
            event: OutboxEvent {
                id: EventId::new(),
                topic: "order.created".into(),
                payload: serde_json::json!({ "order_id": order.id, "total_minor": order.total.amount_minor }),
                created_at: now,
            },
            order,
        };
        match self.store.create_order(&new).await {
            Ok(()) => {
                self.job_signal.notify_one();
                metrics::counter!("yc_orders_created_total").increment(1);
                Ok(new.order)
            }
            // A concurrent request with the same key won: answer as it did.
            Err(StoreError::IdempotencyKeyTaken) => self
                .replay::<Order>(&guard)
                .await?
                .ok_or(ServiceError::IdempotencyMismatch),
            Err(e) => Err(e.into()),
        }
    }

    async fn price(
        &self,
        user: &User,
        lines: &[LineInput],
        address: &Address,
        buy_insurance: bool,
    ) -> ServiceResult<Order> {
        if lines.len() > MAX_ORDER_LINES {
            return Err(ValidationError::new(
                "lines",
                "too_many",
                format!("at most {MAX_ORDER_LINES} lines"),
            )
            .into());
        }
        let mut merged: Vec<(SkuId, i64)> = Vec::with_capacity(lines.len());
        for l in lines {
            match merged.iter_mut().find(|(s, _)| *s == l.sku_id) {
                Some((_, q)) => *q = q.saturating_add(l.quantity),
                None => merged.push((l.sku_id, l.quantity)),
            }
        }
        let skus: Vec<SkuId> = merged.iter().map(|(s, _)| *s).collect();
        let products = self.store.products_by_skus(&skus).await?;
        let mut requests = Vec::with_capacity(merged.len());
        for (sku_id, qty) in merged {
            let product = products
                .iter()
                .find(|p| p.sku(sku_id).is_some())
                .ok_or(ServiceError::NotFound("sku"))?;
            requests.push(LineRequest {
                product,
                sku_id,
                quantity: Quantity::parse(qty)?,
            });
        }
        let insurance = match requests.first() {
            Some(r) => {
                self.insurance_for(r.product.merchant_id, buy_insurance)
                    .await?
            }
            None => None,
        };
        let order = place_order(
            user.id,
            &requests,
            address,
            self.now(),
            self.config.pay_window_ms,
            insurance,
        )?;
        debug_assert!(order.is_consistent());
        Ok(order)
    }
}

impl Services {
    /// 运费险 for an order from this shop: granted by the shop, or bought by
    /// the buyer, or none.
    pub(crate) async fn insurance_for(
        &self,
        merchant: yc_domain::MerchantId,
        buyer_opted_in: bool,
    ) -> ServiceResult<Option<InsuranceSource>> {
        let grants = self
            .store
            .get_merchant(merchant)
            .await?
            .is_some_and(|m| m.grants_return_insurance);
        Ok(match (grants, buyer_opted_in) {
            (true, _) => Some(InsuranceSource::GrantedByMerchant),
            (false, true) => Some(InsuranceSource::BoughtAtCheckout),
            (false, false) => None,
        })
    }
}

//! Buying in a flash sale (the hot path) and returning expired units.

use std::sync::Arc;
use tracing::instrument;
use yc_domain::FlashSaleId;
use yc_domain::account::User;
use yc_domain::live::{SaleItem, SalePhase};
use yc_domain::order::Order;

use super::engine::{BuyJob, Lane, SaleSnapshot};
use crate::idempotency::{Guard, parse_key, request_hash};
use crate::{ServiceError, ServiceResult, Services};

pub use yc_store::FLASH_SCOPE;

pub const EXPIRE_FLASH_JOB: &str = "expire_flash";

impl Services {
    /// One tap in a live room: an order for `quantity` units at the flash
    /// price to the buyer's default address, acknowledged once durable.
    #[instrument(skip_all)]
    pub async fn buy_flash(
        &self,
        user: &User,
        sale_id: FlashSaleId,
        quantity: u32,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<Order> {
        let key = parse_key(idempotency_key)?;
        let hash = request_hash(&(sale_id, quantity))?;
        let lane = self.flash_lane(sale_id).await?;
        let now = self.now();
        let sale = &lane.snapshot.sale;
        let refusal = match sale.phase(now, 1) {
            SalePhase::Open | SalePhase::SoldOut if lane.known_sold_out(now) => {
                ServiceError::SoldOut {
                    sku_id: sale.sku_id,
                }
            }
            SalePhase::Open | SalePhase::SoldOut => {
                return self.enqueue(&lane, user, quantity, key, hash).await;
            }
            SalePhase::Ended => ServiceError::Conflict("sale_ended"),
            SalePhase::Scheduled | SalePhase::Countdown => ServiceError::Conflict("sale_not_open"),
        };
        // Refused without the lane; a retry of an accepted request (after
        // the pool emptied or the window closed) still gets its first answer.
        let guard = Guard {
            user_id: user.id,
            scope: FLASH_SCOPE,
            key,
            hash,
        };
        match self.replay::<Order>(&guard).await? {
            Some(order) => Ok(order),
            None => Err(refusal),
        }
    }

    async fn enqueue(
        &self,
        lane: &Lane,
        user: &User,
        quantity: u32,
        key: String,
        hash: String,
    ) -> ServiceResult<Order> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = BuyJob {
            user: user.clone(),
            quantity,
            key,
            hash,
            reply,
        };
        lane.tx
            .try_send(job)
            .map_err(|_| ServiceError::Overloaded)?;
        answer
            .await
            .map_err(|_| ServiceError::Internal("flash lane stopped".into()))?
    }

    /// The sale's lane on this node, starting its writer task if needed.
    async fn flash_lane(&self, id: FlashSaleId) -> ServiceResult<Arc<Lane>> {
        if let Some(lane) = self.flash.lane(id) {
            return Ok(lane);
        }
        let _loading = self.flash.loading.lock().await;
        if let Some(lane) = self.flash.lane(id) {
            return Ok(lane);
        }
        let state = self
            .store
            .get_flash_sale(id)
            .await?
            .ok_or(ServiceError::NotFound("flash sale"))?;
        let product = self
            .store
            .get_product(state.sale.product_id)
            .await?
            .ok_or(ServiceError::NotFound("product"))?;
        let sku = product
            .sku(state.sale.sku_id)
            .ok_or(ServiceError::NotFound("sku"))?;
        let item = SaleItem {
            spec_label: product.spec_label(sku),
            title: product.title.clone(),
            image: product.media.first().cloned(),
            return_policy: product.return_policy,
            insurance: self.insurance_for(state.sale.merchant_id, false).await?,
        };
        let snapshot = SaleSnapshot {
            item,
            sale: state.sale,
        };
        let (lane, rx) = self
            .flash
            .install(snapshot, state.remaining, self.now())
            .ok_or(ServiceError::Internal("flash engine lock".into()))?;
        if let Some(rx) = rx {
            super::engine::spawn_lane(self.clone().run_lane(lane.clone(), rx));
        }
        Ok(lane)
    }
}

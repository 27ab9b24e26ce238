//! Buying in a flash sale (the hot path) and returning expired units.

use serde::Serialize;
use std::sync::Arc;
use tracing::instrument;
use yc_domain::FlashSaleId;
use yc_domain::account::User;
use yc_domain::address::Address;
use yc_domain::live::{SaleItem, SalePhase};
use yc_domain::order::Order;

use super::engine::{BuyJob, Lane, SaleSnapshot};
use super::rooms::SaleView;
use crate::idempotency::{parse_key, request_hash};
use crate::{ServiceError, ServiceResult, Services};

pub use yc_store::FLASH_SCOPE;

pub const EXPIRE_FLASH_JOB: &str = "expire_flash";

/// What the buy sheet shows a signed-in viewer before 立即抢购: the sale,
/// and where a one-tap order ships — the viewer's own default address,
/// unmasked (it is theirs); none means the sheet asks for one first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlashCheckout {
    pub sale: SaleView,
    pub ship_to: Option<Address>,
}

impl Services {
    /// The viewer's one-tap checkout for a sale. Viewers open it during
    /// the countdown, so it reads the address through the same store path
    /// the buy takes: the tap that follows finds it in memory.
    #[instrument(skip_all)]
    pub async fn flash_checkout(
        &self,
        user: &User,
        sale_id: FlashSaleId,
    ) -> ServiceResult<FlashCheckout> {
        let sale = self.flash_sale(sale_id).await?;
        let ship_to = self.ship_to(user).await?;
        // The lane (and the store, see `flash_lane`) is made ready while
        // the countdown runs, not in the sale's first second. The sheet
        // does not depend on it: the first tap would build it anyway.
        if let Err(e) = self.flash_lane(sale_id).await {
            tracing::warn!(error = %e, "could not ready a flash sale's lane");
        }
        Ok(FlashCheckout { sale, ship_to })
    }

    /// Where the user's one-tap orders ship: their default address.
    pub async fn ship_to(&self, user: &User) -> ServiceResult<Option<Address>> {
        Ok(self
            .store
            .default_addresses(&[user.id])
            .await?
            .into_iter()
            .find(|a| a.user_id == user.id))
    }

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
        let placed = self
            .flash
            .key_checks
            .check(&self.store, user.id, key)
            .await?;
        match placed {
            None => Err(refusal),
            Some(record) if record.request_hash == hash => {
                Ok(serde_json::from_value(record.response)?)
            }
            Some(_) => Err(ServiceError::IdempotencyMismatch),
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
            let phase = lane.snapshot.sale.phase(self.now(), 1);
            if matches!(phase, SalePhase::Scheduled | SalePhase::Countdown) {
                self.warm_store(id);
            }
            super::engine::spawn_lane(self.clone().run_lane(lane.clone(), rx));
        }
        Ok(lane)
    }

    /// Readies the store for the sale's first batches (`warm_flash`), in
    /// the background: a failure only costs the first batches that time.
    fn warm_store(&self, id: FlashSaleId) {
        let store = self.store.clone();
        super::engine::spawn_lane(async move {
            if let Err(e) = store.warm_flash(id).await {
                tracing::warn!(error = %e, "could not ready the store for a flash sale");
            }
        });
    }
}

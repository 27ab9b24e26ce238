//! Rooms, pins, sales and comments.

use serde::Serialize;
use tracing::instrument;
use yc_domain::account::User;
use yc_domain::address::mask_name;
use yc_domain::catalog::Product;
use yc_domain::error::bounded_text;
use yc_domain::live::{FlashSale, FlashSaleDraft, LiveRoom, LiveRoomDraft, SalePhase};
use yc_domain::page::{Page, PageRequest};
use yc_domain::video::parse_product_ids;
use yc_domain::{FlashSaleId, LiveRoomId, ProductId};
use yc_store::SaleState;

use super::hub::{Comment, LiveEvent};
use crate::auth::require_merchant;
use crate::catalog::not_found;
use crate::{ServiceError, ServiceResult, Services};

/// How stale a room's shared sales snapshot may get (other nodes' sales).
pub const SALES_TTL_MS: i64 = 1000;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaleView {
    pub sale: FlashSale,
    pub remaining: i64,
    pub phase: SalePhase,
    /// Milliseconds until buying opens (0 once open).
    pub opens_in_ms: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomView {
    pub room: LiveRoom,
    pub pinned: Vec<Product>,
    pub sales: Vec<SaleView>,
    pub viewers: usize,
}

impl Services {
    pub(crate) fn sale_view(&self, s: SaleState) -> SaleView {
        let now = self.now();
        SaleView {
            phase: s.sale.phase(now, s.remaining),
            opens_in_ms: now.millis_until(s.sale.starts_at).max(0),
            remaining: s.remaining,
            sale: s.sale,
        }
    }

    #[instrument(skip_all)]
    pub async fn create_live_room(
        &self,
        actor: &User,
        draft: LiveRoomDraft,
    ) -> ServiceResult<LiveRoom> {
        let merchant = require_merchant(actor)?;
        let room = draft.parse(merchant, self.now())?;
        self.check_products_owned_by(merchant, &room.pinned).await?;
        self.store.insert_live_room(&room).await?;
        Ok(room)
    }

    #[instrument(skip_all)]
    pub async fn pin_products(
        &self,
        actor: &User,
        room: LiveRoomId,
        products: Vec<ProductId>,
    ) -> ServiceResult<LiveRoom> {
        let merchant = require_merchant(actor)?;
        let products = parse_product_ids(products)?;
        self.check_products_owned_by(merchant, &products).await?;
        self.store
            .set_pinned(merchant, room, &products)
            .await
            .map_err(not_found("live room"))
    }

    async fn check_products_owned_by(
        &self,
        merchant: yc_domain::MerchantId,
        ids: &[ProductId],
    ) -> ServiceResult<()> {
        let found = self.store.get_products(ids).await?;
        if ids.iter().all(|id| {
            found
                .iter()
                .any(|p| p.id == *id && p.merchant_id == merchant)
        }) {
            Ok(())
        } else {
            Err(ServiceError::NotFound("product"))
        }
    }

    pub async fn live_rooms(&self, page: PageRequest) -> ServiceResult<Page<LiveRoom>> {
        let rows = self.store.list_live_rooms(page).await?;
        Ok(Page::from_overfetch(rows, page.size, |r| r.id.as_uuid()))
    }

    pub async fn live_room(&self, id: LiveRoomId) -> ServiceResult<RoomView> {
        let room = self
            .store
            .get_live_room(id)
            .await?
            .ok_or(ServiceError::NotFound("live room"))?;
        let products = self.store.get_products(&room.pinned).await?;
        let pinned = room
            .pinned
            .iter()
            .filter_map(|id| products.iter().find(|p| p.id == *id).cloned())
            .collect();
        let sales = self
            .store
            .room_flash_sales(id)
            .await?
            .into_iter()
            .map(|s| self.sale_view(s))
            .collect();
        Ok(RoomView {
            viewers: self.live.viewers(id),
            room,
            pinned,
            sales,
        })
    }

    /// The room's sales as viewers see them. However many viewers poll, the
    /// store is read at most once per `SALES_TTL_MS` per room on this node;
    /// the node's own stock changes reach the snapshot at once.
    pub async fn room_sales(&self, room: LiveRoomId) -> ServiceResult<Vec<SaleView>> {
        let slot = self.live.sales_slot(room);
        let mut cached = slot.lock().await;
        let now = self.now();
        let fresh = matches!(&*cached, Some((at, _)) if now >= *at && now.millis() - at.millis() < SALES_TTL_MS);
        if !fresh {
            *cached = Some((now, self.store.room_flash_sales(room).await?));
        }
        let states = cached.as_ref().map(|(_, s)| s.clone()).unwrap_or_default();
        drop(cached);
        Ok(states.into_iter().map(|s| self.sale_view(s)).collect())
    }

    pub async fn flash_sale(&self, id: FlashSaleId) -> ServiceResult<SaleView> {
        let state = self
            .store
            .get_flash_sale(id)
            .await?
            .ok_or(ServiceError::NotFound("flash sale"))?;
        Ok(self.sale_view(state))
    }

    /// Schedules a sale in the merchant's room; its pool leaves the SKU's stock now.
    #[instrument(skip_all)]
    pub async fn create_flash_sale(
        &self,
        actor: &User,
        room: LiveRoomId,
        draft: FlashSaleDraft,
    ) -> ServiceResult<SaleView> {
        let merchant = require_merchant(actor)?;
        let room = self
            .store
            .get_live_room(room)
            .await?
            .filter(|r| r.merchant_id == merchant)
            .ok_or(ServiceError::NotFound("live room"))?;
        let product = self
            .store
            .products_by_skus(&[draft.sku_id])
            .await?
            .pop()
            .filter(|p| p.merchant_id == merchant)
            .ok_or(ServiceError::NotFound("sku"))?;
        let sku = product
            .sku(draft.sku_id)
            .ok_or(ServiceError::NotFound("sku"))?;
        let sale = draft.parse(&room, product.id, sku.price, sku.stock, self.now())?;
        self.store
            .create_flash_sale(&sale)
            .await
            .map_err(|e| match e {
                yc_store::StoreError::SoldOut { .. } => ServiceError::Conflict("not_enough_stock"),
                other => not_found("sku")(other),
            })?;
        let view = self.sale_view(SaleState {
            remaining: sale.pool_size,
            sale,
        });
        self.live.publish(
            room.id,
            LiveEvent::Stock {
                sale_id: view.sale.id,
                remaining: view.remaining,
                phase: view.phase,
            },
        );
        Ok(view)
    }

    /// Posts a live comment: 1–100 characters, at most one a second per user.
    pub async fn comment(
        &self,
        actor: &User,
        room: LiveRoomId,
        text: &str,
    ) -> ServiceResult<Comment> {
        let text = bounded_text("text", text, 1, 100)?;
        self.store
            .get_live_room(room)
            .await?
            .ok_or(ServiceError::NotFound("live room"))?;
        let now = self.now();
        if !self.live.allow_comment(actor.id, now) {
            return Err(ServiceError::Conflict("too_many_comments"));
        }
        let comment = Comment {
            author: mask_name(&actor.display_name),
            text,
            at: now,
        };
        self.live.publish(room, LiveEvent::Comment(comment.clone()));
        Ok(comment)
    }
}

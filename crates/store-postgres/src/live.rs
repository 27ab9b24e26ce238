//! The live capability: rooms (`rooms`), flash sales (`sales`), the group
//! commit (`flash`, `flash_writes`) and the return of units (`flash_release`).

use async_trait::async_trait;
use yc_domain::address::Address;
use yc_domain::live::{FlashSale, LiveRoom};
use yc_domain::page::PageRequest;
use yc_domain::{FlashSaleId, LiveRoomId, MerchantId, ProductId, Timestamp, UserId};
use yc_store::{FlashBatch, FlashBatchResult, LiveStore, SaleState, StoreResult};

use crate::{PgStore, flash, flash_release, flash_warm, rooms, sales};

#[async_trait]
impl LiveStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn insert_live_room(&self, room: &LiveRoom) -> StoreResult<()> {
        rooms::insert(&self.pool, room).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_live_room(&self, id: LiveRoomId) -> StoreResult<Option<LiveRoom>> {
        rooms::get(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_live_rooms(&self, page: PageRequest) -> StoreResult<Vec<LiveRoom>> {
        rooms::list(&self.pool, page).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_pinned(
        &self,
        merchant: MerchantId,
        room: LiveRoomId,
        products: &[ProductId],
    ) -> StoreResult<LiveRoom> {
        rooms::set_pinned(&self.pool, merchant, room, products).await
    }

    #[tracing::instrument(skip_all)]
    async fn create_flash_sale(&self, sale: &FlashSale) -> StoreResult<()> {
        sales::create(&self.pool, sale).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_flash_sale(&self, id: FlashSaleId) -> StoreResult<Option<SaleState>> {
        sales::get(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn room_flash_sales(&self, room: LiveRoomId) -> StoreResult<Vec<SaleState>> {
        sales::of_room(&self.pool, room).await
    }

    #[tracing::instrument(skip_all)]
    async fn default_addresses(&self, users: &[UserId]) -> StoreResult<Vec<Address>> {
        sales::default_addresses(&self.pool, users).await
    }

    #[tracing::instrument(skip_all)]
    async fn warm_flash(&self, sale: FlashSaleId) -> StoreResult<()> {
        flash_warm::warm(&self.pool, sale).await
    }

    #[tracing::instrument(skip_all)]
    async fn commit_flash_batch(&self, batch: &FlashBatch) -> StoreResult<FlashBatchResult> {
        flash::commit_batch(&self.pool, batch).await
    }

    #[tracing::instrument(skip_all)]
    async fn expire_flash_orders(
        &self,
        sale: FlashSaleId,
        now: Timestamp,
        note: &str,
        limit: u32,
    ) -> StoreResult<u32> {
        flash_release::expire(&self.pool, sale, now, note, limit).await
    }
}

//! LiveStore: transaction boundaries around `rooms` (rooms, sales) and the
//! flash hot path (`flash`, `flash_thread`, `flash_expire`, `hot_reader`).

use async_trait::async_trait;
use yc_domain::address::Address;
use yc_domain::live::{FlashSale, LiveRoom};
use yc_domain::page::PageRequest;
use yc_domain::{FlashSaleId, LiveRoomId, MerchantId, ProductId, Timestamp, UserId};
use yc_store::{FlashBatch, FlashBatchResult, LiveStore, SaleState, StoreResult};

use crate::error::from_sqlx;
use crate::sql::{begin_read, begin_write, finish, key_list};
use crate::{SqliteStore, flash, flash_expire, hot_read, rooms};

#[async_trait]
impl LiveStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn insert_live_room(&self, room: &LiveRoom) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = rooms::insert(&mut tx, room).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_live_room(&self, id: LiveRoomId) -> StoreResult<Option<LiveRoom>> {
        let mut tx = begin_read(&self.read).await?;
        let outcome = rooms::get(&mut tx, id).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_live_rooms(&self, page: PageRequest) -> StoreResult<Vec<LiveRoom>> {
        let mut tx = begin_read(&self.read).await?;
        let outcome = rooms::list(&mut tx, page).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_pinned(
        &self,
        merchant: MerchantId,
        room: LiveRoomId,
        products: &[ProductId],
    ) -> StoreResult<LiveRoom> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = rooms::set_pinned(&mut tx, merchant, room, products).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn create_flash_sale(&self, sale: &FlashSale) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = rooms::create_sale(&mut tx, sale).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_flash_sale(&self, id: FlashSaleId) -> StoreResult<Option<SaleState>> {
        let mut conn = self.read.acquire().await.map_err(from_sqlx)?;
        rooms::get_sale(&mut conn, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn room_flash_sales(&self, room: LiveRoomId) -> StoreResult<Vec<SaleState>> {
        let mut conn = self.read.acquire().await.map_err(from_sqlx)?;
        rooms::room_sales(&mut conn, room).await
    }

    #[tracing::instrument(skip_all)]
    async fn default_addresses(&self, users: &[UserId]) -> StoreResult<Vec<Address>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let mut known = self.default_addresses.lookup(users);
        if known.missing.is_empty() {
            return Ok(known.found);
        }
        let keys = key_list(&known.missing);
        let read = self
            .hot_read
            .run(move |conn| hot_read::default_addresses(conn, &keys))
            .await?;
        self.default_addresses
            .fill(known.generation, &known.missing, &read);
        known.found.extend(read);
        Ok(known.found)
    }

    #[tracing::instrument(skip_all)]
    async fn commit_flash_batch(&self, batch: &FlashBatch) -> StoreResult<FlashBatchResult> {
        flash::commit(&self.read, &self.flash, batch).await
    }

    #[tracing::instrument(skip_all)]
    async fn expire_flash_orders(
        &self,
        sale: FlashSaleId,
        now: Timestamp,
        note: &str,
        limit: u32,
    ) -> StoreResult<u32> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = flash_expire::expire(&mut tx, sale, now, note, limit).await;
        finish(tx, outcome).await
    }
}

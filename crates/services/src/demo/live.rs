//! The demo world's live room and its flash sale.

use yc_domain::Money;
use yc_domain::account::User;
use yc_domain::live::{FlashSaleDraft, LiveRoomDraft};

use crate::{ServiceResult, Services};

impl Services {
    /// A live room looping the shipped live clip, pinning the host's first
    /// products, with a flash sale that opens 90 s after seeding.
    pub(super) async fn demo_live_room(&self, host: &User) -> ServiceResult<()> {
        let products = self
            .my_products(host, yc_domain::page::PageRequest::default())
            .await?
            .items;
        let mut pinned: Vec<_> = products.iter().map(|p| p.id).collect();
        pinned.reverse();
        pinned.truncate(4);
        let draft = LiveRoomDraft {
            title: "花语女装 夏季新品直播 · 3,2,1 上链接!".into(),
            stream_url: "/assets/demo/videos/live01.mp4".into(),
            poster_url: "/assets/demo/videos/v01.jpg".into(),
            pinned: pinned.clone(),
        };
        let room = self.create_live_room(host, draft).await?;
        let Some(product) = pinned
            .first()
            .and_then(|id| products.iter().find(|p| p.id == *id))
        else {
            return Ok(());
        };
        let Some(sku) = product.skus.iter().find(|s| s.stock >= 50) else {
            return Ok(());
        };
        let sale = FlashSaleDraft {
            sku_id: sku.id,
            flash_price: Money::cny(sku.price.amount_minor / 2),
            pool_size: 50,
            per_buyer_cap: 2,
            starts_in_secs: 90,
            countdown_secs: 60,
            duration_secs: 24 * 3600,
            pay_window_minutes: Some(5),
        };
        self.create_flash_sale(host, room.id, sale)
            .await
            .map(|_| ())
    }
}

//! Keeping the node's model current: the catalog (videos, their products'
//! categories, availability, ship-from province) and the behaviour log.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tracing::{info, warn};
use yc_domain::aftersales::ProductKind;
use yc_domain::behaviour::{Actor, BehaviourEvent, EventKind};
use yc_domain::catalog::{Product, ProductStatus};
use yc_domain::fulfilment::Province;
use yc_domain::page::{PageRequest, PageSize};
use yc_domain::video::Video;
use yc_domain::{MerchantId, ProductId};
use yc_feed::{Availability, Event, ItemMeta, Signal, UserKey};

use super::engine::REREAD_WINDOW;
use crate::{ServiceResult, Services};

/// Videos the model follows, newest first; bounds start-up work.
const MAX_VIDEOS: usize = 200_000;
/// Events replayed at start-up (the newest ones).
const MAX_REPLAY: i64 = 2_000_000;
const TAIL_BATCH: u32 = 5_000;

pub(crate) fn signal_of(e: &BehaviourEvent) -> Signal {
    match e.kind {
        EventKind::Impression => Signal::Impression,
        EventKind::Watch => Signal::Watch {
            completion_pct: e.completion_pct,
        },
        EventKind::CartTap => Signal::CartTap,
        EventKind::SheetOpen => Signal::SheetOpen,
        EventKind::AddToCart => Signal::AddToCart,
        EventKind::Favorite => Signal::Favorite,
        EventKind::Purchase => Signal::Purchase,
        EventKind::Share => Signal::Share,
        EventKind::Skip => Signal::Skip,
        EventKind::NotInterested => Signal::NotInterested,
    }
}

pub(crate) fn user_key(actor: Actor) -> UserKey {
    match actor {
        Actor::User(u) => UserKey::User(u.as_uuid()),
        Actor::Device(d) => UserKey::Device(d),
    }
}

fn item_of(
    video: &Video,
    products: &HashMap<ProductId, &Product>,
    origin: Option<Province>,
) -> Option<(ItemMeta, Availability)> {
    let linked: Vec<&Product> = video
        .product_ids
        .iter()
        .filter_map(|id| products.get(id).copied())
        .collect();
    let active: Vec<&&Product> = linked
        .iter()
        .filter(|p| p.status == ProductStatus::Active)
        .collect();
    let first = linked.first()?;
    let mut tags: Vec<String> = linked.iter().map(|p| p.category.clone()).collect();
    tags.dedup();
    let meta = ItemMeta {
        key: video.id.as_uuid(),
        product: first.id.as_uuid(),
        category: first.category.clone(),
        tags,
        merchant: video.merchant_id.as_uuid(),
        origin,
        created_at_ms: video.created_at.millis(),
        single_purchase: matches!(
            first.return_policy.kind,
            ProductKind::Digital | ProductKind::Customized
        ),
    };
    let availability = Availability {
        blocked_or_deleted: active.is_empty(),
        sold_out: active.iter().all(|p| p.skus.iter().all(|s| s.stock <= 0)),
    };
    Some((meta, availability))
}

impl Services {
    /// Re-reads the catalog into the model (new videos, categories,
    /// availability). Bounded by `MAX_VIDEOS`.
    pub async fn feed_sync_catalog(&self) -> ServiceResult<usize> {
        let mut videos = Vec::new();
        let mut page = PageRequest {
            size: PageSize::parse(Some(100))?,
            after: None,
        };
        while videos.len() < MAX_VIDEOS {
            let rows = self.store.list_videos(None, page).await?;
            let more = rows.len() > 100;
            let batch: Vec<Video> = rows.into_iter().take(100).collect();
            page.after = batch.last().map(|v| v.id.as_uuid());
            videos.extend(batch);
            if !more {
                break;
            }
        }
        let product_ids: Vec<ProductId> = videos
            .iter()
            .flat_map(|v| v.product_ids.iter().copied())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut products = Vec::with_capacity(product_ids.len());
        for chunk in product_ids.chunks(500) {
            products.extend(self.store.get_products(chunk).await?);
        }
        let by_id: HashMap<ProductId, &Product> = products.iter().map(|p| (p.id, p)).collect();
        let merchant_ids: Vec<MerchantId> = videos
            .iter()
            .map(|v| v.merchant_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let origins: HashMap<MerchantId, Option<Province>> = self
            .store
            .get_merchants(&merchant_ids)
            .await?
            .into_iter()
            .map(|m| (m.id, Province::from_region_text(&m.province)))
            .collect();
        let items: Vec<(ItemMeta, Availability)> = videos
            .iter()
            .filter_map(|v| item_of(v, &by_id, origins.get(&v.merchant_id).copied().flatten()))
            .collect();
        let mut model = self.feed.model.write().await;
        for (meta, availability) in &items {
            if model.upsert_item(meta).is_ok() {
                let _ = model.set_available(meta.key, *availability);
            }
        }
        model.refresh(self.now().millis());
        Ok(items.len())
    }

    /// Observes every logged event this node has not seen yet.
    pub async fn feed_tail(&self) -> ServiceResult<usize> {
        let mut tail = self.feed.tail.lock().await;
        let mut seen = 0;
        loop {
            let from = (tail.cursor - REREAD_WINDOW).max(0);
            let rows = self.store.events_after(from, TAIL_BATCH).await?;
            let fresh: Vec<&(i64, BehaviourEvent)> =
                rows.iter().filter(|(seq, _)| tail.admit(*seq)).collect();
            if !fresh.is_empty() {
                let mut model = self.feed.model.write().await;
                for (_, e) in &fresh {
                    model.observe(&Event {
                        user: user_key(e.actor),
                        item: e.video_id.as_uuid(),
                        kind: signal_of(e),
                        at_ms: e.at.millis(),
                    });
                }
            }
            seen += fresh.len();
            if rows.len() < TAIL_BATCH as usize {
                return Ok(seen);
            }
        }
    }

    /// First load: the catalog, then the newest `MAX_REPLAY` events.
    pub async fn feed_load(&self) -> ServiceResult<()> {
        let started = Instant::now();
        let items = self.feed_sync_catalog().await?;
        let last = self.store.last_event_seq().await?;
        {
            let mut tail = self.feed.tail.lock().await;
            tail.cursor = tail
                .cursor
                .max(last.saturating_sub(MAX_REPLAY) + REREAD_WINDOW);
        }
        let events = self.feed_tail().await?;
        self.feed.model.write().await.refresh(self.now().millis());
        self.feed.loaded.store(true, Ordering::Release);
        info!(
            items,
            events,
            ms = started.elapsed().as_millis() as u64,
            "feed model loaded"
        );
        Ok(())
    }
}

/// Runs until `shutdown`: tails the log when woken (or every second, for
/// other nodes' events), re-reads the catalog every 10 s.
pub async fn feed_worker(services: Services, shutdown: tokio::sync::watch::Receiver<bool>) {
    let mut shutdown = shutdown;
    if let Err(e) = services.feed_load().await {
        warn!(error = %e, "feed load failed; retrying in the loop");
    }
    let mut last_catalog = Instant::now();
    loop {
        tokio::select! {
            _ = services.feed.signal.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
        if !services.feed.is_loaded() {
            if let Err(e) = services.feed_load().await {
                warn!(error = %e, "feed load failed");
            }
            continue;
        }
        if let Err(e) = services.feed_tail().await {
            warn!(error = %e, "feed tail failed");
        }
        if last_catalog.elapsed() >= Duration::from_secs(10) {
            last_catalog = Instant::now();
            if let Err(e) = services.feed_sync_catalog().await {
                warn!(error = %e, "feed catalog sync failed");
            }
        }
    }
}

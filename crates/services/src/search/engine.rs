//! The node's index and the worker that keeps it following the catalog.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, OnceCell};
use tracing::{info, warn};
use yc_domain::catalog::{Product, ProductStatus};
use yc_domain::page::{PageRequest, PageSize};
use yc_domain::{MerchantId, ProductId};
use yc_search::{SearchDoc, SearchIndex};
use yc_store::ProductQuery;

use crate::{ServiceError, ServiceResult, Services};

/// Products a full pass re-reads; bounds its work.
const MAX_PRODUCTS: usize = 1_000_000;
const RECONCILE_EVERY: Duration = Duration::from_secs(60);
const COMMIT_EVERY: Duration = Duration::from_millis(500);

#[derive(Clone, Default)]
pub struct SearchEngine {
    /// Opened on first use: loading the jieba dictionary costs a moment.
    index: Arc<OnceCell<Arc<SearchIndex>>>,
    /// On disk under the data dir in `serve`; in memory otherwise.
    dir: Option<PathBuf>,
    dirty: Arc<Mutex<HashSet<ProductId>>>,
    signal: Arc<Notify>,
    built: Arc<tokio::sync::Mutex<bool>>,
}

impl SearchEngine {
    pub fn on_disk(dir: PathBuf) -> Self {
        SearchEngine {
            dir: Some(dir),
            ..SearchEngine::default()
        }
    }

    pub(crate) async fn index(&self) -> ServiceResult<Arc<SearchIndex>> {
        let dir = self.dir.clone();
        self.index
            .get_or_try_init(|| async move {
                // The directory is one node's derived data; a second process
                // on the same data dir (benchmark nodes) builds its own in RAM.
                let opened = tokio::task::spawn_blocking(move || match dir {
                    Some(d) => SearchIndex::open_dir(&d).or_else(|e| {
                        warn!(error = %e, "search dir unavailable; indexing in memory");
                        SearchIndex::in_ram()
                    }),
                    None => SearchIndex::in_ram(),
                })
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
                opened
                    .map(Arc::new)
                    .map_err(|e| ServiceError::Internal(format!("search index: {e}")))
            })
            .await
            .cloned()
    }

    /// A product changed: the worker re-indexes it within a commit period.
    pub fn mark(&self, id: ProductId) {
        if let Ok(mut d) = self.dirty.lock() {
            d.insert(id);
        }
        self.signal.notify_one();
    }
}

fn doc(p: &Product, shop: &str, sales: i64) -> SearchDoc {
    SearchDoc {
        product_id: p.id.as_uuid(),
        title: p.title.clone(),
        description: p.description.clone(),
        category: p.category.clone(),
        merchant_name: shop.to_owned(),
        specs: p.skus.iter().flat_map(|s| s.spec.iter().cloned()).collect(),
        min_price_minor: p.min_price().map_or(0, |m| m.amount_minor),
        sales,
        in_stock: p.skus.iter().any(|s| s.stock > 0),
        created_at_ms: p.created_at.millis(),
    }
}

impl Services {
    /// Re-indexes these products from the store (hidden or missing ones are
    /// deleted from the index) and commits.
    pub async fn search_index_products(&self, ids: &[ProductId]) -> ServiceResult<usize> {
        let index = self.search.index().await?;
        let products = self.store.get_products(ids).await?;
        let sales: HashMap<ProductId, i64> =
            self.store.product_sales(ids).await?.into_iter().collect();
        let merchant_ids: Vec<MerchantId> = products
            .iter()
            .map(|p| p.merchant_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let shops: HashMap<MerchantId, String> = self
            .store
            .get_merchants(&merchant_ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect();
        let mut docs = Vec::new();
        let mut gone: Vec<ProductId> = ids.to_vec();
        for p in &products {
            if p.status == ProductStatus::Active {
                gone.retain(|g| *g != p.id);
                let shop = shops.get(&p.merchant_id).map_or("", String::as_str);
                docs.push(doc(p, shop, sales.get(&p.id).copied().unwrap_or(0)));
            }
        }
        let n = docs.len();
        tokio::task::spawn_blocking(move || {
            index.upsert(&docs)?;
            for id in gone {
                index.delete(id.as_uuid())?;
            }
            index.commit()
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(format!("search index: {e}")))?;
        Ok(n)
    }

    /// Every active product, in chunks (bounded by `MAX_PRODUCTS`).
    pub async fn search_reindex_all(&self) -> ServiceResult<usize> {
        let mut page = PageRequest {
            size: PageSize::parse(Some(100))?,
            after: None,
        };
        let mut total = 0;
        while total < MAX_PRODUCTS {
            let rows = self
                .store
                .list_products(&ProductQuery::default(), page)
                .await?;
            let more = rows.len() > 100;
            let ids: Vec<ProductId> = rows.iter().take(100).map(|p| p.id).collect();
            page.after = ids.last().map(|p| p.as_uuid());
            total += self.search_index_products(&ids).await?;
            if !more {
                break;
            }
        }
        *self.search.built.lock().await = true;
        Ok(total)
    }

    /// The index, built first if this node has not built it yet (a search
    /// before the worker finished; concurrent builders are harmless).
    pub(crate) async fn search_ready(&self) -> ServiceResult<Arc<SearchIndex>> {
        let built = *self.search.built.lock().await;
        if !built {
            self.search_reindex_all().await?;
        }
        self.search.index().await
    }

    /// Re-indexes every product marked since the last flush.
    pub async fn search_flush(&self) -> ServiceResult<()> {
        let ids: Vec<ProductId> = match self.search.dirty.lock() {
            Ok(mut d) => d.drain().collect(),
            Err(_) => return Err(ServiceError::Internal("search dirty set".into())),
        };
        for chunk in ids.chunks(500) {
            self.search_index_products(chunk).await?;
        }
        Ok(())
    }
}

/// Builds the index, then commits marked products every 500 ms and
/// re-reads everything every minute (stock and sales moved by orders).
pub async fn search_worker(services: Services, shutdown: tokio::sync::watch::Receiver<bool>) {
    let mut shutdown = shutdown;
    let started = Instant::now();
    match services.search_reindex_all().await {
        Ok(n) => info!(
            products = n,
            ms = started.elapsed().as_millis() as u64,
            "search index built"
        ),
        Err(e) => warn!(error = %e, "search index build failed"),
    }
    let mut last_full = Instant::now();
    loop {
        tokio::select! {
            _ = services.search.signal.notified() => {}
            _ = tokio::time::sleep(RECONCILE_EVERY) => {}
            _ = shutdown.changed() => return,
        }
        tokio::time::sleep(COMMIT_EVERY).await;
        if let Err(e) = services.search_flush().await {
            warn!(error = %e, "search flush failed");
        }
        if last_full.elapsed() >= RECONCILE_EVERY {
            last_full = Instant::now();
            if let Err(e) = services.search_reindex_all().await {
                warn!(error = %e, "search reconcile failed");
            }
        }
    }
}

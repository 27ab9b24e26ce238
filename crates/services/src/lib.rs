//! Use cases of yellowcart. Each public method checks who is asking,
//! applies the domain rules, and makes at most one transactional store call
//! that changes data, so no use case leaves half-written state.

pub mod aftersales;
pub mod auth;
pub mod catalog;
pub mod checkout;
pub mod clock;
pub mod demo;
pub mod error;
pub mod events;
pub mod feed;
pub mod fulfilment;
mod idempotency;
pub mod jobs;
pub mod live;
pub mod media;
pub mod orders;
pub mod payments;
pub mod search;
pub mod session_cache;
pub mod shopping;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ServiceError, ServiceResult};
pub use yc_store::Store;

use events::EventBus;
use payments::PaymentGateway;

#[derive(Debug, Clone)]
pub struct Config {
    /// Unpaid orders cancel themselves after this long (default 15 min).
    pub pay_window_ms: i64,
    pub session_ttl_ms: i64,
    /// Delay before the sandbox provider sends its asynchronous callback.
    pub sandbox_notify_delay_ms: i64,
    /// Where merchant uploads are stored; `None` disables uploads.
    pub media_dir: Option<std::path::PathBuf>,
    /// Live viewers one room admits per node.
    pub max_viewers_per_room: usize,
    /// Delivered orders confirm receipt by themselves after this many days.
    pub auto_confirm_days: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pay_window_ms: 15 * 60 * 1000,
            session_ttl_ms: 30 * 24 * 3600 * 1000,
            sandbox_notify_delay_ms: 300,
            media_dir: None,
            max_viewers_per_room: 5000,
            auto_confirm_days: 10,
        }
    }
}

/// Everything a handler needs, behind one `Arc`: axum clones it for every
/// request (twice with the metrics layer), and one shared count is cheaper
/// than one per field (perf, `bench flash-sale`: cloning and dropping the
/// fields one by one was ~1.5% of the server's CPU). Fields read through
/// `Deref` (`services.store`).
#[derive(Clone)]
pub struct Services {
    parts: Arc<Parts>,
}

impl std::ops::Deref for Services {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.parts
    }
}

/// What `Services` holds; every field is a handle (`Arc`, channel, or
/// `Copy`), never data, so the builders below can copy it on write.
#[derive(Clone)]
pub struct Parts {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    pub payments: Arc<PaymentGateway>,
    pub events: EventBus,
    /// To the other nodes (NATS JetStream); `None`: a single node.
    pub link: Option<events::SharedLink>,
    /// Woken whenever a job is scheduled, so the worker need not wait a poll.
    pub job_signal: Arc<tokio::sync::Notify>,
    /// Live-room fan-out (stock, comments) to this node's viewers.
    pub live: live::LiveHub,
    /// Per-sale batching writers of this node.
    pub flash: live::FlashEngine,
    pub sessions: session_cache::SessionCache,
    pub carriers: Arc<fulfilment::CarrierRegistry>,
    /// This node's personalized-feed model.
    pub feed: feed::FeedEngine,
    /// This node's product search index.
    pub search: search::SearchEngine,
}

impl Services {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: Config,
        payments: PaymentGateway,
    ) -> Self {
        let live = live::LiveHub::new(config.max_viewers_per_room);
        let parts = Parts {
            store,
            clock,
            config: Arc::new(config),
            payments: Arc::new(payments),
            events: EventBus::in_process(),
            link: None,
            job_signal: Arc::new(tokio::sync::Notify::new()),
            live,
            flash: live::FlashEngine::default(),
            sessions: session_cache::SessionCache::default(),
            carriers: Arc::new(fulfilment::CarrierRegistry::sandbox(
                b"yc-sandbox-carrier-dev-secret",
            )),
            feed: feed::FeedEngine::default(),
            search: search::SearchEngine::default(),
        };
        Services {
            parts: Arc::new(parts),
        }
    }

    /// Replaces the carriers (the server passes a sandbox keyed from its
    /// master secret; tests may pass their own).
    pub fn with_carriers(mut self, carriers: fulfilment::CarrierRegistry) -> Self {
        Arc::make_mut(&mut self.parts).carriers = Arc::new(carriers);
        self
    }

    /// Keeps the search index on disk (the server: under the data dir).
    pub fn with_search(mut self, engine: search::SearchEngine) -> Self {
        Arc::make_mut(&mut self.parts).search = engine;
        self
    }

    pub fn now(&self) -> yc_domain::Timestamp {
        self.clock.now()
    }
}

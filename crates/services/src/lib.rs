//! Use cases of yellowcart. Each public method checks who is asking,
//! applies the domain rules, and makes at most one transactional store call
//! that changes data, so no use case leaves half-written state.

pub mod auth;
pub mod catalog;
pub mod checkout;
pub mod clock;
pub mod demo;
pub mod error;
pub mod events;
mod idempotency;
pub mod jobs;
pub mod media;
pub mod orders;
pub mod payments;
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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pay_window_ms: 15 * 60 * 1000,
            session_ttl_ms: 30 * 24 * 3600 * 1000,
            sandbox_notify_delay_ms: 300,
            media_dir: None,
        }
    }
}

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub payments: PaymentGateway,
    pub events: EventBus,
    /// Woken whenever a job is scheduled, so the worker need not wait a poll.
    pub job_signal: Arc<tokio::sync::Notify>,
}

impl Services {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: Config,
        payments: PaymentGateway,
    ) -> Self {
        Services {
            store,
            clock,
            config,
            payments,
            events: EventBus::in_process(),
            job_signal: Arc::new(tokio::sync::Notify::new()),
        }
    }

    pub fn now(&self) -> yc_domain::Timestamp {
        self.clock.now()
    }
}

//! The carrier seam: what yellowcart needs from a courier company, and no
//! more. Real carriers push signed callbacks; the sandbox carrier schedules
//! its own (durable jobs) so it behaves like one.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use yc_domain::Timestamp;
use yc_domain::fulfilment::{EventRejected, Lane, TrackingEvent};
use yc_store::NewJob;

use super::sandbox::SandboxCarrier;

#[derive(Debug, Clone)]
pub struct ParcelRegistration {
    pub tracking_no: String,
    pub lane: Lane,
    pub registered_at: Timestamp,
}

/// One tracking event as a carrier posts it: the body of its callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierCallback {
    pub tracking_no: String,
    pub event: TrackingEvent,
    /// Lower-case hex HMAC-SHA256 (see `yc_domain::fulfilment::sign_event`).
    pub sign: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarrierError {
    #[error("carrier unavailable: {0}")]
    Unavailable(String),
    #[error("malformed carrier callback: {0}")]
    Malformed(String),
    #[error(transparent)]
    Rejected(#[from] EventRejected),
}

#[async_trait]
pub trait Carrier: Send + Sync {
    /// Stable code used in URLs and stored on shipments ("sandbox").
    fn code(&self) -> &'static str;
    fn name_zh(&self) -> &'static str;
    /// Books the parcel. Returns the jobs that deliver the sandbox's
    /// callbacks (written with the shipment, so they survive a crash);
    /// a real carrier returns none and pushes on its own.
    async fn register(&self, parcel: &ParcelRegistration) -> Result<Vec<NewJob>, CarrierError>;
    /// Reads a callback body; the signature is checked by `verify`.
    fn parse_callback(&self, body: &str) -> Result<CarrierCallback, CarrierError> {
        if body.len() > 4096 {
            return Err(CarrierError::Malformed("body over 4 KiB".into()));
        }
        serde_json::from_str(body).map_err(|e| CarrierError::Malformed(e.to_string()))
    }
    /// Signature, then replay (seq must be above the last accepted one).
    fn verify(&self, cb: &CarrierCallback, last_seq: Option<u32>) -> Result<(), CarrierError>;
}

/// The carriers by code.
#[derive(Clone, Default)]
pub struct CarrierRegistry {
    carriers: HashMap<&'static str, Arc<dyn Carrier>>,
    /// The sandbox, also reachable as a carrier; its control endpoint needs
    /// the concrete type.
    pub sandbox: Option<Arc<SandboxCarrier>>,
}

impl CarrierRegistry {
    pub fn sandbox(secret: &[u8]) -> Self {
        let sandbox = Arc::new(SandboxCarrier::new(secret));
        let registry = CarrierRegistry {
            sandbox: Some(sandbox.clone()),
            ..CarrierRegistry::default()
        };
        registry.with(sandbox)
    }

    pub fn with(mut self, carrier: Arc<dyn Carrier>) -> Self {
        self.carriers.insert(carrier.code(), carrier);
        self
    }

    pub fn get(&self, code: &str) -> Option<&Arc<dyn Carrier>> {
        self.carriers.get(code)
    }

    /// (code, name) of every carrier, sorted by code, for pickers.
    pub fn list(&self) -> Vec<(&'static str, &'static str)> {
        let mut all: Vec<_> = self
            .carriers
            .values()
            .map(|c| (c.code(), c.name_zh()))
            .collect();
        all.sort_unstable();
        all
    }
}

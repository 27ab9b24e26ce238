use async_trait::async_trait;
use yc_domain::{EventId, JobId, Timestamp};

use crate::StoreResult;

/// Timed work in the durable job table.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: JobId,
    /// e.g. "expire_order"
    pub kind: String,
    pub payload: serde_json::Value,
    pub run_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: serde_json::Value,
    pub run_at: Timestamp,
    pub attempts: u32,
}

/// A domain event written to the outbox in the same transaction as the
/// change it reports.
#[derive(Debug, Clone)]
pub struct OutboxEvent {
    pub id: EventId,
    /// e.g. "order.created", "order.paid"
    pub topic: String,
    pub payload: serde_json::Value,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct RejectedCallback {
    pub channel: String,
    pub reason: String,
    /// At most 2 KiB of the request, for the audit trail.
    pub excerpt: String,
    pub at: Timestamp,
}

#[async_trait]
pub trait OpsStore: Send + Sync {
    async fn schedule_job(&self, job: &NewJob) -> StoreResult<()>;
    /// Leases up to `limit` jobs due at `now` (run_at <= now, not leased or
    /// lease expired) until `lease_until`, incrementing `attempts`. Safe with
    /// several nodes: a job is leased by one caller at a time (PostgreSQL:
    /// `FOR UPDATE SKIP LOCKED`). Oldest `run_at` first.
    async fn claim_jobs(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Job>>;
    /// Deletes a done job.
    async fn finish_job(&self, id: JobId) -> StoreResult<()>;
    /// Releases the lease and reschedules at `run_at`, recording the error.
    async fn retry_job(&self, id: JobId, run_at: Timestamp, error: &str) -> StoreResult<()>;

    /// Oldest first, unpublished only.
    async fn unpublished_events(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>>;
    async fn mark_events_published(&self, ids: &[EventId], at: Timestamp) -> StoreResult<()>;

    async fn record_rejected_callback(&self, rejected: &RejectedCallback) -> StoreResult<()>;
    async fn count_rejected_callbacks(&self) -> StoreResult<u64>;
}

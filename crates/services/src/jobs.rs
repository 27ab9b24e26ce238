//! The durable job runner: leases due jobs, runs them, deletes them when
//! done and retries them with backoff when not. Handlers are idempotent,
//! because a node may die after the work and before `finish_job`.

use std::time::Duration;
use tracing::{info, warn};
use yc_store::Job;

use crate::checkout::EXPIRE_ORDER_JOB;
use crate::payments::{SANDBOX_NOTIFY_JOB, sandbox_notify_job};
use crate::{ServiceError, ServiceResult, Services};

/// Jobs leased per pass; bounds the work one pass does.
const BATCH: u32 = 64;
/// A leased job whose node died becomes claimable again after this.
const LEASE_MS: i64 = 60_000;
/// After this many attempts a job stops retrying and stays for an operator.
pub const MAX_ATTEMPTS: u32 = 12;

impl Services {
    /// Runs every job due now; returns how many ran to completion.
    pub async fn run_due_jobs(&self) -> ServiceResult<usize> {
        let now = self.now();
        let jobs = self
            .store
            .claim_jobs(now, now.plus_millis(LEASE_MS), BATCH)
            .await?;
        let mut done = 0;
        for job in jobs {
            match self.run_job(&job).await {
                Ok(()) => {
                    self.store.finish_job(job.id).await?;
                    done += 1;
                }
                Err(e) => self.reschedule(&job, &e).await?,
            }
        }
        Ok(done)
    }

    async fn run_job(&self, job: &Job) -> ServiceResult<()> {
        match job.kind.as_str() {
            EXPIRE_ORDER_JOB => crate::orders::expire_order_job(self, &job.payload).await,
            SANDBOX_NOTIFY_JOB => sandbox_notify_job(self, &job.payload).await,
            crate::live::EXPIRE_FLASH_JOB => {
                crate::live::expire_flash_job(self, &job.payload).await
            }
            crate::fulfilment::CARRIER_EMIT_JOB => {
                crate::fulfilment::carrier_emit_job(self, &job.payload).await
            }
            crate::fulfilment::AUTO_COMPLETE_JOB => {
                crate::orders::auto_complete_job(self, &job.payload).await
            }
            crate::aftersales::AFTERSALES_TIMEOUT_JOB => {
                crate::aftersales::aftersales_timeout_job(self, &job.payload).await
            }
            crate::aftersales::RETURN_PICKED_UP_JOB => {
                crate::aftersales::return_picked_up_job(self, &job.payload).await
            }
            crate::aftersales::REFUND_PAYOUT_JOB => {
                crate::aftersales::refund_payout_job(self, &job.payload).await
            }
            other => Err(ServiceError::Internal(format!("unknown job kind {other}"))),
        }
    }

    async fn reschedule(&self, job: &Job, e: &ServiceError) -> ServiceResult<()> {
        if job.attempts >= MAX_ATTEMPTS {
            warn!(job_id = %job.id, kind = %job.kind, "job gave up after {} attempts", job.attempts);
            // Leave it leased far in the future: visible, not retried.
            return Ok(self
                .store
                .retry_job(job.id, self.now().plus_millis(i64::MAX / 4), &e.to_string())
                .await?);
        }
        let backoff_ms = 500_i64.saturating_mul(1_i64 << job.attempts.min(16));
        warn!(job_id = %job.id, kind = %job.kind, attempts = job.attempts, "job failed, retrying");
        Ok(self
            .store
            .retry_job(
                job.id,
                self.now().plus_millis(backoff_ms.min(3_600_000)),
                &e.to_string(),
            )
            .await?)
    }

    /// Runs jobs until `shutdown` resolves: on every signal, or every
    /// `poll` at the latest (jobs scheduled by other nodes).
    pub async fn job_worker(self, poll: Duration, shutdown: tokio::sync::watch::Receiver<bool>) {
        info!("job worker started");
        let mut shutdown = shutdown;
        loop {
            if let Err(e) = self.run_due_jobs().await {
                warn!(error = %e, "job pass failed");
            }
            if let Err(e) = self.relay_outbox().await {
                warn!(error = %e, "outbox relay failed");
            }
            tokio::select! {
                _ = self.job_signal.notified() => {}
                _ = tokio::time::sleep(poll) => {}
                _ = shutdown.changed() => break,
            }
        }
    }
}

//! Durable jobs (leased with `FOR UPDATE SKIP LOCKED`), the transactional
//! outbox and the audit trail of rejected payment callbacks.

use async_trait::async_trait;
use sqlx::PgExecutor;
use uuid::Uuid;
use yc_domain::{EventId, JobId, Timestamp};
use yc_store::{Job, NewJob, OpsStore, OutboxEvent, RejectedCallback, StoreResult};

use crate::PgStore;
use crate::codec::{count, to_json};
use crate::error::db_err;
use crate::rows::{JobRow, OutboxRow};

/// How much of a rejected request is kept.
const MAX_EXCERPT_BYTES: usize = 2048;

pub(crate) async fn insert_job<'c>(ex: impl PgExecutor<'c>, job: &NewJob) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, run_at, attempts) VALUES ($1, $2, $3::jsonb, $4, 0)",
    )
    .bind(job.id.as_uuid())
    .bind(&job.kind)
    .bind(to_json(&job.payload)?)
    .bind(job.run_at.millis())
    .execute(ex)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn insert_outbox<'c>(
    ex: impl PgExecutor<'c>,
    event: &OutboxEvent,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (id, topic, payload, created_at) VALUES ($1, $2, $3::jsonb, $4)",
    )
    .bind(event.id.as_uuid())
    .bind(&event.topic)
    .bind(to_json(&event.payload)?)
    .bind(event.created_at.millis())
    .execute(ex)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char
/// boundary.
fn truncate_utf8(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[async_trait]
impl OpsStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn schedule_job(&self, job: &NewJob) -> StoreResult<()> {
        insert_job(&self.pool, job).await
    }

    #[tracing::instrument(skip_all)]
    async fn claim_jobs(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Job>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Rows another node is claiming right now are skipped, not waited
        // for; a lease that another claimer extended meanwhile is re-checked
        // on the row's latest version and excluded.
        let rows: Vec<JobRow> = sqlx::query_as(
            "UPDATE jobs SET locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM jobs \
                          WHERE run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) \
                          ORDER BY run_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id, kind, payload::text AS payload, run_at, attempts",
        )
        .bind(now.millis())
        .bind(lease_until.millis())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut jobs = rows
            .into_iter()
            .map(JobRow::into_job)
            .collect::<StoreResult<Vec<Job>>>()?;
        // RETURNING has no order: oldest run_at first, as promised.
        jobs.sort_by_key(|j| (j.run_at, j.id));
        Ok(jobs)
    }

    #[tracing::instrument(skip_all)]
    async fn finish_job(&self, id: JobId) -> StoreResult<()> {
        sqlx::query("DELETE FROM jobs WHERE id = $1")
            .bind(id.as_uuid())
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn retry_job(&self, id: JobId, run_at: Timestamp, error: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE jobs SET run_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1",
        )
        .bind(id.as_uuid())
        .bind(run_at.millis())
        .bind(error)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn unpublished_events(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>> {
        let rows: Vec<OutboxRow> = sqlx::query_as(
            "SELECT id, topic, payload::text AS payload, created_at FROM outbox \
             WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(OutboxRow::into_event).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn mark_events_published(&self, ids: &[EventId], at: Timestamp) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = ids.iter().map(EventId::as_uuid).collect();
        sqlx::query(
            "UPDATE outbox SET published_at = $2 WHERE id = ANY($1) AND published_at IS NULL",
        )
        .bind(ids)
        .bind(at.millis())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn record_rejected_callback(&self, rejected: &RejectedCallback) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO rejected_callbacks (channel, reason, excerpt, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&rejected.channel)
        .bind(&rejected.reason)
        // PostgreSQL text cannot hold NUL; a hostile request may.
        .bind(truncate_utf8(&rejected.excerpt, MAX_EXCERPT_BYTES).replace('\0', "\u{fffd}"))
        .bind(rejected.at.millis())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn count_rejected_callbacks(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM rejected_callbacks")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        count(n)
    }
}

#[cfg(test)]
mod tests {
    use super::truncate_utf8;

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_utf8("abc", 10), "abc");
        assert_eq!(truncate_utf8("abc", 2), "ab");
        assert_eq!(truncate_utf8("中文", 4), "中");
        assert_eq!(truncate_utf8("中文", 0), "");
    }
}

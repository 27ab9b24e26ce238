//! OpsStore: durable jobs with leases, the outbox, rejected callbacks.

use async_trait::async_trait;
use sqlx::SqliteConnection;
use yc_domain::{EventId, JobId, Timestamp};
use yc_store::{Job, NewJob, OpsStore, OutboxEvent, RejectedCallback, StoreResult};

use crate::SqliteStore;
use crate::error::from_sqlx;
use crate::rows::{JobRow, OutboxRow, count};
use crate::sql::{Key, key_list, to_json};

/// Which jobs a claim may take at `?1` (now): due and not leased. The
/// claim and its reader pre-check must agree, so it is written once.
macro_rules! due_jobs {
    () => {
        "run_at <= ?1 AND (locked_until IS NULL OR locked_until <= ?1)"
    };
}

#[async_trait]
impl OpsStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn schedule_job(&self, job: &NewJob) -> StoreResult<()> {
        let mut conn = self.write.conn().await?;
        insert_job(&mut conn, job).await
    }

    #[tracing::instrument(skip_all)]
    async fn claim_jobs(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Job>> {
        // Most polls find nothing due: look first on a reader, so an idle
        // poll never queues for the write gate (during a flash sale each
        // one held it for the writer connection's round trips, 2-5 ms,
        // twice a second). A job that falls due meanwhile waits one poll.
        let due: bool = sqlx::query_scalar(concat!(
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE ",
            due_jobs!(),
            ")"
        ))
        .bind(now.millis())
        .fetch_one(&self.read)
        .await
        .map_err(from_sqlx)?;
        if !due {
            return Ok(Vec::new());
        }
        // One statement on the single writer connection: selecting and
        // leasing cannot interleave with another claimer in this process, and
        // the database write lock covers other processes.
        let rows: Vec<JobRow> = sqlx::query_as(concat!(
            "UPDATE jobs SET locked_until = ?2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM jobs WHERE ",
            due_jobs!(),
            " ORDER BY run_at, id LIMIT ?3) \
             RETURNING id, kind, payload, run_at, attempts"
        ))
        .bind(now.millis())
        .bind(lease_until.millis())
        .bind(i64::from(limit))
        .fetch_all(&mut *self.write.conn().await?)
        .await
        .map_err(from_sqlx)?;
        let mut jobs = rows
            .into_iter()
            .map(JobRow::into_job)
            .collect::<StoreResult<Vec<Job>>>()?;
        // RETURNING does not promise an order.
        jobs.sort_by_key(|j| (j.run_at, j.id));
        Ok(jobs)
    }

    #[tracing::instrument(skip_all)]
    async fn finish_job(&self, id: JobId) -> StoreResult<()> {
        sqlx::query("DELETE FROM jobs WHERE id = ?")
            .bind(id.key())
            .execute(&mut *self.write.conn().await?)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn retry_job(&self, id: JobId, run_at: Timestamp, error: &str) -> StoreResult<()> {
        sqlx::query("UPDATE jobs SET run_at = ?, locked_until = NULL, last_error = ? WHERE id = ?")
            .bind(run_at.millis())
            .bind(error)
            .bind(id.key())
            .execute(&mut *self.write.conn().await?)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn unpublished_events(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>> {
        let rows: Vec<OutboxRow> = sqlx::query_as(
            "SELECT id, topic, payload, created_at FROM outbox WHERE published_at IS NULL \
             ORDER BY created_at, id LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        rows.into_iter().map(OutboxRow::into_event).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn mark_events_published(&self, ids: &[EventId], at: Timestamp) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids = key_list(ids);
        let at = at.millis();
        let gate = self.write.gate();
        self.books
            .run(move |conn| crate::books::mark_published(conn, &gate, &ids, at))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn record_rejected_callback(&self, rejected: &RejectedCallback) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO rejected_callbacks (channel, reason, excerpt, at) VALUES (?, ?, ?, ?)",
        )
        .bind(&rejected.channel)
        .bind(&rejected.reason)
        .bind(&rejected.excerpt)
        .bind(rejected.at.millis())
        .execute(&mut *self.write.conn().await?)
        .await
        .map_err(from_sqlx)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn count_rejected_callbacks(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rejected_callbacks")
            .fetch_one(&self.read)
            .await
            .map_err(from_sqlx)?;
        count(n)
    }
}

pub(crate) async fn insert_job(conn: &mut SqliteConnection, job: &NewJob) -> StoreResult<()> {
    sqlx::query("INSERT INTO jobs (id, kind, payload, run_at) VALUES (?, ?, ?, ?)")
        .bind(job.id.key())
        .bind(&job.kind)
        .bind(to_json(&job.payload)?)
        .bind(job.run_at.millis())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    Ok(())
}

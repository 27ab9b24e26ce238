//! The inserts of a flash group commit: ONE statement for the whole batch,
//! whatever its size. Each table gets one array (`UNNEST`) insert, joined
//! as data-modifying CTEs: one round trip, made before the sale's row is
//! touched. The orders carry their own
//! Idempotency-Key, hash and held units (migration 0005).

use sqlx::PgConnection;
use yc_domain::order::Order;
use yc_store::{FlashBatch, StoreResult};

use crate::error::{corrupt, db_err};
use crate::order_rows::{bind_orders, order_ctes};

/// What a batch keeps.
pub(crate) struct Accepted<'a> {
    pub batch: &'a FlashBatch,
    /// Indexes of the accepted items, in item order.
    pub items: &'a [usize],
    /// Units each item asks for (indexed by item).
    pub quantities: &'a [u32],
    /// JSON text of the batch's outbox event and expiry job payloads.
    pub event_payload: &'a str,
    pub job_payload: &'a str,
}

/// Orders, lines and timelines take $1–$34 (`order_ctes!`); each order
/// also carries its key, request hash and held units ($43–$45). The sale's
/// pool is not here: `FlashTx::take_and_commit` takes it last, so its row
/// lock is held only from then to the commit.
const WRITE_BATCH: &str = concat!(
    "WITH ",
    order_ctes!(
        ", flash_key, flash_hash, flash_held",
        ", $43::text[], $44::text[], $45::int4[]"
    ),
    ", ins_outbox AS (INSERT INTO outbox (id, topic, payload, created_at) \
     VALUES ($35, $36, $37::jsonb, $38)) \
     INSERT INTO jobs (id, kind, payload, run_at, attempts) VALUES ($39, $40, $41::jsonb, $42, 0)"
);

pub(crate) async fn write(conn: &mut PgConnection, a: &Accepted<'_>) -> StoreResult<()> {
    let items = &a.batch.items;
    let orders: Vec<&Order> = a.items.iter().map(|&i| &items[i].order).collect();
    let accepted = || a.items.iter().copied();
    let held = accepted()
        .map(|i| i32::try_from(a.quantities[i]).map_err(|_| corrupt("flash units")))
        .collect::<StoreResult<Vec<i32>>>()?;
    let (event, job) = (&a.batch.event, &a.batch.expiry_job);
    bind_orders(sqlx::query(WRITE_BATCH), &orders)
        .bind(event.id.as_uuid())
        .bind(&event.topic)
        .bind(a.event_payload)
        .bind(event.created_at.millis())
        .bind(job.id.as_uuid())
        .bind(&job.kind)
        .bind(a.job_payload)
        .bind(job.run_at.millis())
        .bind(
            accepted()
                .map(|i| items[i].idempotency.key.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            accepted()
                .map(|i| items[i].idempotency.request_hash.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(held)
        .execute(conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

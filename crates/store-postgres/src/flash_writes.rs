//! The writes of a flash group commit: ONE statement for the whole batch,
//! whatever its size. Each table gets one array (`UNNEST`) insert, joined
//! as data-modifying CTEs, so the sale's row lock is held for a single
//! round trip of writes (plus the commit).

use sqlx::PgConnection;
use uuid::Uuid;
use yc_domain::order::Order;
use yc_store::{FlashBatch, StoreResult};

use crate::error::db_err;
use crate::order_rows::{bind_orders, order_ctes};

/// What a batch keeps.
pub(crate) struct Accepted<'a> {
    pub batch: &'a FlashBatch,
    /// Indexes of the accepted items, in item order.
    pub items: &'a [usize],
    /// JSON text of every item's idempotent response (indexed by item).
    pub responses: &'a [String],
    /// JSON text of the batch's outbox event and expiry job payloads.
    pub event_payload: &'a str,
    pub job_payload: &'a str,
    /// Units each buyer gained in this batch.
    pub counters: &'a [(Uuid, i32)],
    /// The pool after the batch.
    pub remaining: i64,
}

/// Orders, lines and timelines take $1–$33 (`order_ctes!`).
const WRITE_BATCH: &str = concat!(
    "WITH ",
    order_ctes!(),
    ", ins_keys AS (INSERT INTO idempotency_keys \
     (user_id, scope, key, request_hash, response, created_at) \
     SELECT u.user_id, u.scope, u.key, u.request_hash, u.response::jsonb, u.created_at \
     FROM UNNEST($36::uuid[], $37::text[], $38::text[], $39::text[], $40::text[], $41::int8[]) \
     AS u(user_id, scope, key, request_hash, response, created_at)), \
     ins_buyers AS (INSERT INTO flash_buyers (sale_id, buyer_id, held) \
     SELECT $34::uuid, u.buyer_id, u.held FROM UNNEST($42::uuid[], $43::int4[]) AS u(buyer_id, held) \
     ON CONFLICT (sale_id, buyer_id) DO UPDATE SET held = flash_buyers.held + EXCLUDED.held), \
     upd_sale AS (UPDATE flash_sales SET remaining = $35 WHERE id = $34::uuid), \
     ins_outbox AS (INSERT INTO outbox (id, topic, payload, created_at) \
     VALUES ($44, $45, $46::jsonb, $47)) \
     INSERT INTO jobs (id, kind, payload, run_at, attempts) VALUES ($48, $49, $50::jsonb, $51, 0)"
);

pub(crate) async fn write(conn: &mut PgConnection, a: &Accepted<'_>) -> StoreResult<()> {
    let items = &a.batch.items;
    let orders: Vec<&Order> = a.items.iter().map(|&i| &items[i].order).collect();
    let idem = |i: usize| &items[i].idempotency;
    let accepted = || a.items.iter().copied();
    let q = bind_orders(sqlx::query(WRITE_BATCH), &orders)
        .bind(a.batch.sale_id.as_uuid())
        .bind(a.remaining)
        .bind(
            accepted()
                .map(|i| idem(i).user_id.as_uuid())
                .collect::<Vec<_>>(),
        )
        .bind(accepted().map(|i| idem(i).scope).collect::<Vec<_>>())
        .bind(accepted().map(|i| idem(i).key.as_str()).collect::<Vec<_>>())
        .bind(
            accepted()
                .map(|i| idem(i).request_hash.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            accepted()
                .map(|i| a.responses[i].as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            accepted()
                .map(|i| idem(i).created_at.millis())
                .collect::<Vec<_>>(),
        )
        .bind(a.counters.iter().map(|c| c.0).collect::<Vec<_>>())
        .bind(a.counters.iter().map(|c| c.1).collect::<Vec<_>>());
    let (event, job) = (&a.batch.event, &a.batch.expiry_job);
    q.bind(event.id.as_uuid())
        .bind(&event.topic)
        .bind(a.event_payload)
        .bind(event.created_at.millis())
        .bind(job.id.as_uuid())
        .bind(&job.kind)
        .bind(a.job_payload)
        .bind(job.run_at.millis())
        .execute(conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

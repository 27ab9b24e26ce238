//! Flash units going back to their sale: expiry of unpaid flash orders,
//! and cancellation of one flash order through `transition_order`.
//!
//! Lock order (see migrations/0002_live.sql): the sale row FIRST, then
//! orders. A status move is guarded on the old status under the order's
//! row lock, so units are returned at most once. What a buyer holds
//! against the cap is each order's `flash_held` (migration 0005).

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use yc_domain::order::OrderStatus;
use yc_domain::{FlashSaleId, OrderId, Timestamp};
use yc_store::{StoreError, StoreResult};

use crate::error::{corrupt, db_err};

/// Locks the sale row; `false` if there is no such sale.
pub(crate) async fn lock_sale(conn: &mut PgConnection, sale: Uuid) -> StoreResult<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM flash_sales WHERE id = $1 FOR UPDATE")
            .bind(sale)
            .fetch_optional(conn)
            .await
            .map_err(db_err)?;
    Ok(found.is_some())
}

/// The sale a flash order belongs to (`None` for an ordinary order or an
/// unknown one). Read without a lock: it never changes once written.
pub(crate) async fn sale_of_order(
    conn: &mut PgConnection,
    order: OrderId,
) -> StoreResult<Option<Uuid>> {
    let sale: Option<Option<Uuid>> =
        sqlx::query_scalar("SELECT flash_sale_id FROM orders WHERE id = $1")
            .bind(order.as_uuid())
            .fetch_optional(conn)
            .await
            .map_err(db_err)?;
    Ok(sale.flatten())
}

/// Locks the sale of a flash order, if it is one, and returns it. Re-locking
/// a row this transaction already holds is a no-op.
pub(crate) async fn lock_sale_of(
    conn: &mut PgConnection,
    order: OrderId,
) -> StoreResult<Option<Uuid>> {
    let sale = sale_of_order(conn, order).await?;
    if let Some(sale) = sale {
        lock_sale(conn, sale).await?;
    }
    Ok(sale)
}

/// Gives `units` of one flash order back to the sale's pool and off what
/// the order holds (an after-sales refund of unshipped units). The caller
/// holds the sale's row lock.
pub(crate) async fn release_units(
    conn: &mut PgConnection,
    sale: Uuid,
    order: OrderId,
    units: i64,
) -> StoreResult<()> {
    give_back(conn, sale, vec![(order.as_uuid(), units)]).await
}

/// Gives one (already moved) flash order's units back to its sale's pool.
/// The caller holds the sale's row lock.
pub(crate) async fn release_order(
    conn: &mut PgConnection,
    sale: Uuid,
    order: OrderId,
) -> StoreResult<()> {
    let units: i64 = sqlx::query_scalar(
        "SELECT COALESCE(sum(quantity), 0)::int8 FROM order_lines WHERE order_id = $1",
    )
    .bind(order.as_uuid())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    give_back(conn, sale, vec![(order.as_uuid(), units)]).await
}

/// `units` = (order, units), each order once; one statement lowers what
/// the orders hold and one refills the pool. The CHECKs (`flash_held >= 0`,
/// `remaining <= pool_size`) stop any double return as a `Backend` error.
async fn give_back(
    conn: &mut PgConnection,
    sale: Uuid,
    units: Vec<(Uuid, i64)>,
) -> StoreResult<()> {
    let units: Vec<(Uuid, i64)> = units.into_iter().filter(|(_, n)| *n > 0).collect();
    let total: i64 = units.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return Ok(());
    }
    let orders: Vec<Uuid> = units.iter().map(|(o, _)| *o).collect();
    let counts = units
        .iter()
        .map(|(_, n)| i32::try_from(*n).map_err(|_| corrupt("flash units")))
        .collect::<StoreResult<Vec<i32>>>()?;
    let lowered = sqlx::query(
        "UPDATE orders o SET flash_held = o.flash_held - u.units \
         FROM UNNEST($2::uuid[], $3::int4[]) AS u(id, units) \
         WHERE o.id = u.id AND o.flash_sale_id = $1",
    )
    .bind(sale)
    .bind(&orders)
    .bind(counts)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?
    .rows_affected();
    if usize::try_from(lowered).ok() != Some(orders.len()) {
        tracing::error!(%sale, "flash order not in its sale");
        return Err(StoreError::Backend("flash order not in its sale".into()));
    }
    sqlx::query("UPDATE flash_sales SET remaining = remaining + $2 WHERE id = $1")
        .bind(sale)
        .bind(total)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// One transaction: lock the sale, cancel (guarded) up to `limit` unpaid
/// orders past their deadline, append their timeline events, give their
/// units back. An unknown sale has nothing to expire (0).
pub(crate) async fn expire(
    pool: &PgPool,
    sale: FlashSaleId,
    now: Timestamp,
    note: &str,
    limit: u32,
) -> StoreResult<u32> {
    if limit == 0 {
        return Ok(0);
    }
    let mut tx = pool.begin().await.map_err(db_err)?;
    if !lock_sale(&mut tx, sale.as_uuid()).await? {
        return Ok(0);
    }
    // The due rows are picked and locked ONCE (a materialised CTE: an `IN
    // (SELECT … LIMIT … FOR UPDATE)` may be rescanned, and a rescan skips
    // the rows this statement already moved and takes the next ones, past
    // the limit). FOR UPDATE re-checks each row's status on its latest
    // version (a concurrent payment wins or loses cleanly); the outer
    // guard repeats it.
    let moved: Vec<(Uuid, i64)> = sqlx::query_as(
        "WITH due AS MATERIALIZED (SELECT id FROM orders WHERE flash_sale_id = $1 \
         AND status = $5 AND pay_deadline <= $2 ORDER BY pay_deadline LIMIT $3 FOR UPDATE) \
         UPDATE orders o SET status = $4 FROM due WHERE o.id = due.id AND o.status = $5 \
         RETURNING o.id, \
         (SELECT COALESCE(sum(l.quantity), 0)::int8 FROM order_lines l WHERE l.order_id = o.id)",
    )
    .bind(sale.as_uuid())
    .bind(now.millis())
    .bind(i64::from(limit))
    .bind(OrderStatus::Cancelled.as_str())
    .bind(OrderStatus::PendingPayment.as_str())
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?;
    if moved.is_empty() {
        tx.rollback().await.map_err(db_err)?;
        return Ok(0);
    }
    let ids: Vec<Uuid> = moved.iter().map(|m| m.0).collect();
    sqlx::query(
        "INSERT INTO order_events (order_id, status, at, note) \
         SELECT u.id, $2, $3, $4 FROM UNNEST($1::uuid[]) AS u(id)",
    )
    .bind(&ids)
    .bind(OrderStatus::Cancelled.as_str())
    .bind(now.millis())
    .bind(note)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    let n = u32::try_from(moved.len()).map_err(|_| corrupt("expired count"))?;
    give_back(&mut tx, sale.as_uuid(), moved).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(n)
}

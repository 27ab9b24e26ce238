//! Flash units going back: expiring a sale's unpaid orders, and the release
//! a cancelled flash order makes (to the sale's pool and off the units the
//! order holds against the buyer's cap, never to the SKU, whose stock the
//! pool already left).

use sqlx::SqliteConnection;
use uuid::Uuid;
use uuid::fmt::Hyphenated;
use yc_domain::order::OrderStatus;
use yc_domain::{FlashSaleId, Timestamp};
use yc_store::{StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::sql::{Key, key_list, to_json};

/// Cancels up to `limit` of the sale's due unpaid orders, each guarded on
/// `pending_payment` and given a timeline event, and returns their units.
/// The status guard makes a second run find nothing to return.
pub(crate) async fn expire(
    conn: &mut SqliteConnection,
    sale: FlashSaleId,
    now: Timestamp,
    note: &str,
    limit: u32,
) -> StoreResult<u32> {
    let moved: Vec<(Hyphenated,)> = sqlx::query_as(
        "UPDATE orders SET status = ?4 \
         WHERE id IN (SELECT id FROM orders \
                      WHERE flash_sale_id = ?1 AND status = ?5 AND pay_deadline <= ?2 \
                      ORDER BY pay_deadline, id LIMIT ?3) \
           AND status = ?5 \
         RETURNING id",
    )
    .bind(sale.key())
    .bind(now.millis())
    .bind(i64::from(limit))
    .bind(OrderStatus::Cancelled.as_str())
    .bind(OrderStatus::PendingPayment.as_str())
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    if moved.is_empty() {
        return Ok(0);
    }
    let mut ids: Vec<Uuid> = moved.into_iter().map(|(id,)| id.into_uuid()).collect();
    // RETURNING does not promise an order; the timeline rows go in id order.
    ids.sort_unstable();
    let ids_json = key_list(&ids);
    sqlx::query(
        "INSERT INTO order_events (order_id, status, at, note) \
         SELECT value, ?2, ?3, ?4 FROM json_each(?1) ORDER BY key",
    )
    .bind(&ids_json)
    .bind(OrderStatus::Cancelled.as_str())
    .bind(now.millis())
    .bind(note)
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let returns: Vec<(Hyphenated, i64)> = sqlx::query_as(
        "SELECT o.id, SUM(l.quantity) FROM orders AS o \
         JOIN order_lines AS l ON l.order_id = o.id \
         WHERE o.id IN (SELECT value FROM json_each(?)) GROUP BY o.id",
    )
    .bind(&ids_json)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let returns: Vec<(Uuid, i64)> = returns
        .into_iter()
        .map(|(order, units)| (order.into_uuid(), units))
        .collect();
    let units = returns.iter().map(|(_, n)| n).sum();
    release(conn, sale.0, units, &returns).await?;
    u32::try_from(ids.len()).map_err(|_| StoreError::Backend("expired count overflow".into()))
}

/// Gives `units` back to the sale's pool and lowers what each order holds
/// by what it returned (`returns` holds each order once). Callers run it
/// only after their guarded status update moved the orders.
pub(crate) async fn release(
    conn: &mut SqliteConnection,
    sale: Uuid,
    units: i64,
    returns: &[(Uuid, i64)],
) -> StoreResult<()> {
    sqlx::query("UPDATE flash_sales SET remaining = remaining + ? WHERE id = ?")
        .bind(units)
        .bind(sale.key())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    let rows: Vec<(Hyphenated, i64)> = returns.iter().map(|(b, n)| (b.key(), *n)).collect();
    let rows = to_json(&rows)?;
    sqlx::query(
        // Materialised, so the plan walks the list and seeks each order by
        // primary key instead of scanning the sale's orders per entry.
        "WITH r (id, units) AS MATERIALIZED \
           (SELECT value ->> 0, value ->> 1 FROM json_each(?1)) \
         UPDATE orders SET flash_held = flash_held - r.units FROM r \
         WHERE orders.id = r.id AND orders.flash_sale_id = ?2",
    )
    .bind(&rows)
    .bind(sale.key())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    // The flash writer's in-memory held units learn of it here (see
    // migration 0007), in this same transaction.
    sqlx::query(
        "WITH r (id, units) AS MATERIALIZED \
           (SELECT value ->> 0, value ->> 1 FROM json_each(?1)) \
         INSERT INTO flash_releases (sale_id, buyer_id, units) \
         SELECT ?2, o.buyer_id, r.units FROM r JOIN orders AS o ON o.id = r.id \
         WHERE o.flash_sale_id = ?2 AND r.units > 0 ORDER BY o.id",
    )
    .bind(&rows)
    .bind(sale.key())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

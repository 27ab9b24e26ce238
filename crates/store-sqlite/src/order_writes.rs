//! Guarded order transitions and the rows every order-changing use case
//! appends (timeline events, outbox events, idempotency keys).

use sqlx::SqliteConnection;
use uuid::fmt::Hyphenated;
use yc_domain::OrderId;
use yc_domain::order::{OrderEvent, OrderStatus};
use yc_store::{
    IdempotencyWrite, OrderTransitionWrite, OutboxEvent, StoreError, StoreResult, TransitionOutcome,
};

use crate::error::from_sqlx;
use crate::flash_expire;
use crate::rows::order_status;
use crate::sql::{Key, to_json};

pub(crate) async fn transition(
    conn: &mut SqliteConnection,
    write: &OrderTransitionWrite,
) -> StoreResult<TransitionOutcome> {
    let moved: Option<(Option<Hyphenated>,)> = sqlx::query_as(
        "UPDATE orders SET status = ? WHERE id = ? AND status = ? \
         RETURNING flash_sale_id",
    )
    .bind(write.to.as_str())
    .bind(write.order_id.key())
    .bind(write.from.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let Some((flash_sale,)) = moved else {
        return match current_status(conn, write.order_id).await? {
            Some(status) => Ok(TransitionOutcome::StatusWas(status)),
            None => Err(StoreError::NotFound),
        };
    };
    insert_event(conn, write.order_id, &write.event).await?;
    // Runs only when the guarded update above moved the order, so the units
    // go back exactly once.
    match (write.release_stock, flash_sale) {
        (false, _) => {}
        (true, None) => release_to_skus(conn, write.order_id).await?,
        (true, Some(sale)) => {
            let units: i64 = sqlx::query_scalar(
                "SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE order_id = ?",
            )
            .bind(write.order_id.key())
            .fetch_one(&mut *conn)
            .await
            .map_err(from_sqlx)?;
            let returns = [(write.order_id.0, units)];
            flash_expire::release(conn, sale.into_uuid(), units, &returns).await?;
        }
    }
    insert_outbox(conn, &write.outbox).await?;
    Ok(TransitionOutcome::Applied)
}

async fn release_to_skus(conn: &mut SqliteConnection, order: OrderId) -> StoreResult<()> {
    sqlx::query(
        "UPDATE skus SET stock = stock + \
           (SELECT SUM(quantity) FROM order_lines WHERE order_id = ?1 AND sku_id = skus.id) \
         WHERE id IN (SELECT sku_id FROM order_lines WHERE order_id = ?1)",
    )
    .bind(order.key())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

pub(crate) async fn current_status(
    conn: &mut SqliteConnection,
    id: OrderId,
) -> StoreResult<Option<OrderStatus>> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM orders WHERE id = ?")
        .bind(id.key())
        .fetch_optional(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    status.as_deref().map(order_status).transpose()
}

pub(crate) async fn insert_event(
    conn: &mut SqliteConnection,
    order: OrderId,
    event: &OrderEvent,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO order_events (order_id, status, at, note) VALUES (?, ?, ?, ?)")
        .bind(order.key())
        .bind(event.status.as_str())
        .bind(event.at.millis())
        .bind(&event.note)
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    Ok(())
}

pub(crate) async fn insert_outbox(
    conn: &mut SqliteConnection,
    event: &OutboxEvent,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO outbox (id, topic, payload, created_at) VALUES (?, ?, ?, ?)")
        .bind(event.id.key())
        .bind(&event.topic)
        .bind(to_json(&event.payload)?)
        .bind(event.created_at.millis())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    Ok(())
}

/// `IdempotencyKeyTaken` (via the primary key) if the key was used.
pub(crate) async fn insert_idempotency(
    conn: &mut SqliteConnection,
    write: &IdempotencyWrite,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, scope, key, request_hash, response, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(write.user_id.key())
    .bind(write.scope)
    .bind(&write.key)
    .bind(&write.request_hash)
    .bind(to_json(&write.response)?)
    .bind(write.created_at.millis())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

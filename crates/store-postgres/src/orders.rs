//! Orders: creation (idempotency, stock reservation, cart cleanup, expiry
//! job, outbox — one transaction), reads and guarded status moves.
//! Payments are delegated to `payments`.

use async_trait::async_trait;
use sqlx::PgConnection;
use uuid::Uuid;
use yc_domain::order::{Order, OrderStatus};
use yc_domain::page::PageRequest;
use yc_domain::payment::{Payment, PaymentMethod, PaymentStatus};
use yc_domain::{OrderId, PaymentId, UserId};
use yc_store::{
    IdempotencyRecord, IdempotencyWrite, NewOrder, OrderStore, OrderTransitionWrite,
    PaymentSettlement, SettleOutcome, StoreError, StoreResult, TransitionOutcome,
};

use crate::codec::{before, from_json, order_status, overfetch, to_json};
use crate::error::db_err;
use crate::ops::{insert_job, insert_outbox};
use crate::{PgStore, flash_release, order_rows, payments};

/// Inserts the idempotency row. Must be the FIRST write of its transaction:
/// a concurrent transaction with the same key then blocks on the primary key
/// until this one ends, and fails with `IdempotencyKeyTaken` if it commits.
pub(crate) async fn insert_idempotency(
    conn: &mut PgConnection,
    idem: &IdempotencyWrite,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, scope, key, request_hash, response, created_at) \
         VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
    )
    .bind(idem.user_id.as_uuid())
    .bind(idem.scope)
    .bind(&idem.key)
    .bind(&idem.request_hash)
    .bind(to_json(&idem.response)?)
    .bind(idem.created_at.millis())
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// `UPDATE … WHERE status = from`; on no match, what the status was
/// (`NotFound` if the order does not exist). Leaves the order row locked.
pub(crate) async fn guarded_move(
    conn: &mut PgConnection,
    order: OrderId,
    from: OrderStatus,
    to: OrderStatus,
) -> StoreResult<Result<(), OrderStatus>> {
    let moved = sqlx::query("UPDATE orders SET status = $3 WHERE id = $1 AND status = $2")
        .bind(order.as_uuid())
        .bind(from.as_str())
        .bind(to.as_str())
        .execute(&mut *conn)
        .await
        .map_err(db_err)?
        .rows_affected();
    if moved > 0 {
        return Ok(Ok(()));
    }
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(order.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?;
    let status = status.ok_or(StoreError::NotFound)?;
    Ok(Err(order_status(&status)?))
}

pub(crate) async fn insert_event(
    conn: &mut PgConnection,
    order: OrderId,
    event: &yc_domain::order::OrderEvent,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO order_events (order_id, status, at, note) VALUES ($1, $2, $3, $4)")
        .bind(order.as_uuid())
        .bind(event.status.as_str())
        .bind(event.at.millis())
        .bind(&event.note)
        .execute(conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Reserves every line's units: one conditional decrement per line, in
/// ascending SKU id order so two orders never wait on each other's rows.
/// The `stock >= qty` guard is re-checked on the latest row version after
/// the row lock is granted, so READ COMMITTED cannot oversell.
async fn reserve_stock(conn: &mut PgConnection, order: &Order) -> StoreResult<()> {
    let mut lines: Vec<_> = order.lines.iter().map(|l| (l.sku_id, l.quantity)).collect();
    lines.sort_by_key(|(sku, _)| *sku);
    for (sku, quantity) in lines {
        let taken = sqlx::query("UPDATE skus SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
            .bind(i64::from(quantity))
            .bind(sku.as_uuid())
            .execute(&mut *conn)
            .await
            .map_err(db_err)?
            .rows_affected();
        if taken == 0 {
            return Err(StoreError::SoldOut { sku_id: sku });
        }
    }
    Ok(())
}

/// Gives back the units of every line of `order`: SKU rows are locked in
/// ascending id order first (same order as `reserve_stock`), then updated
/// in one statement.
async fn release_stock(conn: &mut PgConnection, order: OrderId) -> StoreResult<()> {
    sqlx::query(
        "SELECT id FROM skus WHERE id IN (SELECT sku_id FROM order_lines WHERE order_id = $1) \
         ORDER BY id FOR NO KEY UPDATE",
    )
    .bind(order.as_uuid())
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "UPDATE skus s SET stock = s.stock + l.quantity \
         FROM (SELECT sku_id, sum(quantity)::bigint AS quantity FROM order_lines \
               WHERE order_id = $1 GROUP BY sku_id) l \
         WHERE s.id = l.sku_id",
    )
    .bind(order.as_uuid())
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// One guarded status move inside the caller's transaction: the whole of
/// `transition_order`, and the order part of fulfilment and after-sales
/// writes. Nothing is written unless the move applies. A flash order giving
/// its units back locks its sale row BEFORE the order row (the lock order of
/// group commits and expiry); a caller that already holds the order's row
/// lock must have taken the sale's first (`flash_release::lock_sale_of`).
pub(crate) async fn apply_transition(
    conn: &mut PgConnection,
    write: &OrderTransitionWrite,
) -> StoreResult<TransitionOutcome> {
    let flash_sale = if write.release_stock {
        flash_release::lock_sale_of(conn, write.order_id).await?
    } else {
        None
    };
    if let Err(was) = guarded_move(conn, write.order_id, write.from, write.to).await? {
        return Ok(TransitionOutcome::StatusWas(was));
    }
    insert_event(conn, write.order_id, &write.event).await?;
    match (write.release_stock, flash_sale) {
        (false, _) => {}
        (true, Some(sale)) => flash_release::release_order(conn, sale, write.order_id).await?,
        (true, None) => release_stock(conn, write.order_id).await?,
    }
    insert_outbox(&mut *conn, &write.outbox).await?;
    Ok(TransitionOutcome::Applied)
}

#[async_trait]
impl OrderStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn get_idempotencies(
        &self,
        scope: &str,
        keys: &[(UserId, &str)],
    ) -> StoreResult<Vec<Option<IdempotencyRecord>>> {
        if scope == yc_store::FLASH_SCOPE {
            return crate::flash::stored_keys(&self.pool, keys).await;
        }
        yc_store::one_by_one(self, scope, keys).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_idempotency(
        &self,
        user: UserId,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<IdempotencyRecord>> {
        if scope == yc_store::FLASH_SCOPE {
            // Every flash key lives on its order (migration 0005).
            let found = crate::flash::stored_keys(&self.pool, &[(user, key)]).await?;
            return Ok(found.into_iter().next().flatten());
        }
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT request_hash, response::text FROM idempotency_keys \
             WHERE user_id = $1 AND scope = $2 AND key = $3",
        )
        .bind(user.as_uuid())
        .bind(scope)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|(request_hash, response)| {
            Ok(IdempotencyRecord {
                request_hash,
                response: from_json(&response, "idempotent response")?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn create_order(&self, new: &NewOrder) -> StoreResult<()> {
        let order = &new.order;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        if let Some(idem) = &new.idempotency {
            insert_idempotency(&mut tx, idem).await?;
        }
        reserve_stock(&mut tx, order).await?;
        order_rows::insert_order(&mut tx, order).await?;
        if !new.remove_from_cart.is_empty() {
            let skus: Vec<Uuid> = new.remove_from_cart.iter().map(|s| s.as_uuid()).collect();
            sqlx::query("DELETE FROM cart_lines WHERE user_id = $1 AND sku_id = ANY($2)")
                .bind(order.buyer_id.as_uuid())
                .bind(skus)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        insert_job(&mut *tx, &new.expiry_job).await?;
        insert_outbox(&mut *tx, &new.event).await?;
        tx.commit().await.map_err(db_err)
    }

    #[tracing::instrument(skip_all)]
    async fn get_order(&self, id: OrderId) -> StoreResult<Option<Order>> {
        order_rows::get_order(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_orders(
        &self,
        buyer: UserId,
        status: Option<OrderStatus>,
        page: PageRequest,
    ) -> StoreResult<Vec<Order>> {
        order_rows::list_orders(&self.pool, buyer, status, before(page), overfetch(page)).await
    }

    #[tracing::instrument(skip_all)]
    async fn transition_order(
        &self,
        write: &OrderTransitionWrite,
    ) -> StoreResult<TransitionOutcome> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let outcome = apply_transition(&mut tx, write).await?;
        if outcome == TransitionOutcome::Applied {
            tx.commit().await.map_err(db_err)?;
        }
        Ok(outcome)
    }

    #[tracing::instrument(skip_all)]
    async fn create_payment(
        &self,
        payment: &Payment,
        idempotency: Option<&IdempotencyWrite>,
    ) -> StoreResult<()> {
        payments::create(&self.pool, payment, idempotency).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_payment(&self, id: PaymentId) -> StoreResult<Option<Payment>> {
        payments::get(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn order_payments(&self, order: OrderId) -> StoreResult<Vec<Payment>> {
        payments::of_order(&self.pool, order).await
    }

    #[tracing::instrument(skip_all)]
    async fn settle_payment(&self, settlement: &PaymentSettlement) -> StoreResult<SettleOutcome> {
        payments::settle(&self.pool, settlement).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_payment_status(
        &self,
        id: PaymentId,
        from: PaymentStatus,
        to: PaymentStatus,
    ) -> StoreResult<bool> {
        payments::set_status(&self.pool, id, from, to).await
    }

    #[tracing::instrument(skip_all)]
    async fn payment_method_usage(&self, buyer: UserId) -> StoreResult<Vec<(PaymentMethod, u64)>> {
        payments::method_usage(&self.pool, buyer).await
    }
}

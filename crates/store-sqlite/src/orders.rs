//! OrderStore: orders (here) and payments (in `payments`).

use async_trait::async_trait;
use sqlx::SqliteConnection;
use yc_domain::order::{Order, OrderStatus};
use yc_domain::page::PageRequest;
use yc_domain::payment::{Payment, PaymentMethod, PaymentStatus};
use yc_domain::{OrderId, PaymentId, UserId};
use yc_store::{
    IdempotencyRecord, IdempotencyWrite, NewOrder, OrderStore, OrderTransitionWrite,
    PaymentSettlement, SettleOutcome, StoreError, StoreResult, TransitionOutcome,
};

use crate::error::from_sqlx;
use crate::order_writes::{insert_event, insert_idempotency, insert_outbox, transition};
use crate::rows::{
    IdempotencyRow, OrderEventRow, OrderLineRow, OrderRow, assemble_orders, order_columns,
};
use crate::sql::{Key, before, begin_read, begin_write, finish, key_list, overfetch};
use crate::{SqliteStore, ops, payments};

#[async_trait]
impl OrderStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn get_idempotencies(
        &self,
        scope: &str,
        keys: &[(UserId, &str)],
    ) -> StoreResult<Vec<Option<IdempotencyRecord>>> {
        if scope != yc_store::FLASH_SCOPE {
            return yc_store::one_by_one(self, scope, keys).await;
        }
        // Every flash key lives on its order (migration 0006), found
        // through the flash writer's ledgers or flash_order_keys (0007); a
        // sold-out storm asks here for every refused tap, so the read runs
        // on the hot reader, one trip for all the keys.
        let held: Vec<_> = {
            let ledgers = self.ledgers.lock()?;
            keys.iter()
                .map(|(u, k)| ledgers.newest_key(*u, k))
                .collect()
        };
        let owned: Vec<(String, String)> = keys
            .iter()
            .map(|(u, k)| (u.key().to_string(), (*k).to_owned()))
            .collect();
        let indexed = self
            .hot_read
            .run(move |conn| {
                owned
                    .iter()
                    .map(|(u, k)| crate::hot_read::flash_key(conn, u, k))
                    .collect::<StoreResult<Vec<_>>>()
            })
            .await?;
        let mut found = Vec::with_capacity(keys.len());
        for (held, indexed) in held.into_iter().zip(indexed) {
            let held = held.map(|(hash, order)| (order.hyphenated().to_string(), hash));
            // Both may know the key (an order indexed and still held), or
            // each a different sale's order with it: the newest answers.
            found.push(match held.into_iter().chain(indexed).max() {
                None => None,
                Some((order_id, request_hash)) => {
                    let mut conn = self.read.acquire().await.map_err(from_sqlx)?;
                    crate::flash::stored_key(&mut conn, &order_id, request_hash).await?
                }
            });
        }
        Ok(found)
    }

    #[tracing::instrument(skip_all)]
    async fn get_idempotency(
        &self,
        user: UserId,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<IdempotencyRecord>> {
        if scope == yc_store::FLASH_SCOPE {
            let found = self.get_idempotencies(scope, &[(user, key)]).await?;
            return Ok(found.into_iter().next().flatten());
        }
        let row: Option<IdempotencyRow> = sqlx::query_as(
            "SELECT request_hash, response FROM idempotency_keys \
             WHERE user_id = ? AND scope = ? AND key = ?",
        )
        .bind(user.key())
        .bind(scope)
        .bind(key)
        .fetch_optional(&self.read)
        .await
        .map_err(from_sqlx)?;
        row.map(IdempotencyRow::into_record).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn create_order(&self, new: &NewOrder) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = create(&mut tx, new).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_order(&self, id: OrderId) -> StoreResult<Option<Order>> {
        let mut tx = begin_read(&self.read).await?;
        let outcome = get(&mut tx, id).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_orders(
        &self,
        buyer: UserId,
        status: Option<OrderStatus>,
        page: PageRequest,
    ) -> StoreResult<Vec<Order>> {
        let mut tx = begin_read(&self.read).await?;
        let outcome = list(&mut tx, buyer, status, page).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn transition_order(
        &self,
        write: &OrderTransitionWrite,
    ) -> StoreResult<TransitionOutcome> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = transition(&mut tx, write).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn create_payment(
        &self,
        payment: &Payment,
        idempotency: Option<&IdempotencyWrite>,
    ) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = payments::create(&mut tx, payment, idempotency).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_payment(&self, id: PaymentId) -> StoreResult<Option<Payment>> {
        payments::get(&self.read, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn order_payments(&self, order: OrderId) -> StoreResult<Vec<Payment>> {
        payments::of_order(&self.read, order).await
    }

    #[tracing::instrument(skip_all)]
    async fn settle_payment(&self, settlement: &PaymentSettlement) -> StoreResult<SettleOutcome> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = payments::settle(&mut tx, settlement).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_payment_status(
        &self,
        id: PaymentId,
        from: PaymentStatus,
        to: PaymentStatus,
    ) -> StoreResult<bool> {
        payments::set_status(&self.write, id, from, to).await
    }

    #[tracing::instrument(skip_all)]
    async fn payment_method_usage(&self, buyer: UserId) -> StoreResult<Vec<(PaymentMethod, u64)>> {
        payments::method_usage(&self.read, buyer).await
    }
}

/// The steps of `NewOrder`'s contract, in its order.
async fn create(conn: &mut SqliteConnection, new: &NewOrder) -> StoreResult<()> {
    let order = &new.order;
    // `Order::is_consistent` is the domain's precondition for writing an
    // order; a caller bug must not persist totals that do not add up.
    if !order.is_consistent() {
        tracing::error!("refusing to write an order whose totals do not add up");
        return Err(StoreError::Backend("inconsistent order totals".into()));
    }
    if let Some(idempotency) = &new.idempotency {
        insert_idempotency(conn, idempotency).await?;
    }
    // Ascending SKU id order, so concurrent orders lock rows alike (on
    // PostgreSQL; here the single writer serialises them anyway).
    let mut lines: Vec<_> = order.lines.iter().collect();
    lines.sort_by_key(|l| l.sku_id);
    for line in lines {
        let reserved =
            sqlx::query("UPDATE skus SET stock = stock - ?1 WHERE id = ?2 AND stock >= ?1")
                .bind(i64::from(line.quantity))
                .bind(line.sku_id.key())
                .execute(&mut *conn)
                .await
                .map_err(from_sqlx)?
                .rows_affected();
        if reserved == 0 {
            return Err(StoreError::SoldOut {
                sku_id: line.sku_id,
            });
        }
    }
    sqlx::query(concat!(
        "INSERT INTO orders (",
        order_columns!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(order.id.key())
    .bind(order.buyer_id.key())
    .bind(order.merchant_id.key())
    .bind(order.status.as_str())
    .bind(order.total.amount_minor)
    .bind(order.total.currency.code())
    .bind(&order.address.recipient)
    .bind(&order.address.phone)
    .bind(&order.address.region)
    .bind(&order.address.detail)
    .bind(order.created_at.millis())
    .bind(order.pay_deadline.millis())
    .bind(order.flash_sale_id.map(|s| s.key()))
    .bind(order.insurance.map(|i| i.source.as_str()))
    .bind(order.insurance.map_or(0, |i| i.premium.amount_minor))
    .bind(order.insurance.map_or(0, |i| i64::from(i.claimed)))
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    for (position, l) in (0_i64..).zip(&order.lines) {
        sqlx::query(
            "INSERT INTO order_lines (order_id, position, sku_id, product_id, title, spec_label, \
             image, unit_price_minor, quantity, line_total_minor, currency, product_kind, \
             no_reason_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(order.id.key())
        .bind(position)
        .bind(l.sku_id.key())
        .bind(l.product_id.key())
        .bind(&l.title)
        .bind(&l.spec_label)
        .bind(l.image.as_deref())
        .bind(l.unit_price.amount_minor)
        .bind(i64::from(l.quantity))
        .bind(l.line_total.amount_minor)
        .bind(l.unit_price.currency.code())
        .bind(l.return_policy.kind.as_str())
        .bind(l.return_policy.no_reason_days.map(i64::from))
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    }
    for event in &order.timeline {
        insert_event(conn, order.id, event).await?;
    }
    sqlx::query(
        "DELETE FROM cart_lines WHERE user_id = ? AND sku_id IN (SELECT value FROM json_each(?))",
    )
    .bind(order.buyer_id.key())
    .bind(key_list(&new.remove_from_cart))
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    ops::insert_job(conn, &new.expiry_job).await?;
    insert_outbox(conn, &new.event).await
}

pub(crate) async fn get(conn: &mut SqliteConnection, id: OrderId) -> StoreResult<Option<Order>> {
    let rows: Vec<OrderRow> = sqlx::query_as(concat!(
        "SELECT ",
        order_columns!(),
        " FROM orders WHERE id = ?"
    ))
    .bind(id.key())
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(with_details(conn, rows).await?.into_iter().next())
}

/// A buyer's orders newest first. Ordinary orders come from
/// orders_buyer_idx in id order; flash orders from flash_order_keys (all
/// of the buyer's below the cursor) and from a scan of the orders the
/// indexer has not reached yet (UNION: the two overlap while a pass is
/// under way; see migrations 0006 and 0007 for why flash orders are kept
/// apart).
async fn list(
    conn: &mut SqliteConnection,
    buyer: UserId,
    status: Option<OrderStatus>,
    page: PageRequest,
) -> StoreResult<Vec<Order>> {
    macro_rules! merged {
        ($filter:literal) => {
            concat!(
                "SELECT ",
                order_columns!(),
                " FROM (SELECT ",
                order_columns!(),
                " FROM orders WHERE buyer_id = ?1 AND flash_sale_id IS NULL AND id < ?2",
                $filter,
                " ORDER BY id DESC LIMIT ?3) UNION ALL SELECT ",
                order_columns!(),
                " FROM orders WHERE id IN (SELECT order_id FROM flash_order_keys \
                   WHERE buyer_id = ?1 AND order_id < ?2)",
                $filter,
                " UNION SELECT ",
                order_columns!(),
                " FROM orders WHERE rowid > (SELECT last_rowid FROM flash_index_mark) \
                   AND buyer_id = ?1 AND flash_sale_id IS NOT NULL AND id < ?2",
                $filter,
                " ORDER BY id DESC LIMIT ?3"
            )
        };
    }
    let query = match status {
        Some(_) => sqlx::query_as::<_, OrderRow>(merged!(" AND status = ?4")),
        None => sqlx::query_as::<_, OrderRow>(merged!("")),
    }
    .bind(buyer.key())
    .bind(before(page.after))
    .bind(overfetch(page));
    let query = match status {
        Some(status) => query.bind(status.as_str()),
        None => query,
    };
    let rows: Vec<OrderRow> = query.fetch_all(&mut *conn).await.map_err(from_sqlx)?;
    with_details(conn, rows).await
}

/// Completes order rows with lines and timelines: two queries per call.
async fn with_details(conn: &mut SqliteConnection, rows: Vec<OrderRow>) -> StoreResult<Vec<Order>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id.into_uuid()).collect();
    let ids = key_list(&ids);
    let lines: Vec<OrderLineRow> = sqlx::query_as(
        "SELECT order_id, sku_id, product_id, title, spec_label, image, unit_price_minor, \
         quantity, line_total_minor, currency, product_kind, no_reason_days FROM order_lines \
         WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, position",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let events: Vec<OrderEventRow> = sqlx::query_as(
        "SELECT order_id, status, at, note FROM order_events \
         WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, id",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    assemble_orders(rows, lines, events)
}

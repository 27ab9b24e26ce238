//! Payments: the SQL behind the payment half of `OrderStore`.

use sqlx::{SqliteConnection, SqlitePool};
use uuid::fmt::Hyphenated;
use yc_domain::order::OrderStatus;
use yc_domain::payment::{Payment, PaymentMethod, PaymentStatus};
use yc_domain::{OrderId, PaymentId, UserId};
use yc_store::{IdempotencyWrite, PaymentSettlement, SettleOutcome, StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::order_writes::{current_status, insert_event, insert_idempotency, insert_outbox};
use crate::rows::{
    PaymentRow, corrupt, count, id, payment_columns, payment_method, payment_status,
};
use crate::sql::Key;

pub(crate) async fn create(
    conn: &mut SqliteConnection,
    p: &Payment,
    idempotency: Option<&IdempotencyWrite>,
) -> StoreResult<()> {
    if let Some(idempotency) = idempotency {
        insert_idempotency(conn, idempotency).await?;
    }
    sqlx::query(concat!(
        "INSERT INTO payments (",
        payment_columns!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(p.id.key())
    .bind(p.order_id.key())
    .bind(p.buyer_id.key())
    .bind(p.method.as_str())
    .bind(p.amount.amount_minor)
    .bind(p.amount.currency.code())
    .bind(p.status.as_str())
    .bind(p.provider_trade_no.as_deref())
    .bind(p.created_at.millis())
    .bind(p.paid_at.map(|t| t.millis()))
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

pub(crate) async fn get(read: &SqlitePool, id: PaymentId) -> StoreResult<Option<Payment>> {
    let row: Option<PaymentRow> = sqlx::query_as(concat!(
        "SELECT ",
        payment_columns!(),
        " FROM payments WHERE id = ?"
    ))
    .bind(id.key())
    .fetch_optional(read)
    .await
    .map_err(from_sqlx)?;
    row.map(PaymentRow::into_payment).transpose()
}

pub(crate) async fn of_order(read: &SqlitePool, order: OrderId) -> StoreResult<Vec<Payment>> {
    let rows: Vec<PaymentRow> = sqlx::query_as(concat!(
        "SELECT ",
        payment_columns!(),
        " FROM payments WHERE order_id = ? ORDER BY created_at, id"
    ))
    .bind(order.key())
    .fetch_all(read)
    .await
    .map_err(from_sqlx)?;
    rows.into_iter().map(PaymentRow::into_payment).collect()
}

/// Payment `pending → succeeded`, then order `pending_payment → paid`, each
/// guarded; the caller's transaction makes the pair atomic.
pub(crate) async fn settle(
    conn: &mut SqliteConnection,
    s: &PaymentSettlement,
) -> StoreResult<SettleOutcome> {
    let order: Option<Hyphenated> = sqlx::query_scalar(
        "UPDATE payments SET status = ?, provider_trade_no = ?, paid_at = ? \
         WHERE id = ? AND status = ? RETURNING order_id",
    )
    .bind(PaymentStatus::Succeeded.as_str())
    .bind(&s.provider_trade_no)
    .bind(s.at.millis())
    .bind(s.payment_id.key())
    .bind(PaymentStatus::Pending.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let Some(order) = order.map(id::<OrderId>) else {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM payments WHERE id = ?")
            .bind(s.payment_id.key())
            .fetch_optional(&mut *conn)
            .await
            .map_err(from_sqlx)?;
        let status = status.ok_or(StoreError::NotFound)?;
        return Ok(SettleOutcome::AlreadySettled(payment_status(&status)?));
    };

    let paid = sqlx::query("UPDATE orders SET status = ? WHERE id = ? AND status = ?")
        .bind(OrderStatus::Paid.as_str())
        .bind(order.key())
        .bind(OrderStatus::PendingPayment.as_str())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?
        .rows_affected();
    if paid == 0 {
        // The money is in but the order moved on: keep the payment
        // succeeded so the caller refunds it.
        let status = current_status(conn, order)
            .await?
            .ok_or_else(|| corrupt("payments.order_id"))?;
        return Ok(SettleOutcome::OrderNotPayable(status));
    }
    insert_event(conn, order, &s.order_event).await?;
    insert_outbox(conn, &s.outbox).await?;
    Ok(SettleOutcome::OrderPaid)
}

pub(crate) async fn set_status(
    write: &crate::writer::Writer,
    id: PaymentId,
    from: PaymentStatus,
    to: PaymentStatus,
) -> StoreResult<bool> {
    let changed = sqlx::query("UPDATE payments SET status = ? WHERE id = ? AND status = ?")
        .bind(to.as_str())
        .bind(id.key())
        .bind(from.as_str())
        .execute(&mut *write.conn().await?)
        .await
        .map_err(from_sqlx)?
        .rows_affected();
    Ok(changed == 1)
}

pub(crate) async fn method_usage(
    read: &SqlitePool,
    buyer: UserId,
) -> StoreResult<Vec<(PaymentMethod, u64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT method, COUNT(*) FROM payments WHERE buyer_id = ? AND status = ? \
         GROUP BY method ORDER BY method",
    )
    .bind(buyer.key())
    .bind(PaymentStatus::Succeeded.as_str())
    .fetch_all(read)
    .await
    .map_err(from_sqlx)?;
    rows.into_iter()
        .map(|(method, n)| Ok((payment_method(&method)?, count(n)?)))
        .collect()
}

//! Payment attempts and their settlement.

use sqlx::PgPool;
use yc_domain::order::OrderStatus;
use yc_domain::payment::{Payment, PaymentMethod, PaymentStatus};
use yc_domain::{OrderId, PaymentId, UserId};
use yc_store::{IdempotencyWrite, PaymentSettlement, SettleOutcome, StoreError, StoreResult};

use crate::codec::{count, payment_method, payment_status};
use crate::error::db_err;
use crate::ops::insert_outbox;
use crate::orders::{guarded_move, insert_event, insert_idempotency};
use crate::rows::{PaymentRow, payment_columns};

pub(crate) async fn create(
    pool: &PgPool,
    payment: &Payment,
    idempotency: Option<&IdempotencyWrite>,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    if let Some(idem) = idempotency {
        insert_idempotency(&mut tx, idem).await?;
    }
    sqlx::query(concat!(
        "INSERT INTO payments (",
        payment_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(payment.id.as_uuid())
    .bind(payment.order_id.as_uuid())
    .bind(payment.buyer_id.as_uuid())
    .bind(payment.method.as_str())
    .bind(payment.amount.amount_minor)
    .bind(payment.amount.currency.code())
    .bind(payment.status.as_str())
    .bind(payment.provider_trade_no.as_deref())
    .bind(payment.created_at.millis())
    .bind(payment.paid_at.map(|t| t.millis()))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn get(pool: &PgPool, id: PaymentId) -> StoreResult<Option<Payment>> {
    let row: Option<PaymentRow> = sqlx::query_as(concat!(
        "SELECT ",
        payment_columns!(),
        " FROM payments WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    row.map(PaymentRow::into_payment).transpose()
}

pub(crate) async fn of_order(pool: &PgPool, order: OrderId) -> StoreResult<Vec<Payment>> {
    let rows: Vec<PaymentRow> = sqlx::query_as(concat!(
        "SELECT ",
        payment_columns!(),
        " FROM payments WHERE order_id = $1 ORDER BY created_at, id"
    ))
    .bind(order.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.into_iter().map(PaymentRow::into_payment).collect()
}

/// Payment `pending → succeeded`, then order `pending_payment → paid` with
/// its timeline and outbox events, in one transaction. Locks the payment
/// row, then the order row (nothing locks them in the other order).
pub(crate) async fn settle(pool: &PgPool, s: &PaymentSettlement) -> StoreResult<SettleOutcome> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let order: Option<uuid::Uuid> = sqlx::query_scalar(
        "UPDATE payments SET status = 'succeeded', provider_trade_no = $2, paid_at = $3 \
         WHERE id = $1 AND status = 'pending' RETURNING order_id",
    )
    .bind(s.payment_id.as_uuid())
    .bind(&s.provider_trade_no)
    .bind(s.at.millis())
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let Some(order) = order else {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM payments WHERE id = $1")
                .bind(s.payment_id.as_uuid())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        let status = status.ok_or(StoreError::NotFound)?;
        return Ok(SettleOutcome::AlreadySettled(payment_status(&status)?));
    };
    let order = OrderId::from(order);
    let outcome = match guarded_move(
        &mut tx,
        order,
        OrderStatus::PendingPayment,
        OrderStatus::Paid,
    )
    .await?
    {
        Ok(()) => {
            insert_event(&mut tx, order, &s.order_event).await?;
            insert_outbox(&mut *tx, &s.outbox).await?;
            SettleOutcome::OrderPaid
        }
        // The money arrived but the order cannot take it: the payment
        // stays `succeeded` (committed) so the caller refunds it.
        Err(status) => SettleOutcome::OrderNotPayable(status),
    };
    tx.commit().await.map_err(db_err)?;
    Ok(outcome)
}

pub(crate) async fn set_status(
    pool: &PgPool,
    id: PaymentId,
    from: PaymentStatus,
    to: PaymentStatus,
) -> StoreResult<bool> {
    let changed = sqlx::query("UPDATE payments SET status = $3 WHERE id = $1 AND status = $2")
        .bind(id.as_uuid())
        .bind(from.as_str())
        .bind(to.as_str())
        .execute(pool)
        .await
        .map_err(db_err)?
        .rows_affected();
    Ok(changed > 0)
}

pub(crate) async fn method_usage(
    pool: &PgPool,
    buyer: UserId,
) -> StoreResult<Vec<(PaymentMethod, u64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT method, count(*) FROM payments WHERE buyer_id = $1 AND status = 'succeeded' \
         GROUP BY method ORDER BY method",
    )
    .bind(buyer.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|(method, n)| Ok((payment_method(&method)?, count(n)?)))
        .collect()
}

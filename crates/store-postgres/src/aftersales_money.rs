//! The money side of after-sales writes, each inside its caller's
//! transaction: the 运费险 claim, settling a refund, restocking a return.
//! Each is decided by one guarded flip (`orders.insurance_claimed`,
//! `refunds.status`, `aftersales_requests.restocked`).

use sqlx::PgConnection;
use uuid::Uuid;
use yc_domain::aftersales::ClaimRecord;
use yc_domain::{AfterSalesId, SkuId};
use yc_store::{RefundSettlement, StoreResult};

use crate::aftersales_writes::{lock_sale_for, move_request};
use crate::error::db_err;

/// Pays only if the order has a policy that is still unclaimed: the flag
/// flips in a guarded UPDATE (the order's row lock serialises two claims),
/// and the claim row is written only by the flip's winner.
pub(crate) async fn claim_insurance(
    conn: &mut PgConnection,
    order: Uuid,
    request: AfterSalesId,
    claim: &ClaimRecord,
) -> StoreResult<()> {
    let flipped = sqlx::query(
        "UPDATE orders SET insurance_claimed = true \
         WHERE id = $1 AND insurance_source IS NOT NULL AND NOT insurance_claimed",
    )
    .bind(order)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?
    .rows_affected();
    if flipped == 0 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO insurance_claims (order_id, request_id, amount_minor, currency, paid_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order)
    .bind(request.as_uuid())
    .bind(claim.amount.amount_minor)
    .bind(claim.amount.currency.code())
    .bind(claim.paid_at.millis())
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// `pending → succeeded`, then the request move the payment completes
/// (applied if the request is still in its `from`). The request row is
/// locked before the refund's, as `move_request` inserting a refund does.
pub(crate) async fn settle(conn: &mut PgConnection, s: &RefundSettlement) -> StoreResult<bool> {
    if let Some(request) = &s.request {
        lock_sale_for(conn, request).await?;
        sqlx::query("SELECT 1 FROM aftersales_requests WHERE id = $1 FOR NO KEY UPDATE")
            .bind(request.request_id.as_uuid())
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    }
    let settled = sqlx::query(
        "UPDATE refunds SET status = 'succeeded', paid_at = $2, provider_ref = $3 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(s.refund_id.as_uuid())
    .bind(s.at.millis())
    .bind(&s.provider_ref)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?
    .rows_affected();
    if settled == 0 {
        return Ok(false);
    }
    if let Some(request) = &s.request {
        move_request(conn, request).await?;
    }
    Ok(true)
}

/// Puts the units back once: the guarded flip of `restocked` decides.
pub(crate) async fn restock(
    conn: &mut PgConnection,
    request: AfterSalesId,
    sku: SkuId,
    quantity: u32,
) -> StoreResult<bool> {
    let flipped = sqlx::query(
        "UPDATE aftersales_requests SET restocked = true WHERE id = $1 AND NOT restocked",
    )
    .bind(request.as_uuid())
    .execute(&mut *conn)
    .await
    .map_err(db_err)?
    .rows_affected();
    if flipped == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE skus SET stock = stock + $2 WHERE id = $1")
        .bind(sku.as_uuid())
        .bind(i64::from(quantity))
        .execute(conn)
        .await
        .map_err(db_err)?;
    Ok(true)
}

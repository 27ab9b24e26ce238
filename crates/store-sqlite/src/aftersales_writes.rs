//! The writes of after-sales: opening, moving, paying, restocking. Each
//! runs inside the caller's transaction.

use sqlx::SqliteConnection;
use uuid::fmt::Hyphenated;
use yc_domain::aftersales::{AfterSalesRequest, Refund, RequestEvent};
use yc_domain::{AfterSalesId, SkuId, Timestamp, UserId};
use yc_store::{
    OpenOutcome, OpenRequestWrite, RefundSettlement, RequestOutcome, RequestTransitionWrite,
    StoreError, StoreResult,
};

use crate::aftersales_rows::{refund_columns, request_columns};
use crate::error::from_sqlx;
use crate::fulfilment::insert_shipment;
use crate::ops::insert_job;
use crate::order_writes::{current_status, insert_idempotency, insert_outbox, transition};
use crate::sql::{Key, enum_parse, enum_str, to_json};

/// The order of `OpenRequestWrite`'s contract: the idempotency row first,
/// so a retry of an open that moved the order on still finds its key. The
/// caller rolls a refusal back.
pub(crate) async fn open(
    conn: &mut SqliteConnection,
    write: &OpenRequestWrite,
) -> StoreResult<OpenOutcome> {
    let r = &write.request;
    if let Some(idempotency) = &write.idempotency {
        insert_idempotency(conn, idempotency).await?;
    }
    let status = current_status(conn, r.order_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if status != write.order_status {
        return Ok(OpenOutcome::OrderStatusWas(status));
    }
    let counted = sqlx::query(
        "UPDATE order_lines SET as_requests = as_requests + 1, as_units = as_units + ?1 \
         WHERE order_id = ?2 AND sku_id = ?3 AND as_requests < ?4 AND as_units + ?1 <= quantity",
    )
    .bind(i64::from(r.quantity))
    .bind(r.order_id.key())
    .bind(r.sku_id.key())
    .bind(i64::from(write.max_requests))
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?
    .rows_affected();
    if counted == 0 {
        return Ok(OpenOutcome::LineLimit);
    }
    insert_request(conn, r).await?;
    for event in &r.timeline {
        insert_event(conn, r.id, event).await?;
    }
    if let Some(refund) = &write.refund {
        insert_refund(conn, refund, r.buyer_id).await?;
    }
    if write.release_units {
        release_units(conn, r).await?;
    }
    if let Some(order) = &write.order {
        transition(conn, order).await?;
    }
    for job in &write.jobs {
        insert_job(conn, job).await?;
    }
    insert_outbox(conn, &write.outbox).await?;
    Ok(OpenOutcome::Opened)
}

async fn insert_request(conn: &mut SqliteConnection, r: &AfterSalesRequest) -> StoreResult<()> {
    sqlx::query(concat!(
        "INSERT INTO aftersales_requests (",
        request_columns!(),
        ") \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(r.id.key())
    .bind(r.order_id.key())
    .bind(r.buyer_id.key())
    .bind(r.merchant_id.key())
    .bind(r.sku_id.key())
    .bind(enum_str(&r.kind)?)
    .bind(i64::from(r.quantity))
    .bind(enum_str(&r.reason)?)
    .bind(&r.reason_text)
    .bind(to_json(&r.evidence)?)
    .bind(enum_str(&r.state)?)
    .bind(enum_str(&r.rule)?)
    .bind(r.refund_amount.amount_minor)
    .bind(r.refund_amount.currency.code())
    .bind(i64::from(r.instant_refund_eligible))
    .bind(r.opened_at.millis())
    .bind(r.clock_since.millis())
    .bind(r.deadline.map(Timestamp::millis))
    .bind(i64::from(r.restocked))
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

async fn insert_event(
    conn: &mut SqliteConnection,
    request: AfterSalesId,
    e: &RequestEvent,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO aftersales_events (request_id, at, state, transition, actor, rule, note) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(request.key())
    .bind(e.at.millis())
    .bind(enum_str(&e.state)?)
    .bind(e.transition.as_ref().map(enum_str).transpose()?)
    .bind(&e.actor)
    .bind(e.rule.as_ref().map(enum_str).transpose()?)
    .bind(&e.note)
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

async fn insert_refund(conn: &mut SqliteConnection, r: &Refund, buyer: UserId) -> StoreResult<()> {
    sqlx::query(concat!(
        "INSERT INTO refunds (",
        refund_columns!(),
        ", buyer_id) \
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, NULL, NULL, ?)"
    ))
    .bind(r.id.key())
    .bind(r.request_id.key())
    .bind(r.order_id.key())
    .bind(r.payment_id.key())
    .bind(r.amount.amount_minor)
    .bind(r.amount.currency.code())
    .bind(i64::from(r.instant))
    .bind(r.created_at.millis())
    .bind(buyer.key())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

/// Unshipped units go back where they came from: the SKU, or the flash
/// sale's pool and the buyer's flash counter.
async fn release_units(conn: &mut SqliteConnection, r: &AfterSalesRequest) -> StoreResult<()> {
    let sale: Option<Option<Hyphenated>> =
        sqlx::query_scalar("SELECT flash_sale_id FROM orders WHERE id = ?")
            .bind(r.order_id.key())
            .fetch_optional(&mut *conn)
            .await
            .map_err(from_sqlx)?;
    let units = i64::from(r.quantity);
    match sale.flatten() {
        Some(sale) => {
            let returns = [(r.order_id.0, units)];
            crate::flash_expire::release(conn, sale.into_uuid(), units, &returns).await
        }
        None => {
            sqlx::query("UPDATE skus SET stock = stock + ? WHERE id = ?")
                .bind(units)
                .bind(r.sku_id.key())
                .execute(&mut *conn)
                .await
                .map_err(from_sqlx)?;
            Ok(())
        }
    }
}

pub(crate) async fn move_request(
    conn: &mut SqliteConnection,
    w: &RequestTransitionWrite,
) -> StoreResult<RequestOutcome> {
    let moved: Option<(Hyphenated, Hyphenated, i64)> = sqlx::query_as(
        "UPDATE aftersales_requests SET state = ?, clock_since = ?, deadline = ? \
         WHERE id = ? AND state = ? RETURNING order_id, sku_id, quantity",
    )
    .bind(enum_str(&w.to)?)
    .bind(w.clock_since.millis())
    .bind(w.deadline.map(Timestamp::millis))
    .bind(w.request_id.key())
    .bind(enum_str(&w.from)?)
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let Some((order, sku, quantity)) = moved else {
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM aftersales_requests WHERE id = ?")
                .bind(w.request_id.key())
                .fetch_optional(&mut *conn)
                .await
                .map_err(from_sqlx)?;
        let state = state.ok_or(StoreError::NotFound)?;
        return Ok(RequestOutcome::StateWas(enum_parse(
            &state,
            "aftersales.state",
        )?));
    };
    if let Some(idempotency) = &w.idempotency {
        insert_idempotency(conn, idempotency).await?;
    }
    insert_event(conn, w.request_id, &w.event).await?;
    if let Some(refund) = &w.refund {
        let buyer: Hyphenated = sqlx::query_scalar("SELECT buyer_id FROM orders WHERE id = ?")
            .bind(order)
            .fetch_one(&mut *conn)
            .await
            .map_err(from_sqlx)?;
        insert_refund(conn, refund, yc_domain::UserId(buyer.into_uuid())).await?;
    }
    if let Some(claim) = &w.claim {
        claim_insurance(conn, order, w.request_id, claim).await?;
    }
    if w.free_units {
        sqlx::query(
            "UPDATE order_lines SET as_units = as_units - ? WHERE order_id = ? AND sku_id = ?",
        )
        .bind(quantity)
        .bind(order)
        .bind(sku)
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    }
    if let Some(parcel) = &w.parcel {
        insert_shipment(conn, parcel).await?;
    }
    if let Some(o) = &w.order {
        transition(conn, o).await?;
    }
    for job in &w.jobs {
        insert_job(conn, job).await?;
    }
    insert_outbox(conn, &w.outbox).await?;
    Ok(RequestOutcome::Applied)
}

/// Pays only if the order's policy exists and is unclaimed; the flag flips
/// in the same statement, so two pickups cannot both claim.
async fn claim_insurance(
    conn: &mut SqliteConnection,
    order: Hyphenated,
    request: AfterSalesId,
    claim: &yc_domain::aftersales::ClaimRecord,
) -> StoreResult<()> {
    let flipped = sqlx::query(
        "UPDATE orders SET insurance_claimed = 1 \
         WHERE id = ? AND insurance_source IS NOT NULL AND insurance_claimed = 0",
    )
    .bind(order)
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?
    .rows_affected();
    if flipped == 0 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO insurance_claims (order_id, request_id, amount_minor, currency, paid_at) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(order)
    .bind(request.key())
    .bind(claim.amount.amount_minor)
    .bind(claim.amount.currency.code())
    .bind(claim.paid_at.millis())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

pub(crate) async fn settle(conn: &mut SqliteConnection, s: &RefundSettlement) -> StoreResult<bool> {
    let moved = sqlx::query(
        "UPDATE refunds SET status = 'succeeded', paid_at = ?, provider_ref = ? \
         WHERE id = ? AND status = 'pending'",
    )
    .bind(s.at.millis())
    .bind(&s.provider_ref)
    .bind(s.refund_id.key())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?
    .rows_affected();
    if moved == 0 {
        return Ok(false);
    }
    if let Some(request) = &s.request {
        move_request(conn, request).await?;
    }
    Ok(true)
}

pub(crate) async fn restock(
    conn: &mut SqliteConnection,
    request: AfterSalesId,
    sku: SkuId,
    quantity: u32,
) -> StoreResult<bool> {
    let flipped =
        sqlx::query("UPDATE aftersales_requests SET restocked = 1 WHERE id = ? AND restocked = 0")
            .bind(request.key())
            .execute(&mut *conn)
            .await
            .map_err(from_sqlx)?
            .rows_affected();
    if flipped == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE skus SET stock = stock + ? WHERE id = ?")
        .bind(i64::from(quantity))
        .bind(sku.key())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    Ok(true)
}

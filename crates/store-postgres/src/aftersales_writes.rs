//! The after-sales writes, each inside its caller's transaction.
//!
//! Lock order (migrations/0003_fulfilment_aftersales.sql): a flash sale's
//! row first when units go back to its pool, then the request, then a
//! refund row, then the order, then its lines and SKUs. Races are decided
//! by guarded updates: the order's status (`open`, under its row lock), the
//! line's counters and the request's state (the money-side flips are in
//! `aftersales_money`); the unique key on `refunds.request_id` keeps money
//! going back once per request.

use sqlx::PgConnection;
use uuid::Uuid;
use yc_domain::aftersales::{AfterSalesRequest, Refund, RequestEvent};
use yc_domain::{AfterSalesId, Timestamp};
use yc_store::{
    OpenOutcome, OpenRequestWrite, RequestOutcome, RequestTransitionWrite, StoreError, StoreResult,
};

use crate::aftersales_money::claim_insurance;
use crate::codec::{enum_parse, enum_str, order_status, to_json};
use crate::error::db_err;
use crate::flash_release::{lock_sale_of, release_units};
use crate::fulfilment::insert_shipment;
use crate::ops::{insert_job, insert_outbox};
use crate::orders::{apply_transition, insert_idempotency};

/// `OpenRequestWrite`'s steps in the contract's order. A refusal returns
/// before anything but the idempotency row was written; the caller rolls
/// back, so a refused open keeps nothing.
pub(crate) async fn open(
    conn: &mut PgConnection,
    write: &OpenRequestWrite,
) -> StoreResult<OpenOutcome> {
    let r = &write.request;
    let flash_units_back =
        write.release_units || write.order.as_ref().is_some_and(|o| o.release_stock);
    let sale = if flash_units_back {
        lock_sale_of(conn, r.order_id).await?
    } else {
        None
    };
    if let Some(idempotency) = &write.idempotency {
        insert_idempotency(conn, idempotency).await?;
    }
    // Serialises every open on the order with its status moves.
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM orders WHERE id = $1 FOR UPDATE")
            .bind(r.order_id.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?;
    let status = order_status(&status.ok_or(StoreError::NotFound)?)?;
    if status != write.order_status {
        return Ok(OpenOutcome::OrderStatusWas(status));
    }
    let counted = sqlx::query(
        "UPDATE order_lines SET as_requests = as_requests + 1, as_units = as_units + $3 \
         WHERE order_id = $1 AND sku_id = $2 AND as_requests < $4 AND as_units + $3 <= quantity",
    )
    .bind(r.order_id.as_uuid())
    .bind(r.sku_id.as_uuid())
    .bind(i64::from(r.quantity))
    .bind(i64::from(write.max_requests))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?
    .rows_affected();
    if counted == 0 {
        return Ok(OpenOutcome::LineLimit);
    }
    insert_request(conn, r).await?;
    for event in &r.timeline {
        insert_event(conn, r.id, event).await?;
    }
    if let Some(refund) = &write.refund {
        insert_refund(conn, refund, r.buyer_id.as_uuid()).await?;
    }
    if write.release_units {
        let units = i64::from(r.quantity);
        match sale {
            Some(sale) => release_units(conn, sale, r.order_id, units).await?,
            None => {
                sqlx::query("UPDATE skus SET stock = stock + $2 WHERE id = $1")
                    .bind(r.sku_id.as_uuid())
                    .bind(units)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_err)?;
            }
        }
    }
    if let Some(order) = &write.order {
        apply_transition(conn, order).await?;
    }
    for job in &write.jobs {
        insert_job(&mut *conn, job).await?;
    }
    insert_outbox(&mut *conn, &write.outbox).await?;
    Ok(OpenOutcome::Opened)
}

async fn insert_request(conn: &mut PgConnection, r: &AfterSalesRequest) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO aftersales_requests (id, order_id, buyer_id, merchant_id, sku_id, kind, \
         quantity, reason, reason_text, evidence, state, rule, refund_minor, currency, \
         instant_eligible, opened_at, clock_since, deadline, restocked) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16, \
         $17, $18, $19)",
    )
    .bind(r.id.as_uuid())
    .bind(r.order_id.as_uuid())
    .bind(r.buyer_id.as_uuid())
    .bind(r.merchant_id.as_uuid())
    .bind(r.sku_id.as_uuid())
    .bind(enum_str(&r.kind)?)
    .bind(i64::from(r.quantity))
    .bind(enum_str(&r.reason)?)
    .bind(&r.reason_text)
    .bind(to_json(&r.evidence)?)
    .bind(enum_str(&r.state)?)
    .bind(enum_str(&r.rule)?)
    .bind(r.refund_amount.amount_minor)
    .bind(r.refund_amount.currency.code())
    .bind(r.instant_refund_eligible)
    .bind(r.opened_at.millis())
    .bind(r.clock_since.millis())
    .bind(r.deadline.map(Timestamp::millis))
    .bind(r.restocked)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn insert_event(
    conn: &mut PgConnection,
    request: AfterSalesId,
    e: &RequestEvent,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO aftersales_events (request_id, at, state, transition, actor, rule, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(request.as_uuid())
    .bind(e.at.millis())
    .bind(enum_str(&e.state)?)
    .bind(e.transition.as_ref().map(enum_str).transpose()?)
    .bind(&e.actor)
    .bind(e.rule.as_ref().map(enum_str).transpose()?)
    .bind(&e.note)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Always `pending`, unpaid. `Duplicate { field: "refund" }` if the request
/// has one already.
async fn insert_refund(conn: &mut PgConnection, r: &Refund, buyer: Uuid) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO refunds (id, request_id, order_id, payment_id, buyer_id, amount_minor, \
         currency, status, instant, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)",
    )
    .bind(r.id.as_uuid())
    .bind(r.request_id.as_uuid())
    .bind(r.order_id.as_uuid())
    .bind(r.payment_id.as_uuid())
    .bind(buyer)
    .bind(r.amount.amount_minor)
    .bind(r.amount.currency.code())
    .bind(r.instant)
    .bind(r.created_at.millis())
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Takes the sale's row lock up front when the move's order write gives a
/// flash order's units back: the move locks the order row before that.
pub(crate) async fn lock_sale_for(
    conn: &mut PgConnection,
    w: &RequestTransitionWrite,
) -> StoreResult<()> {
    if let Some(order) = w.order.as_ref().filter(|o| o.release_stock) {
        lock_sale_of(conn, order.order_id).await?;
    }
    Ok(())
}

/// `RequestTransitionWrite`, guarded on the request's state. Nothing is
/// written unless the move applies; an error leaves the caller's
/// transaction to roll back.
pub(crate) async fn move_request(
    conn: &mut PgConnection,
    w: &RequestTransitionWrite,
) -> StoreResult<RequestOutcome> {
    let moved: Option<(Uuid, Uuid, Uuid, i32)> = sqlx::query_as(
        "UPDATE aftersales_requests SET state = $3, clock_since = $4, deadline = $5 \
         WHERE id = $1 AND state = $2 RETURNING order_id, buyer_id, sku_id, quantity",
    )
    .bind(w.request_id.as_uuid())
    .bind(enum_str(&w.from)?)
    .bind(enum_str(&w.to)?)
    .bind(w.clock_since.millis())
    .bind(w.deadline.map(Timestamp::millis))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?;
    let Some((order, buyer, sku, quantity)) = moved else {
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM aftersales_requests WHERE id = $1")
                .bind(w.request_id.as_uuid())
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_err)?;
        let state = state.ok_or(StoreError::NotFound)?;
        return Ok(RequestOutcome::StateWas(enum_parse(
            &state,
            "aftersales.state",
        )?));
    };
    // After the guard: a `StateWas` keeps no idempotency row either.
    if let Some(idempotency) = &w.idempotency {
        insert_idempotency(conn, idempotency).await?;
    }
    insert_event(conn, w.request_id, &w.event).await?;
    if let Some(refund) = &w.refund {
        insert_refund(conn, refund, buyer).await?;
    }
    if let Some(claim) = &w.claim {
        claim_insurance(conn, order, w.request_id, claim).await?;
    }
    if w.free_units {
        sqlx::query(
            "UPDATE order_lines SET as_units = as_units - $3 WHERE order_id = $1 AND sku_id = $2",
        )
        .bind(order)
        .bind(sku)
        .bind(quantity)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    if let Some(parcel) = &w.parcel {
        insert_shipment(conn, parcel).await?;
    }
    if let Some(o) = &w.order {
        apply_transition(conn, o).await?;
    }
    for job in &w.jobs {
        insert_job(&mut *conn, job).await?;
    }
    insert_outbox(&mut *conn, &w.outbox).await?;
    Ok(RequestOutcome::Applied)
}

//! The accepted part of a flash batch, written by the writer thread with
//! statements prepared once per connection: each order (carrying its key,
//! request hash and held units, see migration 0006) with its one line and
//! first timeline event, the pool, one outbox event and one expiry job.
//! Nothing here is keyed by buyer (migration 0007): every row appends.

use rusqlite::{Transaction, params};
use yc_store::{StoreError, StoreResult};

use crate::flash_plan::Plan;
use crate::flash_thread::backend;
use crate::flash_wire::{WireBatch, WireItem};

fn k(id: uuid::Uuid) -> String {
    id.hyphenated().to_string()
}

pub(crate) fn write_accepted(
    tx: &Transaction<'_>,
    batch: &WireBatch,
    sale: &str,
    plan: &Plan,
    remaining_before: i64,
) -> StoreResult<Vec<i64>> {
    let rowids = plan
        .accepted
        .iter()
        .map(|&i| write_order(tx, &batch.items[i]))
        .collect::<StoreResult<Vec<i64>>>()?;
    let updated = tx
        .prepare_cached("UPDATE flash_sales SET remaining = ?1 WHERE id = ?2 AND remaining = ?3")
        .and_then(|mut s| s.execute(params![plan.remaining, sale, remaining_before]))
        .map_err(backend)?;
    if updated != 1 {
        // Impossible under the write lock; refuse rather than oversell.
        tracing::error!("flash pool changed under the batch's write lock");
        return Err(StoreError::Backend(
            "flash pool changed during the batch".into(),
        ));
    }
    tx.prepare_cached("INSERT INTO outbox (id, topic, payload, created_at) VALUES (?, ?, ?, ?)")
        .and_then(|mut s| {
            s.execute(params![
                k(batch.event.id.0),
                batch.event.topic,
                batch.event_payload,
                batch.event.created_at.millis()
            ])
        })
        .map_err(backend)?;
    tx.prepare_cached("INSERT INTO jobs (id, kind, payload, run_at) VALUES (?, ?, ?, ?)")
        .and_then(|mut s| {
            s.execute(params![
                k(batch.job.id.0),
                batch.job.kind,
                batch.job_payload,
                batch.job.run_at.millis()
            ])
        })
        .map_err(backend)?;
    Ok(rowids)
}

/// Writes one order with its line and first event; returns its rowid.
fn write_order(tx: &Transaction<'_>, item: &WireItem) -> StoreResult<i64> {
    let o = &item.order;
    let order_id = k(o.id.0);
    insert_order(tx, item, &order_id).map_err(backend)?;
    let rowid = tx.last_insert_rowid();
    let line = o.lines.first().ok_or_else(|| no_part("line"))?;
    tx.prepare_cached(
        "INSERT INTO order_lines (order_id, position, sku_id, product_id, title, spec_label, \
         image, unit_price_minor, quantity, line_total_minor, currency, product_kind, \
         no_reason_days) VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .and_then(|mut s| {
        s.execute(params![
            order_id,
            k(line.sku_id.0),
            k(line.product_id.0),
            line.title,
            line.spec_label,
            line.image,
            line.unit_price.amount_minor,
            i64::from(line.quantity),
            line.line_total.amount_minor,
            line.unit_price.currency.code(),
            line.return_policy.kind.as_str(),
            line.return_policy.no_reason_days.map(i64::from),
        ])
    })
    .map_err(backend)?;
    let event = o
        .timeline
        .first()
        .ok_or_else(|| no_part("timeline event"))?;
    tx.prepare_cached("INSERT INTO order_events (order_id, status, at, note) VALUES (?, ?, ?, ?)")
        .and_then(|mut s| {
            s.execute(params![
                order_id,
                event.status.as_str(),
                event.at.millis(),
                event.note
            ])
        })
        .map_err(backend)?;
    Ok(rowid)
}

fn insert_order(tx: &Transaction<'_>, item: &WireItem, order_id: &str) -> rusqlite::Result<usize> {
    let o = &item.order;
    tx.prepare_cached(
        "INSERT INTO orders (id, buyer_id, merchant_id, status, total_minor, currency, \
         ship_recipient, ship_phone, ship_region, ship_detail, created_at, pay_deadline, \
         flash_sale_id, insurance_source, insurance_premium_minor, flash_key, flash_hash, \
         flash_held) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        order_id,
        k(o.buyer_id.0),
        k(o.merchant_id.0),
        o.status.as_str(),
        o.total.amount_minor,
        o.total.currency.code(),
        o.address.recipient.as_str(),
        o.address.phone.as_str(),
        o.address.region.as_str(),
        o.address.detail.as_str(),
        o.created_at.millis(),
        o.pay_deadline.millis(),
        o.flash_sale_id.map(|s| k(s.0)),
        o.insurance.map(|i| i.source.as_str()),
        o.insurance.map_or(0, |i| i.premium.amount_minor),
        item.key,
        item.request_hash,
        i64::from(item.quantity),
    ])
}

/// `WireBatch::from_batch` checked every order has these.
fn no_part(what: &'static str) -> StoreError {
    tracing::error!(what, "flash order lost a part after its checks");
    StoreError::Backend(format!("flash order without a {what}"))
}

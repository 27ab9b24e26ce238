//! Writing an order's rows (order, lines, timeline) and reading them back.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use yc_domain::order::{Order, OrderEvent, OrderLine, OrderStatus, ShippingAddress};
use yc_domain::{OrderId, Timestamp, UserId};
use yc_store::StoreResult;

use crate::codec::{money, order_status};
use crate::error::db_err;
use crate::rows::{OrderEventRow, OrderLineRow};

macro_rules! order_columns {
    () => {
        "id, buyer_id, merchant_id, status, total_minor, currency, ship_recipient, \
         ship_phone, ship_region, ship_detail, created_at, pay_deadline"
    };
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: Uuid,
    buyer_id: Uuid,
    merchant_id: Uuid,
    status: String,
    total_minor: i64,
    currency: String,
    ship_recipient: String,
    ship_phone: String,
    ship_region: String,
    ship_detail: String,
    created_at: i64,
    pay_deadline: i64,
}

pub(crate) async fn insert_order(conn: &mut PgConnection, order: &Order) -> StoreResult<()> {
    sqlx::query(concat!(
        "INSERT INTO orders (",
        order_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(order.id.as_uuid())
    .bind(order.buyer_id.as_uuid())
    .bind(order.merchant_id.as_uuid())
    .bind(order.status.as_str())
    .bind(order.total.amount_minor)
    .bind(order.total.currency.code())
    .bind(&order.address.recipient)
    .bind(&order.address.phone)
    .bind(&order.address.region)
    .bind(&order.address.detail)
    .bind(order.created_at.millis())
    .bind(order.pay_deadline.millis())
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;

    let lines = &order.lines;
    let col = |f: fn(&OrderLine) -> Uuid| lines.iter().map(f).collect::<Vec<Uuid>>();
    let text = |f: fn(&OrderLine) -> &str| lines.iter().map(f).collect::<Vec<&str>>();
    let int = |f: fn(&OrderLine) -> i64| lines.iter().map(f).collect::<Vec<i64>>();
    let line_nos: Vec<i32> = (0..).take(lines.len()).collect();
    let images: Vec<Option<&str>> = lines.iter().map(|l| l.image.as_deref()).collect();
    // Out-of-range quantities are refused by the CHECK constraint.
    let quantities: Vec<i64> = lines.iter().map(|l| i64::from(l.quantity)).collect();
    sqlx::query(
        "INSERT INTO order_lines (order_id, line_no, sku_id, product_id, title, spec_label, \
         image, unit_price_minor, quantity, line_total_minor, currency) \
         SELECT $1, u.line_no, u.sku_id, u.product_id, u.title, u.spec_label, u.image, \
         u.unit_price, u.quantity, u.line_total, u.currency \
         FROM UNNEST($2::int4[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], \
         $8::int8[], $9::int8[], $10::int8[], $11::text[]) \
         AS u(line_no, sku_id, product_id, title, spec_label, image, unit_price, quantity, \
         line_total, currency)",
    )
    .bind(order.id.as_uuid())
    .bind(line_nos)
    .bind(col(|l| l.sku_id.as_uuid()))
    .bind(col(|l| l.product_id.as_uuid()))
    .bind(text(|l| l.title.as_str()))
    .bind(text(|l| l.spec_label.as_str()))
    .bind(images)
    .bind(int(|l| l.unit_price.amount_minor))
    .bind(quantities)
    .bind(int(|l| l.line_total.amount_minor))
    .bind(text(|l| l.unit_price.currency.code()))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;

    let events = &order.timeline;
    let statuses: Vec<&str> = events.iter().map(|e| e.status.as_str()).collect();
    let ats: Vec<i64> = events.iter().map(|e| e.at.millis()).collect();
    let notes: Vec<&str> = events.iter().map(|e| e.note.as_str()).collect();
    sqlx::query(
        "INSERT INTO order_events (order_id, status, at, note) \
         SELECT $1, u.status, u.at, u.note \
         FROM UNNEST($2::text[], $3::int8[], $4::text[]) WITH ORDINALITY AS u(status, at, note, ord) \
         ORDER BY u.ord",
    )
    .bind(order.id.as_uuid())
    .bind(statuses)
    .bind(ats)
    .bind(notes)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Loads lines and timelines of `rows` (two queries), keeping their order.
async fn assemble(pool: &PgPool, rows: Vec<OrderRow>) -> StoreResult<Vec<Order>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let line_rows: Vec<OrderLineRow> = sqlx::query_as(
        "SELECT order_id, sku_id, product_id, title, spec_label, image, unit_price_minor, \
         quantity, line_total_minor, currency FROM order_lines \
         WHERE order_id = ANY($1) ORDER BY order_id, line_no",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let event_rows: Vec<OrderEventRow> = sqlx::query_as(
        "SELECT order_id, status, at, note FROM order_events \
         WHERE order_id = ANY($1) ORDER BY order_id, seq",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let mut lines: HashMap<Uuid, Vec<OrderLine>> = HashMap::new();
    for row in line_rows {
        lines
            .entry(row.order_id)
            .or_default()
            .push(row.into_line()?);
    }
    let mut timelines: HashMap<Uuid, Vec<OrderEvent>> = HashMap::new();
    for row in event_rows {
        timelines
            .entry(row.order_id)
            .or_default()
            .push(row.into_event()?);
    }
    rows.into_iter()
        .map(|r| {
            Ok(Order {
                id: r.id.into(),
                buyer_id: r.buyer_id.into(),
                merchant_id: r.merchant_id.into(),
                status: order_status(&r.status)?,
                lines: lines.remove(&r.id).unwrap_or_default(),
                total: money(r.total_minor, &r.currency)?,
                address: ShippingAddress {
                    recipient: r.ship_recipient,
                    phone: r.ship_phone,
                    region: r.ship_region,
                    detail: r.ship_detail,
                },
                created_at: Timestamp(r.created_at),
                pay_deadline: Timestamp(r.pay_deadline),
                timeline: timelines.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect()
}

pub(crate) async fn get_order(pool: &PgPool, id: OrderId) -> StoreResult<Option<Order>> {
    let row: Option<OrderRow> = sqlx::query_as(concat!(
        "SELECT ",
        order_columns!(),
        " FROM orders WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    Ok(assemble(pool, row.into_iter().collect())
        .await?
        .into_iter()
        .next())
}

pub(crate) async fn list_orders(
    pool: &PgPool,
    buyer: UserId,
    status: Option<OrderStatus>,
    before: Uuid,
    limit: i64,
) -> StoreResult<Vec<Order>> {
    let rows: Vec<OrderRow> = match status {
        None => sqlx::query_as(concat!(
            "SELECT ",
            order_columns!(),
            " FROM orders WHERE buyer_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(buyer.as_uuid())
        .bind(before)
        .bind(limit),
        Some(status) => sqlx::query_as(concat!(
            "SELECT ",
            order_columns!(),
            " FROM orders WHERE buyer_id = $1 AND id < $2 AND status = $4 \
             ORDER BY id DESC LIMIT $3"
        ))
        .bind(buyer.as_uuid())
        .bind(before)
        .bind(limit)
        .bind(status.as_str()),
    }
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    assemble(pool, rows).await
}

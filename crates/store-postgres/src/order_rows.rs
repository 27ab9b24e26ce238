//! Writing an order's rows (order, lines, timeline) and reading them back.

use std::collections::HashMap;

use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgConnection, PgPool, Postgres};
use uuid::Uuid;
use yc_domain::order::{Order, OrderEvent, OrderLine, OrderStatus, ShippingAddress};
use yc_domain::{OrderId, Timestamp, UserId};
use yc_store::StoreResult;

use crate::codec::{insurance, money, order_status};
use crate::error::db_err;
use crate::rows::{OrderEventRow, OrderLineRow};

macro_rules! order_columns {
    () => {
        "id, buyer_id, merchant_id, status, total_minor, currency, ship_recipient, \
         ship_phone, ship_region, ship_detail, created_at, pay_deadline, flash_sale_id, \
         insurance_source, insurance_premium_minor, insurance_claimed, placed_note"
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
    flash_sale_id: Option<Uuid>,
    insurance_source: Option<String>,
    insurance_premium_minor: i64,
    insurance_claimed: bool,
    /// The note of the placed event, kept on the row (migration 0009);
    /// `None` for orders whose first event is an order_events row.
    placed_note: Option<String>,
}

/// Common table expressions inserting orders, their lines and their
/// timelines from the arrays `bind_orders` binds (parameters $1–$34), for a
/// `WITH` clause: one statement writes any number of orders, and other
/// writes of the same transaction can join it. Foreign keys are checked at
/// the end of the statement, so lines may reference orders inserted by it.
macro_rules! order_ctes {
    () => {
        $crate::order_rows::order_ctes!("", "")
    };
    // Extra `orders` columns and their arrays (numbered after the caller's
    // other parameters), e.g. a flash order's key.
    ($extra_columns:literal, $extra_arrays:literal) => {
        concat!(
            "ins_orders AS (INSERT INTO orders (",
            $crate::order_rows::order_columns!(),
            $extra_columns,
            ") SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], \
             $5::int8[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], \
             $11::int8[], $12::int8[], $13::uuid[], $14::text[], $15::int8[], $16::bool[], \
             $34::text[]",
            $extra_arrays,
            ")), \
             ins_lines AS (INSERT INTO order_lines (order_id, line_no, sku_id, product_id, \
             title, spec_label, image, unit_price_minor, quantity, line_total_minor, currency, \
             product_kind, no_reason_days) \
             SELECT * FROM UNNEST($17::uuid[], $18::int4[], $19::uuid[], $20::uuid[], \
             $21::text[], $22::text[], $23::text[], $24::int8[], $25::int8[], $26::int8[], \
             $27::text[], $28::text[], $29::int2[])), \
             ins_events AS (INSERT INTO order_events (order_id, status, at, note) \
             SELECT u.order_id, u.status, u.at, u.note \
             FROM UNNEST($30::uuid[], $31::text[], $32::int8[], $33::text[]) \
             WITH ORDINALITY AS u(order_id, status, at, note, ord) ORDER BY u.ord)"
        )
    };
}
pub(crate) use {order_columns, order_ctes};

type PgQuery<'q> = Query<'q, Postgres, PgArguments>;

/// Binds the 34 arrays of `order_ctes!` for `orders` ($1–$34, so they must
/// be the query's first parameters).
pub(crate) fn bind_orders<'q>(q: PgQuery<'q>, orders: &[&Order]) -> PgQuery<'q> {
    let col = |f: fn(&Order) -> Uuid| orders.iter().map(|o| f(o)).collect::<Vec<Uuid>>();
    let text = |f: fn(&Order) -> &str| orders.iter().map(|o| f(o)).collect::<Vec<&str>>();
    let int = |f: fn(&Order) -> i64| orders.iter().map(|o| f(o)).collect::<Vec<i64>>();
    let flash: Vec<Option<Uuid>> = orders
        .iter()
        .map(|o| o.flash_sale_id.map(|s| s.as_uuid()))
        .collect();
    let q = q
        .bind(col(|o| o.id.as_uuid()))
        .bind(col(|o| o.buyer_id.as_uuid()))
        .bind(col(|o| o.merchant_id.as_uuid()))
        .bind(text(|o| o.status.as_str()))
        .bind(int(|o| o.total.amount_minor))
        .bind(text(|o| o.total.currency.code()))
        .bind(text(|o| o.address.recipient.as_str()))
        .bind(text(|o| o.address.phone.as_str()))
        .bind(text(|o| o.address.region.as_str()))
        .bind(text(|o| o.address.detail.as_str()))
        .bind(int(|o| o.created_at.millis()))
        .bind(int(|o| o.pay_deadline.millis()))
        .bind(flash)
        .bind(
            orders
                .iter()
                .map(|o| o.insurance.map(|i| i.source.as_str()))
                .collect::<Vec<Option<&str>>>(),
        )
        .bind(int(|o| o.insurance.map_or(0, |i| i.premium.amount_minor)))
        .bind(
            orders
                .iter()
                .map(|o| o.insurance.is_some_and(|i| i.claimed))
                .collect::<Vec<bool>>(),
        );
    bind_timelines(bind_lines(q, orders), orders).bind(
        orders
            .iter()
            .map(|o| placed_event(o).map(|e| e.note.as_str()))
            .collect::<Vec<Option<&str>>>(),
    )
}

/// The event that placed `order`, when it can live on the order's row:
/// its first, pending payment at the order's creation (what
/// `yc_domain::order::Placed` writes). Any other history is written whole
/// to order_events.
fn placed_event(order: &Order) -> Option<&OrderEvent> {
    order
        .timeline
        .first()
        .filter(|e| e.status == OrderStatus::PendingPayment && e.at == order.created_at)
}

fn bind_lines<'q>(q: PgQuery<'q>, orders: &[&Order]) -> PgQuery<'q> {
    let lines: Vec<(Uuid, i32, &OrderLine)> = orders
        .iter()
        .flat_map(|o| (0..).zip(&o.lines).map(|(no, l)| (o.id.as_uuid(), no, l)))
        .collect();
    let col = |f: fn(&OrderLine) -> Uuid| lines.iter().map(|l| f(l.2)).collect::<Vec<Uuid>>();
    let text = |f: fn(&OrderLine) -> &str| lines.iter().map(|l| f(l.2)).collect::<Vec<&str>>();
    let int = |f: fn(&OrderLine) -> i64| lines.iter().map(|l| f(l.2)).collect::<Vec<i64>>();
    let images: Vec<Option<&str>> = lines.iter().map(|l| l.2.image.as_deref()).collect();
    q.bind(lines.iter().map(|l| l.0).collect::<Vec<Uuid>>())
        .bind(lines.iter().map(|l| l.1).collect::<Vec<i32>>())
        .bind(col(|l| l.sku_id.as_uuid()))
        .bind(col(|l| l.product_id.as_uuid()))
        .bind(text(|l| l.title.as_str()))
        .bind(text(|l| l.spec_label.as_str()))
        .bind(images)
        .bind(int(|l| l.unit_price.amount_minor))
        // Out-of-range quantities are refused by the CHECK constraint.
        .bind(int(|l| i64::from(l.quantity)))
        .bind(int(|l| l.line_total.amount_minor))
        .bind(text(|l| l.unit_price.currency.code()))
        .bind(text(|l| l.return_policy.kind.as_str()))
        .bind(
            lines
                .iter()
                .map(|l| l.2.return_policy.no_reason_days.map(i16::from))
                .collect::<Vec<Option<i16>>>(),
        )
}

/// Timeline events after the one on the order's row, in order (`seq`
/// follows the ordinality).
fn bind_timelines<'q>(q: PgQuery<'q>, orders: &[&Order]) -> PgQuery<'q> {
    let events: Vec<(Uuid, &OrderEvent)> = orders
        .iter()
        .flat_map(|o| {
            let on_row = usize::from(placed_event(o).is_some());
            o.timeline.iter().skip(on_row).map(|e| (o.id.as_uuid(), e))
        })
        .collect();
    q.bind(events.iter().map(|e| e.0).collect::<Vec<Uuid>>())
        .bind(
            events
                .iter()
                .map(|e| e.1.status.as_str())
                .collect::<Vec<&str>>(),
        )
        .bind(events.iter().map(|e| e.1.at.millis()).collect::<Vec<i64>>())
        .bind(
            events
                .iter()
                .map(|e| e.1.note.as_str())
                .collect::<Vec<&str>>(),
        )
}

/// Writes one order with its lines and timeline: one statement.
pub(crate) async fn insert_order(conn: &mut PgConnection, order: &Order) -> StoreResult<()> {
    let q = sqlx::query(concat!("WITH ", order_ctes!(), " SELECT 1"));
    bind_orders(q, &[order])
        .execute(conn)
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
         quantity, line_total_minor, currency, product_kind, no_reason_days FROM order_lines \
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
            let mut timeline = timelines.remove(&r.id).unwrap_or_default();
            if let Some(note) = r.placed_note {
                let placed = OrderEvent {
                    status: OrderStatus::PendingPayment,
                    at: Timestamp(r.created_at),
                    note,
                };
                timeline.insert(0, placed);
            }
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
                timeline,
                flash_sale_id: r.flash_sale_id.map(Into::into),
                insurance: insurance(
                    r.insurance_source.as_deref(),
                    r.insurance_premium_minor,
                    r.insurance_claimed,
                    &r.currency,
                )?,
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

/// A buyer's orders newest first. Ordinary orders come from
/// orders_buyer_idx in id order; flash orders from orders_flash_key (buyer,
/// sale, key), all of the buyer's below the cursor, sorted here (migration
/// 0005 says why flash orders have their own index).
pub(crate) async fn list_orders(
    pool: &PgPool,
    buyer: UserId,
    status: Option<OrderStatus>,
    before: Uuid,
    limit: i64,
) -> StoreResult<Vec<Order>> {
    macro_rules! merged {
        ($filter:literal) => {
            concat!(
                "(SELECT ",
                order_columns!(),
                " FROM orders WHERE buyer_id = $1 AND flash_sale_id IS NULL AND id < $2",
                $filter,
                " ORDER BY id DESC LIMIT $3) UNION ALL (SELECT ",
                order_columns!(),
                " FROM orders WHERE buyer_id = $1 AND flash_sale_id IS NOT NULL AND id < $2",
                $filter,
                ") ORDER BY id DESC LIMIT $3"
            )
        };
    }
    let rows: Vec<OrderRow> = match status {
        None => sqlx::query_as(merged!(""))
            .bind(buyer.as_uuid())
            .bind(before)
            .bind(limit),
        Some(status) => sqlx::query_as(merged!(" AND status = $4"))
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

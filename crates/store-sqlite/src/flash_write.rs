//! The accepted part of a flash batch, written with multi-row INSERTs.
//!
//! Rows go in chunks whose sizes are powers of two (at most `MAX_CHUNK`),
//! so a batch of any size uses a few statements per table and the SQL text
//! of each chunk size never changes: sqlx prepares each one once per
//! connection and reuses it from its statement cache.

use std::collections::HashMap;
use std::sync::OnceLock;

use sqlx::error::BoxDynError;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, SqliteConnection};
use yc_domain::{FlashSaleId, UserId};
use yc_store::{FlashItem, StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::sql::{Key, to_json};

/// The largest chunk: 256 orders × 13 columns stays far below SQLite's
/// 32766 bound variables.
const MAX_CHUNK: usize = 256;
/// Chunk sizes, largest first: `MAX_CHUNK` and every smaller power of two.
const CHUNK_SIZES: usize = MAX_CHUNK.trailing_zeros() as usize + 1;

/// One multi-row statement shape: `head` + n × `row` (comma separated) + `tail`.
struct Insert {
    head: &'static str,
    row: &'static str,
    tail: &'static str,
    texts: OnceLock<Vec<String>>,
}

impl Insert {
    const fn new(head: &'static str, row: &'static str, tail: &'static str) -> Insert {
        Insert {
            head,
            row,
            tail,
            texts: OnceLock::new(),
        }
    }

    /// The statement for `2^level` rows.
    fn text(&'static self, level: usize) -> &'static str {
        let texts = self.texts.get_or_init(|| {
            (0..CHUNK_SIZES)
                .map(|l| {
                    let rows = vec![self.row; 1 << l].join(", ");
                    format!("{}{rows}{}", self.head, self.tail)
                })
                .collect()
        });
        texts.get(level).map_or("", String::as_str)
    }
}

static ORDERS: Insert = Insert::new(
    "INSERT INTO orders (id, buyer_id, merchant_id, status, total_minor, currency, \
     ship_recipient, ship_phone, ship_region, ship_detail, created_at, pay_deadline, \
     flash_sale_id, insurance_source, insurance_premium_minor) VALUES ",
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "",
);
static LINES: Insert = Insert::new(
    "INSERT INTO order_lines (order_id, position, sku_id, product_id, title, spec_label, \
     image, unit_price_minor, quantity, line_total_minor, currency, product_kind, \
     no_reason_days) VALUES ",
    "(?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "",
);
static EVENTS: Insert = Insert::new(
    "INSERT INTO order_events (order_id, status, at, note) VALUES ",
    "(?, ?, ?, ?)",
    "",
);
static KEYS: Insert = Insert::new(
    "INSERT INTO idempotency_keys (user_id, scope, key, request_hash, response, created_at) \
     VALUES ",
    "(?, ?, ?, ?, ?, ?)",
    "",
);
static HELD: Insert = Insert::new(
    "INSERT INTO flash_buyers (sale_id, buyer_id, held) VALUES ",
    "(?, ?, ?)",
    " ON CONFLICT (sale_id, buyer_id) DO UPDATE SET held = excluded.held",
);

type Bind<T> = fn(&mut SqliteArguments, &T) -> Result<(), BoxDynError>;

/// Writes `rows` with `stmt`, largest chunks first.
async fn insert_rows<T>(
    conn: &mut SqliteConnection,
    stmt: &'static Insert,
    rows: &[T],
    bind: Bind<T>,
) -> StoreResult<()> {
    let mut rest = rows;
    while !rest.is_empty() {
        let level = rest.len().min(MAX_CHUNK).ilog2() as usize;
        let (chunk, tail) = rest.split_at(1 << level);
        let mut args = SqliteArguments::default();
        for row in chunk {
            bind(&mut args, row).map_err(|e| {
                tracing::error!(error = %e, "cannot bind a flash row");
                StoreError::Backend(format!("cannot bind a flash row: {e}"))
            })?;
        }
        sqlx::query_with(stmt.text(level), args)
            .execute(&mut *conn)
            .await
            .map_err(from_sqlx)?;
        rest = tail;
    }
    Ok(())
}

/// The orders (with their one line and first event) and their keys.
pub(crate) async fn insert_orders(
    conn: &mut SqliteConnection,
    items: &[&FlashItem],
) -> StoreResult<()> {
    insert_rows(conn, &ORDERS, items, bind_order).await?;
    insert_rows(conn, &LINES, items, bind_line).await?;
    insert_rows(conn, &EVENTS, items, bind_event).await?;
    let keys = items
        .iter()
        .map(|i| Ok((*i, to_json(&i.idempotency.response)?)))
        .collect::<StoreResult<Vec<_>>>()?;
    insert_rows(conn, &KEYS, &keys, bind_key).await
}

/// Sets each buyer's counter to what the allocation left them holding.
pub(crate) async fn set_held(
    conn: &mut SqliteConnection,
    sale: FlashSaleId,
    held: &HashMap<UserId, u32>,
) -> StoreResult<()> {
    let rows: Vec<(FlashSaleId, UserId, u32)> =
        held.iter().map(|(buyer, n)| (sale, *buyer, *n)).collect();
    insert_rows(conn, &HELD, &rows, |a, (sale, buyer, n)| {
        a.add(sale.key())?;
        a.add(buyer.key())?;
        a.add(i64::from(*n))
    })
    .await
}

fn bind_order(a: &mut SqliteArguments, item: &&FlashItem) -> Result<(), BoxDynError> {
    let o = &item.order;
    a.add(o.id.key())?;
    a.add(o.buyer_id.key())?;
    a.add(o.merchant_id.key())?;
    a.add(o.status.as_str())?;
    a.add(o.total.amount_minor)?;
    a.add(o.total.currency.code())?;
    a.add(o.address.recipient.as_str())?;
    a.add(o.address.phone.as_str())?;
    a.add(o.address.region.as_str())?;
    a.add(o.address.detail.as_str())?;
    a.add(o.created_at.millis())?;
    a.add(o.pay_deadline.millis())?;
    a.add(o.flash_sale_id.map(|s| s.key()))?;
    a.add(o.insurance.map(|i| i.source.as_str()))?;
    a.add(o.insurance.map_or(0, |i| i.premium.amount_minor))
}

/// A flash order has exactly one line (checked before writing).
fn bind_line(a: &mut SqliteArguments, item: &&FlashItem) -> Result<(), BoxDynError> {
    let o = &item.order;
    let l = o.lines.first().ok_or("flash order without a line")?;
    a.add(o.id.key())?;
    a.add(l.sku_id.key())?;
    a.add(l.product_id.key())?;
    a.add(l.title.as_str())?;
    a.add(l.spec_label.as_str())?;
    a.add(l.image.as_deref())?;
    a.add(l.unit_price.amount_minor)?;
    a.add(i64::from(l.quantity))?;
    a.add(l.line_total.amount_minor)?;
    a.add(l.unit_price.currency.code())?;
    a.add(l.return_policy.kind.as_str())?;
    a.add(l.return_policy.no_reason_days.map(i64::from))
}

fn bind_event(a: &mut SqliteArguments, item: &&FlashItem) -> Result<(), BoxDynError> {
    let o = &item.order;
    let e = o.timeline.first().ok_or("flash order without a timeline")?;
    a.add(o.id.key())?;
    a.add(e.status.as_str())?;
    a.add(e.at.millis())?;
    a.add(e.note.as_str())
}

fn bind_key(a: &mut SqliteArguments, row: &(&FlashItem, String)) -> Result<(), BoxDynError> {
    let (item, response) = row;
    let k = &item.idempotency;
    a.add(k.user_id.key())?;
    a.add(k.scope)?;
    a.add(k.key.as_str())?;
    a.add(k.request_hash.as_str())?;
    a.add(response.as_str())?;
    a.add(k.created_at.millis())
}

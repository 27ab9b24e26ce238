//! Live rooms with their pinned products, and flash sales outside the hot
//! path: creating one (taking its pool from the SKU), reading them.

use sqlx::SqliteConnection;
use yc_domain::live::{FlashSale, LiveRoom};
use yc_domain::page::PageRequest;
use yc_domain::{FlashSaleId, LiveRoomId, MerchantId, ProductId};
use yc_store::{SaleState, StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::rows::{PinRow, RoomRow, SaleRow, assemble_rooms, room_columns, sale_columns};
use crate::sql::{Key, before, key_list, overfetch};

/// The most sales `room_flash_sales` returns.
const ROOM_SALES_MAX: i64 = 50;

/// Completes room rows with their pins, in display order.
async fn with_pins(conn: &mut SqliteConnection, rows: Vec<RoomRow>) -> StoreResult<Vec<LiveRoom>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id.into_uuid()).collect();
    let pins: Vec<PinRow> = sqlx::query_as(
        "SELECT room_id, product_id FROM live_room_pins \
         WHERE room_id IN (SELECT value FROM json_each(?)) ORDER BY room_id, position",
    )
    .bind(key_list(&ids))
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(assemble_rooms(rows, pins))
}

pub(crate) async fn insert(conn: &mut SqliteConnection, room: &LiveRoom) -> StoreResult<()> {
    sqlx::query(concat!(
        "INSERT INTO live_rooms (",
        room_columns!(),
        ") VALUES (?, ?, ?, ?, ?, ?)"
    ))
    .bind(room.id.key())
    .bind(room.merchant_id.key())
    .bind(&room.title)
    .bind(&room.stream_url)
    .bind(&room.poster_url)
    .bind(room.created_at.millis())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    insert_pins(conn, room.id, &room.pinned).await
}

async fn insert_pins(
    conn: &mut SqliteConnection,
    room: LiveRoomId,
    products: &[ProductId],
) -> StoreResult<()> {
    let sql = "INSERT INTO live_room_pins (room_id, position, product_id) VALUES (?, ?, ?)";
    crate::sql::insert_product_links(conn, sql, room.key(), products).await
}

pub(crate) async fn get(
    conn: &mut SqliteConnection,
    id: LiveRoomId,
) -> StoreResult<Option<LiveRoom>> {
    let rows: Vec<RoomRow> = sqlx::query_as(concat!(
        "SELECT ",
        room_columns!(),
        " FROM live_rooms WHERE id = ?"
    ))
    .bind(id.key())
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(with_pins(conn, rows).await?.into_iter().next())
}

pub(crate) async fn list(
    conn: &mut SqliteConnection,
    page: PageRequest,
) -> StoreResult<Vec<LiveRoom>> {
    let rows: Vec<RoomRow> = sqlx::query_as(concat!(
        "SELECT ",
        room_columns!(),
        " FROM live_rooms WHERE id < ? ORDER BY id DESC LIMIT ?"
    ))
    .bind(before(page.after))
    .bind(overfetch(page))
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    with_pins(conn, rows).await
}

pub(crate) async fn set_pinned(
    conn: &mut SqliteConnection,
    merchant: MerchantId,
    room: LiveRoomId,
    products: &[ProductId],
) -> StoreResult<LiveRoom> {
    let owned: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM live_rooms WHERE id = ? AND merchant_id = ?")
            .bind(room.key())
            .bind(merchant.key())
            .fetch_optional(&mut *conn)
            .await
            .map_err(from_sqlx)?;
    if owned.is_none() {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM live_room_pins WHERE room_id = ?")
        .bind(room.key())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    insert_pins(conn, room, products).await?;
    get(conn, room).await?.ok_or(StoreError::NotFound)
}

/// The contract's steps: ownership (room, and the SKU's product), the
/// conditional decrement of the SKU, then the sale with a full pool.
pub(crate) async fn create_sale(conn: &mut SqliteConnection, sale: &FlashSale) -> StoreResult<()> {
    let owned: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM live_rooms r, skus s JOIN products p ON p.id = s.product_id \
         WHERE r.id = ?1 AND r.merchant_id = ?2 AND s.id = ?3 AND p.id = ?4 \
           AND p.merchant_id = ?2",
    )
    .bind(sale.room_id.key())
    .bind(sale.merchant_id.key())
    .bind(sale.sku_id.key())
    .bind(sale.product_id.key())
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    if owned.is_none() {
        return Err(StoreError::NotFound);
    }
    let taken = sqlx::query("UPDATE skus SET stock = stock - ?1 WHERE id = ?2 AND stock >= ?1")
        .bind(sale.pool_size)
        .bind(sale.sku_id.key())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?
        .rows_affected();
    if taken == 0 {
        return Err(StoreError::SoldOut {
            sku_id: sale.sku_id,
        });
    }
    sqlx::query(concat!(
        "INSERT INTO flash_sales (",
        sale_columns!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(sale.id.key())
    .bind(sale.room_id.key())
    .bind(sale.merchant_id.key())
    .bind(sale.product_id.key())
    .bind(sale.sku_id.key())
    .bind(sale.flash_price.amount_minor)
    .bind(sale.flash_price.currency.code())
    .bind(sale.pool_size)
    .bind(i64::from(sale.per_buyer_cap))
    .bind(sale.pool_size)
    .bind(sale.starts_at.millis())
    .bind(sale.countdown_secs)
    .bind(sale.ends_at.millis())
    .bind(sale.pay_window_ms)
    .bind(sale.created_at.millis())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

pub(crate) async fn get_sale(
    conn: &mut SqliteConnection,
    id: FlashSaleId,
) -> StoreResult<Option<SaleState>> {
    let row: Option<SaleRow> = sqlx::query_as(concat!(
        "SELECT ",
        sale_columns!(),
        " FROM flash_sales WHERE id = ?"
    ))
    .bind(id.key())
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    row.map(SaleRow::into_state).transpose()
}

pub(crate) async fn room_sales(
    conn: &mut SqliteConnection,
    room: LiveRoomId,
) -> StoreResult<Vec<SaleState>> {
    let rows: Vec<SaleRow> = sqlx::query_as(concat!(
        "SELECT ",
        sale_columns!(),
        " FROM flash_sales WHERE room_id = ? ORDER BY starts_at, id LIMIT ?"
    ))
    .bind(room.key())
    .bind(ROOM_SALES_MAX)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    rows.into_iter().map(SaleRow::into_state).collect()
}

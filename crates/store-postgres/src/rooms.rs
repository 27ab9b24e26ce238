//! Live rooms with their pinned products (kept in display order).

use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;
use yc_domain::live::LiveRoom;
use yc_domain::page::PageRequest;
use yc_domain::{LiveRoomId, MerchantId, ProductId, Timestamp};
use yc_store::{StoreError, StoreResult};

use crate::codec::{before, overfetch};
use crate::error::db_err;

macro_rules! room_columns {
    () => {
        "id, merchant_id, title, stream_url, poster_url, created_at"
    };
}

#[derive(sqlx::FromRow)]
struct RoomRow {
    id: Uuid,
    merchant_id: Uuid,
    title: String,
    stream_url: String,
    poster_url: String,
    created_at: i64,
}

/// Loads the pins of `rows` (one query), keeping the order of `rows`.
async fn with_pins<'c>(ex: impl PgExecutor<'c>, rows: Vec<RoomRow>) -> StoreResult<Vec<LiveRoom>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let sql = "SELECT room_id, product_id FROM live_room_pins \
               WHERE room_id = ANY($1) ORDER BY room_id, position";
    let mut pinned = crate::media::product_links(ex, sql, ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| LiveRoom {
            id: r.id.into(),
            merchant_id: r.merchant_id.into(),
            pinned: pinned.remove(&r.id).unwrap_or_default(),
            title: r.title,
            stream_url: r.stream_url,
            poster_url: r.poster_url,
            created_at: Timestamp(r.created_at),
        })
        .collect())
}

/// One `UNNEST` insert; `position` is the index in `products`. A product
/// twice is `Duplicate { product_ids }`, a missing one `NotFound`.
async fn insert_pins(
    conn: &mut PgConnection,
    room: LiveRoomId,
    products: &[ProductId],
) -> StoreResult<()> {
    if products.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = products.iter().map(ProductId::as_uuid).collect();
    sqlx::query(
        "INSERT INTO live_room_pins (room_id, product_id, position) \
         SELECT $1, u.product_id, u.ord - 1 \
         FROM UNNEST($2::uuid[]) WITH ORDINALITY AS u(product_id, ord)",
    )
    .bind(room.as_uuid())
    .bind(ids)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn insert(pool: &PgPool, room: &LiveRoom) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query(concat!(
        "INSERT INTO live_rooms (",
        room_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(room.id.as_uuid())
    .bind(room.merchant_id.as_uuid())
    .bind(&room.title)
    .bind(&room.stream_url)
    .bind(&room.poster_url)
    .bind(room.created_at.millis())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    insert_pins(&mut tx, room.id, &room.pinned).await?;
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn get(pool: &PgPool, id: LiveRoomId) -> StoreResult<Option<LiveRoom>> {
    let row: Option<RoomRow> = sqlx::query_as(concat!(
        "SELECT ",
        room_columns!(),
        " FROM live_rooms WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    Ok(with_pins(pool, row.into_iter().collect())
        .await?
        .into_iter()
        .next())
}

pub(crate) async fn list(pool: &PgPool, page: PageRequest) -> StoreResult<Vec<LiveRoom>> {
    let rows: Vec<RoomRow> = sqlx::query_as(concat!(
        "SELECT ",
        room_columns!(),
        " FROM live_rooms WHERE id < $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(before(page))
    .bind(overfetch(page))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    with_pins(pool, rows).await
}

/// Replaces the pins under the room's row lock (concurrent replacements
/// serialise on it).
pub(crate) async fn set_pinned(
    pool: &PgPool,
    merchant: MerchantId,
    id: LiveRoomId,
    products: &[ProductId],
) -> StoreResult<LiveRoom> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let row: Option<RoomRow> = sqlx::query_as(concat!(
        "SELECT ",
        room_columns!(),
        " FROM live_rooms WHERE id = $1 AND merchant_id = $2 FOR UPDATE"
    ))
    .bind(id.as_uuid())
    .bind(merchant.as_uuid())
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let row = row.ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM live_room_pins WHERE room_id = $1")
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    insert_pins(&mut tx, id, products).await?;
    let room = with_pins(&mut *tx, vec![row])
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    tx.commit().await.map_err(db_err)?;
    Ok(room)
}

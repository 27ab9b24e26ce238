//! Flash sales: creation (the pool is taken from the SKU's stock in the
//! same transaction) and reads with the pool's current count; buyers'
//! default addresses for the group commit.

use sqlx::PgPool;
use uuid::Uuid;
use yc_domain::address::Address;
use yc_domain::live::FlashSale;
use yc_domain::{FlashSaleId, LiveRoomId, Timestamp, UserId};
use yc_store::{SaleState, StoreError, StoreResult};

use crate::codec::money;
use crate::error::{corrupt, db_err};
use crate::rows::{AddressRow, address_columns};

/// The most sales `room_flash_sales` returns.
const ROOM_SALES_LIMIT: i64 = 50;

macro_rules! sale_columns {
    () => {
        "id, room_id, merchant_id, product_id, sku_id, flash_price_minor, currency, pool_size, \
         per_buyer_cap, starts_at, countdown_secs, ends_at, pay_window_ms, created_at, remaining"
    };
}

#[derive(sqlx::FromRow)]
struct SaleRow {
    id: Uuid,
    room_id: Uuid,
    merchant_id: Uuid,
    product_id: Uuid,
    sku_id: Uuid,
    flash_price_minor: i64,
    currency: String,
    pool_size: i64,
    per_buyer_cap: i32,
    starts_at: i64,
    countdown_secs: i64,
    ends_at: i64,
    pay_window_ms: i64,
    created_at: i64,
    remaining: i64,
}

impl SaleRow {
    fn into_state(self) -> StoreResult<SaleState> {
        Ok(SaleState {
            sale: FlashSale {
                id: self.id.into(),
                room_id: self.room_id.into(),
                merchant_id: self.merchant_id.into(),
                product_id: self.product_id.into(),
                sku_id: self.sku_id.into(),
                flash_price: money(self.flash_price_minor, &self.currency)?,
                pool_size: self.pool_size,
                per_buyer_cap: u32::try_from(self.per_buyer_cap)
                    .map_err(|_| corrupt("per-buyer cap"))?,
                starts_at: Timestamp(self.starts_at),
                countdown_secs: self.countdown_secs,
                ends_at: Timestamp(self.ends_at),
                pay_window_ms: self.pay_window_ms,
                created_at: Timestamp(self.created_at),
            },
            remaining: self.remaining,
        })
    }
}

/// The SKU decrement carries the ownership checks (room and product both
/// the sale's merchant, SKU of that product), so zero rows means either
/// "not yours / not there" or "not enough stock"; a second read tells
/// which. The sale row (`remaining = pool_size`) follows in the same
/// transaction.
pub(crate) async fn create(pool: &PgPool, sale: &FlashSale) -> StoreResult<()> {
    let cap = i32::try_from(sale.per_buyer_cap)
        .map_err(|_| StoreError::Backend("per-buyer cap out of range".into()))?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    let taken = sqlx::query(
        "UPDATE skus s SET stock = s.stock - $2 FROM products p \
         WHERE s.id = $1 AND s.stock >= $2 AND p.id = s.product_id AND p.id = $3 \
         AND p.merchant_id = $4 \
         AND EXISTS (SELECT 1 FROM live_rooms r WHERE r.id = $5 AND r.merchant_id = $4)",
    )
    .bind(sale.sku_id.as_uuid())
    .bind(sale.pool_size)
    .bind(sale.product_id.as_uuid())
    .bind(sale.merchant_id.as_uuid())
    .bind(sale.room_id.as_uuid())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    if taken == 0 {
        let owned: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM skus s JOIN products p ON p.id = s.product_id \
             WHERE s.id = $1 AND p.id = $2 AND p.merchant_id = $3 \
             AND EXISTS (SELECT 1 FROM live_rooms r WHERE r.id = $4 AND r.merchant_id = $3)",
        )
        .bind(sale.sku_id.as_uuid())
        .bind(sale.product_id.as_uuid())
        .bind(sale.merchant_id.as_uuid())
        .bind(sale.room_id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        return Err(match owned {
            Some(_) => StoreError::SoldOut {
                sku_id: sale.sku_id,
            },
            None => StoreError::NotFound,
        });
    }
    sqlx::query(concat!(
        "INSERT INTO flash_sales (",
        sale_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $8)"
    ))
    .bind(sale.id.as_uuid())
    .bind(sale.room_id.as_uuid())
    .bind(sale.merchant_id.as_uuid())
    .bind(sale.product_id.as_uuid())
    .bind(sale.sku_id.as_uuid())
    .bind(sale.flash_price.amount_minor)
    .bind(sale.flash_price.currency.code())
    .bind(sale.pool_size)
    .bind(cap)
    .bind(sale.starts_at.millis())
    .bind(sale.countdown_secs)
    .bind(sale.ends_at.millis())
    .bind(sale.pay_window_ms)
    .bind(sale.created_at.millis())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn get(pool: &PgPool, id: FlashSaleId) -> StoreResult<Option<SaleState>> {
    let row: Option<SaleRow> = sqlx::query_as(concat!(
        "SELECT ",
        sale_columns!(),
        " FROM flash_sales WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    row.map(SaleRow::into_state).transpose()
}

pub(crate) async fn of_room(pool: &PgPool, room: LiveRoomId) -> StoreResult<Vec<SaleState>> {
    let rows: Vec<SaleRow> = sqlx::query_as(concat!(
        "SELECT ",
        sale_columns!(),
        " FROM flash_sales WHERE room_id = $1 ORDER BY starts_at, id LIMIT $2"
    ))
    .bind(room.as_uuid())
    .bind(ROOM_SALES_LIMIT)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.into_iter().map(SaleRow::into_state).collect()
}

/// At most one per user (`addresses_one_default_key`), ordered by user.
///
/// One index probe per user (`LATERAL … OFFSET 0` cannot be flattened):
/// written as `user_id = ANY($1)`, the generic plan a pooled connection
/// cached in a flash sale's first second (the table still small) was a
/// sequential scan with the array hashed, and every later batch read the
/// whole table (measured: 2.6 M rows read in 4 s of a two-node sale).
pub(crate) async fn default_addresses(
    pool: &PgPool,
    users: &[UserId],
) -> StoreResult<Vec<Address>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<Uuid> = users.iter().map(UserId::as_uuid).collect();
    ids.sort_unstable();
    ids.dedup();
    read_default_addresses(pool, ids).await
}

/// The read of `default_addresses` for sorted, distinct `ids` (also run
/// with none by the flash warm-up, to prepare it on a connection).
pub(crate) async fn read_default_addresses(
    conn: impl sqlx::PgExecutor<'_>,
    ids: Vec<Uuid>,
) -> StoreResult<Vec<Address>> {
    let rows: Vec<AddressRow> = sqlx::query_as(concat!(
        "SELECT a.* FROM UNNEST($1::uuid[]) AS u(id) \
         CROSS JOIN LATERAL (SELECT ",
        address_columns!(),
        " FROM addresses WHERE user_id = u.id AND is_default OFFSET 0) a \
         ORDER BY a.user_id"
    ))
    .bind(ids)
    .fetch_all(conn)
    .await
    .map_err(db_err)?;
    Ok(rows.into_iter().map(Address::from).collect())
}

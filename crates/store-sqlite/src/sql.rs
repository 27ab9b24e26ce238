//! Small helpers every capability module uses: id binding, keyset cursors,
//! JSON columns and the transaction discipline.

use serde::Serialize;
use sqlx::{Sqlite, SqlitePool, Transaction};
use uuid::Uuid;
use uuid::fmt::Hyphenated;
use yc_domain::page::PageRequest;
use yc_domain::{
    AddressId, AfterSalesId, EventId, FlashSaleId, JobId, LiveRoomId, MerchantId, OrderId,
    PaymentId, ProductId, RefundId, ReviewId, ShipmentId, SkuId, UserId, VideoId,
};
use yc_store::{StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::writer::{WriteTx, Writer};
use tokio::sync::OwnedMutexGuard;

pub(crate) type Tx = Transaction<'static, Sqlite>;

/// The stored (TEXT, lowercase hyphenated) form of an id.
pub(crate) trait Key {
    fn key(&self) -> Hyphenated;
}

impl Key for Uuid {
    fn key(&self) -> Hyphenated {
        self.hyphenated()
    }
}

macro_rules! typed_keys {
    ($($id:ty),* $(,)?) => {$(
        impl Key for $id {
            fn key(&self) -> Hyphenated {
                self.0.hyphenated()
            }
        }
    )*};
}

typed_keys!(
    UserId,
    MerchantId,
    ProductId,
    SkuId,
    VideoId,
    OrderId,
    PaymentId,
    AddressId,
    ReviewId,
    JobId,
    EventId,
    LiveRoomId,
    FlashSaleId,
    ShipmentId,
    AfterSalesId,
    RefundId,
);

/// A JSON array of ids, bound once and expanded in SQL with
/// `IN (SELECT value FROM json_each(?))`: one statement whatever the length.
pub(crate) fn key_list<K: Key>(ids: &[K]) -> String {
    // Hyphenated UUIDs are [0-9a-f-] only: nothing to escape.
    let quoted: Vec<String> = ids.iter().map(|k| format!("\"{}\"", k.key())).collect();
    format!("[{}]", quoted.join(","))
}

/// Upper bound for keyset paging with `id < ?`. Without a cursor it is "g",
/// which sorts after every lowercase hyphenated UUID, so the condition stays a
/// plain index range either way.
pub(crate) fn before(after: Option<Uuid>) -> String {
    after.map_or_else(|| "g".to_owned(), |u| u.hyphenated().to_string())
}

/// Rows to fetch for a page: one more than its size, so the caller can tell
/// whether another page exists.
pub(crate) fn overfetch(page: PageRequest) -> i64 {
    i64::from(page.size.get()) + 1
}

pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| {
        tracing::error!(error = %e, "cannot encode a JSON column");
        StoreError::Backend(format!("cannot encode JSON column: {e}"))
    })
}

/// A serde unit enum as its wire name ("refund_only", "浙江"): stored
/// values read the same as the API's.
pub(crate) fn enum_str<T: Serialize>(value: &T) -> StoreResult<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Backend("enum without a string name".into())),
    }
}

pub(crate) fn enum_parse<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &'static str,
) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| crate::rows::corrupt(what))
}

/// A write transaction on the single writer connection, behind the write
/// gate, taking SQLite's write lock up front (`BEGIN IMMEDIATE`) so it can
/// never fail half-way on a lock upgrade.
pub(crate) async fn begin_write(writer: &Writer) -> StoreResult<WriteTx> {
    writer.begin().await
}

/// A read transaction: one consistent snapshot for multi-query reads.
pub(crate) async fn begin_read(pool: &SqlitePool) -> StoreResult<Tx> {
    pool.begin().await.map_err(from_sqlx)
}

/// A transaction `finish` can end: a read one, or a write one with its gate.
pub(crate) trait Finish {
    fn parts(self) -> (Tx, Option<OwnedMutexGuard<()>>);
}

impl Finish for Tx {
    fn parts(self) -> (Tx, Option<OwnedMutexGuard<()>>) {
        (self, None)
    }
}

impl Finish for WriteTx {
    fn parts(self) -> (Tx, Option<OwnedMutexGuard<()>>) {
        let (tx, gate) = self.into_parts();
        (tx, Some(gate))
    }
}

/// Commits on `Ok`, rolls back on `Err`: a refused use case leaves nothing.
/// A write transaction's gate opens only once that has run.
pub(crate) async fn finish<T>(tx: impl Finish, outcome: StoreResult<T>) -> StoreResult<T> {
    let (tx, _gate) = tx.parts();
    match outcome {
        Ok(value) => {
            tx.commit().await.map_err(from_sqlx)?;
            Ok(value)
        }
        Err(err) => {
            if let Err(rollback) = tx.rollback().await {
                // The connection discards the transaction when it is reused.
                tracing::error!(error = %rollback, "sqlite rollback failed");
            }
            Err(err)
        }
    }
}

/// Inserts an ordered product list (a video's products, a room's pins):
/// `sql` takes `(owner, position, product)`.
pub(crate) async fn insert_product_links(
    conn: &mut sqlx::SqliteConnection,
    sql: &'static str,
    owner: Hyphenated,
    products: &[yc_domain::ProductId],
) -> yc_store::StoreResult<()> {
    for (position, product) in (0_i64..).zip(products) {
        sqlx::query(sql)
            .bind(owner)
            .bind(position)
            .bind(product.key())
            .execute(&mut *conn)
            .await
            .map_err(crate::error::from_sqlx)?;
    }
    Ok(())
}

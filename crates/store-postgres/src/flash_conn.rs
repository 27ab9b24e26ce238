//! The flash batch's transaction, driven by hand on one pooled connection
//! so that its two ends each cost one round trip: `BEGIN` travels with the
//! buyers' advisory locks and the batch's read (`flash_lock_read`,
//! migration 0008), and taking the pool travels with `COMMIT`
//! (sqlx's `Transaction` would send each on its own). Every round trip on
//! this loaded machine is also a wait to be scheduled, and the second one
//! is the time the sale's row lock is held.
//!
//! Both strings carry only integers, UUIDs and hex formatted by this
//! crate, never text from a request as it came.

use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgConnection, PgPool, Postgres};
use uuid::Uuid;
use yc_domain::FlashSaleId;
use yc_store::StoreResult;

use crate::error::db_err;

/// The advisory-lock class of flash buyers (the first key of the two-key
/// form, whose space does not overlap the one-key form's).
pub(crate) const BUYER_LOCK_CLASS: i32 = 0x7963_0001;

/// What `flash_take` (migration 0007) raises when the pool is short.
const POOL_SHORT: &str = "YCF01";

/// An open transaction. Dropped while open (an error, a cancelled future),
/// its connection is closed instead of going back to the pool, which makes
/// the server roll the transaction back.
pub(crate) struct FlashTx {
    conn: PoolConnection<Postgres>,
    open: bool,
}

impl Drop for FlashTx {
    fn drop(&mut self) {
        if self.open {
            self.conn.close_on_drop();
        }
    }
}

impl FlashTx {
    /// Begins and runs `call` in the same round trip (a simple-query
    /// string: `call` holds only numbers, UUIDs and hex built by the
    /// caller), answering its rows.
    pub async fn begin_with(pool: &PgPool, call: &str) -> StoreResult<(FlashTx, Vec<PgRow>)> {
        let conn = pool.acquire().await.map_err(db_err)?;
        let mut tx = FlashTx { conn, open: true };
        let rows = sqlx::raw_sql(AssertSqlSafe(format!("BEGIN; {call}")))
            .fetch_all(&mut *tx.conn)
            .await
            .map_err(db_err)?;
        Ok((tx, rows))
    }

    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.conn
    }

    pub async fn rollback(mut self) -> StoreResult<()> {
        sqlx::raw_sql("ROLLBACK")
            .execute(&mut *self.conn)
            .await
            .map_err(db_err)?;
        self.open = false;
        Ok(())
    }

    /// Takes `units` from the sale's pool and commits: the pool after, or
    /// `None` (rolled back, nothing kept) if the pool has fewer units.
    pub async fn take_and_commit(
        mut self,
        sale: FlashSaleId,
        units: i64,
    ) -> StoreResult<Option<i64>> {
        let sql = format!("{}; COMMIT", take_call(sale, units));
        let taken = sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_optional(&mut *self.conn)
            .await;
        match taken {
            Ok(row) => {
                self.open = false;
                let row = row.ok_or_else(|| crate::error::corrupt("flash_take's answer"))?;
                let after: i64 = sqlx::Row::try_get(&row, 0).map_err(db_err)?;
                Ok(Some(after))
            }
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(POOL_SHORT) => {
                self.rollback().await?;
                Ok(None)
            }
            Err(e) => Err(db_err(e)),
        }
    }
}

/// `flash_take` (migration 0007) of `units` from `sale`, as text: a UUID
/// and an integer (also the warm-up's, with no units).
pub(crate) fn take_call(sale: FlashSaleId, units: i64) -> String {
    format!("SELECT flash_take('{}'::uuid, {units})", sale.as_uuid())
}

/// The advisory-lock keys of `buyers`, sorted and distinct: taken in
/// this order, two batches sharing buyers cannot deadlock.
pub(crate) fn lock_keys(buyers: &[Uuid]) -> Vec<i32> {
    let mut keys: Vec<i32> = buyers.iter().map(|b| lock_key(*b)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A buyer's 32-bit lock key. Two buyers sharing one only wait for each
/// other; the key is the same on every node.
fn lock_key(buyer: Uuid) -> i32 {
    let v = buyer.as_u128();
    let folded = (v as u64) ^ ((v >> 64) as u64);
    ((folded as u32) ^ ((folded >> 32) as u32)) as i32
}

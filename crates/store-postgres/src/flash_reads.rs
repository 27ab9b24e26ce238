//! The read of a flash group commit, made once the batch's buyers are
//! locked (flash_tx): the sale's pool and cap, the orders already placed
//! with the batch's keys and the units its buyers hold in the sale, in ONE
//! query (one round trip), the last two from orders_flash_key (buyer,
//! sale, key).

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;
use yc_domain::{FlashSaleId, UserId};
use yc_store::StoreResult;

use crate::error::{corrupt, db_err};
use crate::flash::Prepared;

/// What the batch's keys and buyers already have in the sale.
pub(crate) struct Stored {
    /// The sale's pool, per-buyer cap and SKU.
    pub sale: Option<(i64, u32, Uuid)>,
    /// Distinct-key index → (request hash, order id) of a placed order.
    pub existing: HashMap<usize, (String, Uuid)>,
    /// Units each buyer of the batch holds (absent: none).
    pub held: HashMap<UserId, u32>,
}

/// The sale's row, read plainly or locked (`FOR UPDATE`).
macro_rules! read {
    ($lock:literal) => {
        concat!(
            "WITH sale AS MATERIALIZED (SELECT remaining, per_buyer_cap, sku_id \
             FROM flash_sales WHERE id = $1 ",
            $lock,
            ") \
            SELECT 0::int8, NULL::text, s.sku_id, s.remaining, s.per_buyer_cap FROM sale s \
            UNION ALL \
            SELECT u.ord, o.flash_hash, o.id, 0::int8, NULL::int4 \
            FROM UNNEST($2::uuid[], $3::text[]) WITH ORDINALITY AS u(buyer_id, key, ord) \
            CROSS JOIN LATERAL (SELECT flash_hash, id FROM orders o WHERE o.buyer_id = u.buyer_id \
                AND o.flash_sale_id = $1 AND o.flash_key = u.key OFFSET 0) o \
            UNION ALL \
            SELECT -u.ord, NULL, NULL, h.held, NULL \
            FROM UNNEST($4::uuid[]) WITH ORDINALITY AS u(buyer_id, ord) \
            CROSS JOIN LATERAL (SELECT COALESCE(sum(flash_held), 0)::int8 AS held FROM orders o \
                WHERE o.buyer_id = u.buyer_id AND o.flash_sale_id = $1 OFFSET 0) h"
        )
    };
}

/// Keys and buyers are written as one index probe each (`LATERAL … OFFSET
/// 0` keeps the planner from flattening them into a join): a generic plan
/// cached while the table was small could otherwise hash-join against a
/// scan of the whole sale, which grows with every batch.
const READ: &str = read!("");
const READ_LOCKED: &str = read!("FOR UPDATE");

type Row = (i64, Option<String>, Option<Uuid>, i64, Option<i32>);

pub(crate) async fn stored(
    conn: &mut PgConnection,
    sale: FlashSaleId,
    p: &Prepared<'_>,
    locked: bool,
) -> StoreResult<Stored> {
    let mut buyers: Vec<Uuid> = p.key_users.clone();
    buyers.sort_unstable();
    buyers.dedup();
    let rows: Vec<Row> = sqlx::query_as(if locked { READ_LOCKED } else { READ })
        .bind(sale.as_uuid())
        .bind(&p.key_users)
        .bind(&p.key_names)
        .bind(&buyers)
        .fetch_all(conn)
        .await
        .map_err(db_err)?;
    let mut found = Stored {
        sale: None,
        existing: HashMap::new(),
        held: HashMap::with_capacity(buyers.len()),
    };
    for (ord, hash, order, held, cap) in rows {
        if ord == 0 {
            let cap = cap.and_then(|c| u32::try_from(c).ok());
            let (Some(cap), Some(sku)) = (cap, order) else {
                return Err(corrupt("flash sale row"));
            };
            found.sale = Some((held, cap, sku));
            continue;
        }
        // Key rows count 1.., buyer rows -1.. (ordinals into the arrays).
        let at = ord
            .unsigned_abs()
            .checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .ok_or_else(|| corrupt("ordinal"))?;
        match (ord > 0, hash, order) {
            (true, Some(hash), Some(order)) => {
                found.existing.insert(at, (hash, order));
            }
            (true, _, _) => return Err(corrupt("flash order without its key hash")),
            (false, _, _) => {
                let buyer = *buyers.get(at).ok_or_else(|| corrupt("buyer ordinal"))?;
                let held = u32::try_from(held).map_err(|_| corrupt("held units"))?;
                found.held.insert(UserId::from(buyer), held);
            }
        }
    }
    Ok(found)
}

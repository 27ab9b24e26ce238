//! The read of a flash group commit, made once the batch's buyers are
//! locked, in the round trip that begins the transaction and takes those
//! locks (`flash_lock_read`, migration 0008): the sale's pool and cap, the
//! orders already placed with the batch's keys and the units its buyers
//! hold in the sale, the last two from orders_flash_key (buyer, sale, key).

use std::collections::HashMap;
use std::fmt::Write as _;

use sqlx::{PgPool, Row as _};
use uuid::Uuid;
use yc_domain::{FlashSaleId, UserId};
use yc_store::StoreResult;

use crate::error::{corrupt, db_err};
use crate::flash::Prepared;
use crate::flash_conn::{BUYER_LOCK_CLASS, FlashTx, lock_keys};

/// What the batch's keys and buyers already have in the sale.
pub(crate) struct Stored {
    /// The sale's pool, per-buyer cap and SKU.
    pub sale: Option<(i64, u32, Uuid)>,
    /// Distinct-key index → (request hash, order id) of a placed order.
    pub existing: HashMap<usize, (String, Uuid)>,
    /// Units each buyer of the batch holds (absent: none).
    pub held: HashMap<UserId, u32>,
}

type Row = (i64, Option<String>, Option<Uuid>, i64, Option<i32>);

/// Begins the batch's transaction, takes its buyers' locks and reads, in
/// one round trip (`flash_lock_read`, migration 0008); `locked` also
/// locks the sale's row before the read.
pub(crate) async fn begin_and_read(
    pool: &PgPool,
    sale: FlashSaleId,
    p: &Prepared<'_>,
    locked: bool,
) -> StoreResult<(FlashTx, Stored)> {
    let mut buyers: Vec<Uuid> = p.key_users.clone();
    buyers.sort_unstable();
    buyers.dedup();
    let call = call(sale, &p.key_users, &p.key_names, &buyers, locked);
    let (tx, rows) = FlashTx::begin_with(pool, &call).await?;
    let rows = rows
        .iter()
        .map(|r| {
            Ok((
                r.try_get(0).map_err(db_err)?,
                r.try_get(1).map_err(db_err)?,
                r.try_get(2).map_err(db_err)?,
                r.try_get(3).map_err(db_err)?,
                r.try_get(4).map_err(db_err)?,
            ))
        })
        .collect::<StoreResult<Vec<Row>>>()?;
    Ok((tx, parse(rows, &buyers)?))
}

/// The call, as text: numbers, UUIDs and the keys in hex, nothing else.
/// Also the warm-up's call (`flash_warm`), with no keys and no buyers.
pub(crate) fn call(
    sale: FlashSaleId,
    key_users: &[Uuid],
    key_names: &[&str],
    buyers: &[Uuid],
    locked: bool,
) -> String {
    fn list<T>(items: &[T], each: impl Fn(&mut String, &T)) -> String {
        let mut out = String::with_capacity(2 + items.len() * 40);
        out.push('{');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            each(&mut out, item);
        }
        out.push('}');
        out
    }
    // Writing into a String cannot fail.
    let uuid = |out: &mut String, u: &Uuid| {
        let _ = write!(out, "{}", u.hyphenated());
    };
    let locks = list(&lock_keys(key_users), |out, k| {
        let _ = write!(out, "{k}");
    });
    let keys = list(key_names, |out, k| {
        out.push('"');
        out.push_str(&hex::encode(k.as_bytes()));
        out.push('"');
    });
    format!(
        "SELECT r_ord, r_hash, r_id, r_held, r_cap FROM flash_lock_read({BUYER_LOCK_CLASS}, \
         '{locks}'::int4[], '{}'::uuid, '{}'::uuid[], '{keys}'::text[], '{}'::uuid[], {locked})",
        sale.as_uuid().hyphenated(),
        list(key_users, uuid),
        list(buyers, uuid),
    )
}

fn parse(rows: Vec<Row>, buyers: &[Uuid]) -> StoreResult<Stored> {
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

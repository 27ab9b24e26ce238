//! The two reads of a flash group commit, made under the sale's row lock:
//! the batch's existing idempotency rows and its buyers' counters, one
//! array query each.

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;
use yc_domain::live::BuyRequest;
use yc_domain::{FlashSaleId, UserId};
use yc_store::StoreResult;

use crate::error::{corrupt, db_err};
use crate::flash::Prepared;

/// Rows of the batch's keys that already exist: distinct-key index → (hash,
/// JSON text). One query; the text is parsed after the transaction.
///
/// Both reads under the lock are written as one primary-key probe per
/// requested key (`LATERAL … OFFSET 0` keeps the planner from flattening
/// them into a join): a generic plan cached while a table was small
/// could otherwise hash-join against a scan of the whole table (or of the
/// whole sale), which grows with every batch.
pub(crate) async fn existing_keys(
    conn: &mut PgConnection,
    p: &Prepared<'_>,
) -> StoreResult<HashMap<usize, (String, String)>> {
    if p.key_users.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT u.ord, k.request_hash, k.response \
         FROM UNNEST($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS u(user_id, scope, key, ord) \
         CROSS JOIN LATERAL (SELECT request_hash, response::text FROM idempotency_keys i \
         WHERE i.user_id = u.user_id AND i.scope = u.scope AND i.key = u.key OFFSET 0) k",
    )
    .bind(&p.key_users)
    .bind(&p.key_scopes)
    .bind(&p.key_names)
    .fetch_all(conn)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|(ord, hash, response)| {
            let k = usize::try_from(ord - 1).map_err(|_| corrupt("key ordinal"))?;
            Ok((k, (hash, response)))
        })
        .collect()
}

/// Units the requesting buyers already hold in this sale. One query (one
/// probe per buyer, see `existing_keys`).
pub(crate) async fn held_counts(
    conn: &mut PgConnection,
    sale: FlashSaleId,
    requests: &[BuyRequest],
) -> StoreResult<HashMap<UserId, u32>> {
    if requests.is_empty() {
        return Ok(HashMap::new());
    }
    let mut buyers: Vec<Uuid> = requests.iter().map(|r| r.buyer.as_uuid()).collect();
    buyers.sort_unstable();
    buyers.dedup();
    let rows: Vec<(Uuid, i32)> = sqlx::query_as(
        "SELECT u.buyer_id, f.held FROM UNNEST($2::uuid[]) AS u(buyer_id) \
         CROSS JOIN LATERAL (SELECT held FROM flash_buyers f \
         WHERE f.sale_id = $1 AND f.buyer_id = u.buyer_id OFFSET 0) f",
    )
    .bind(sale.as_uuid())
    .bind(buyers)
    .fetch_all(conn)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|(buyer, held)| {
            let held = u32::try_from(held).map_err(|_| corrupt("buyer counter"))?;
            Ok((UserId::from(buyer), held))
        })
        .collect()
}

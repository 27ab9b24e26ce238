//! The statements the hot reader thread (`hot_reader`) runs.

use rusqlite::{Connection, OptionalExtension, Row};
use yc_domain::address::Address;
use yc_store::{StoreError, StoreResult};

use crate::flash_thread::backend;
use crate::rows::address_columns;

/// The default address of each listed user who has one; `keys` is a JSON
/// array of hyphenated user ids (`sql::key_list`). Served by the partial
/// unique index on (user_id) WHERE is_default = 1.
pub(crate) fn default_addresses(conn: &Connection, keys: &str) -> StoreResult<Vec<Address>> {
    let mut stmt = conn
        .prepare_cached(concat!(
            "SELECT ",
            address_columns!(),
            " FROM addresses WHERE is_default = 1 \
              AND user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id"
        ))
        .map_err(backend)?;
    let rows = stmt
        .query_map([keys], address)
        .map_err(backend)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(backend)?;
    rows.into_iter().collect()
}

/// The (order id, request hash) of the buyer's newest indexed flash order
/// placed with `key` (`flash_order_keys` by buyer; orders past the
/// indexer's mark are in the flash writer's ledgers).
pub(crate) fn flash_key(
    conn: &Connection,
    user: &str,
    key: &str,
) -> StoreResult<Option<(String, String)>> {
    conn.prepare_cached(
        "SELECT k.order_id, o.flash_hash FROM flash_order_keys AS k \
         JOIN orders AS o ON o.id = k.order_id \
         WHERE k.buyer_id = ? AND k.flash_key = ? \
         ORDER BY k.order_id DESC LIMIT 1",
    )
    .and_then(|mut s| {
        s.query_row([user, key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    })
    .map_err(backend)
}

fn address(r: &Row<'_>) -> rusqlite::Result<StoreResult<Address>> {
    let uuid = |i: usize| -> rusqlite::Result<StoreResult<uuid::Uuid>> {
        let text: String = r.get(i)?;
        Ok(uuid::Uuid::parse_str(&text)
            .map_err(|_| StoreError::Backend("addresses: an id is not a UUID".into())))
    };
    let (id, user) = match (uuid(0)?, uuid(1)?) {
        (Ok(id), Ok(user)) => (id, user),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    Ok(Ok(Address {
        id: yc_domain::AddressId(id),
        user_id: yc_domain::UserId(user),
        recipient: r.get(2)?,
        phone: r.get(3)?,
        province: r.get(4)?,
        city: r.get(5)?,
        district: r.get(6)?,
        detail: r.get(7)?,
        is_default: r.get(8)?,
    }))
}

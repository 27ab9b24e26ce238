//! Addresses: at most `MAX_ADDRESSES` per user, exactly one default as soon
//! as a user has any (enforced here and by a partial unique index).

use sqlx::SqliteConnection;
use uuid::fmt::Hyphenated;
use yc_domain::address::{Address, MAX_ADDRESSES};
use yc_domain::{AddressId, UserId};
use yc_store::{StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::sql::Key;

/// Inserts or updates by id. The default only moves by choosing another
/// address as default (or deleting it): saving the current default with
/// `is_default: false` keeps it the default, so a user with addresses always
/// has one. Returns the address as stored.
pub(crate) async fn save(conn: &mut SqliteConnection, a: &Address) -> StoreResult<Address> {
    let existing: Option<(Hyphenated, bool)> =
        sqlx::query_as("SELECT user_id, is_default FROM addresses WHERE id = ?")
            .bind(a.id.key())
            .fetch_optional(&mut *conn)
            .await
            .map_err(from_sqlx)?;
    let is_default = match existing {
        Some((owner, _)) if owner.into_uuid() != a.user_id.0 => return Err(StoreError::NotFound),
        Some((_, was_default)) => a.is_default || was_default,
        None => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE user_id = ?")
                .bind(a.user_id.key())
                .fetch_one(&mut *conn)
                .await
                .map_err(from_sqlx)?;
            if usize::try_from(n).unwrap_or(usize::MAX) >= MAX_ADDRESSES {
                return Err(StoreError::LimitReached { what: "addresses" });
            }
            a.is_default || n == 0
        }
    };
    if is_default {
        sqlx::query(
            "UPDATE addresses SET is_default = 0 WHERE user_id = ? AND id <> ? AND is_default = 1",
        )
        .bind(a.user_id.key())
        .bind(a.id.key())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    }
    sqlx::query(
        "INSERT INTO addresses \
         (id, user_id, recipient, phone, province, city, district, detail, is_default) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET recipient = excluded.recipient, phone = excluded.phone, \
         province = excluded.province, city = excluded.city, district = excluded.district, \
         detail = excluded.detail, is_default = excluded.is_default",
    )
    .bind(a.id.key())
    .bind(a.user_id.key())
    .bind(&a.recipient)
    .bind(&a.phone)
    .bind(&a.province)
    .bind(&a.city)
    .bind(&a.district)
    .bind(&a.detail)
    .bind(is_default)
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(Address {
        is_default,
        ..a.clone()
    })
}

/// Deleting the default promotes the most recent (highest UUIDv7) remaining
/// address.
pub(crate) async fn delete(
    conn: &mut SqliteConnection,
    user: UserId,
    id: AddressId,
) -> StoreResult<()> {
    let was_default: bool =
        sqlx::query_scalar("SELECT is_default FROM addresses WHERE id = ? AND user_id = ?")
            .bind(id.key())
            .bind(user.key())
            .fetch_optional(&mut *conn)
            .await
            .map_err(from_sqlx)?
            .ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM addresses WHERE id = ?")
        .bind(id.key())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    if was_default {
        sqlx::query(
            "UPDATE addresses SET is_default = 1 WHERE id = \
             (SELECT id FROM addresses WHERE user_id = ? ORDER BY id DESC LIMIT 1)",
        )
        .bind(user.key())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    }
    Ok(())
}

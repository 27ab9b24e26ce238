//! Shipping addresses. Invariant kept by every write, under the owner's row
//! lock (`shopping::lock_user`): a user with addresses has exactly one
//! default (the partial unique index `addresses_one_default_key` backs the
//! "at most" half).

use sqlx::PgPool;
use uuid::Uuid;
use yc_domain::address::{Address, MAX_ADDRESSES};
use yc_domain::{AddressId, UserId};
use yc_store::{StoreError, StoreResult};

use crate::error::{corrupt, db_err};
use crate::rows::{AddressRow, address_columns};
use crate::shopping::lock_user;

pub(crate) async fn save(pool: &PgPool, address: &Address) -> StoreResult<Address> {
    let user = address.user_id.as_uuid();
    let id = address.id.as_uuid();
    let mut tx = pool.begin().await.map_err(db_err)?;
    lock_user(&mut tx, address.user_id).await?;
    let existing: Option<(Uuid, bool)> =
        sqlx::query_as("SELECT user_id, is_default FROM addresses WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
    let was_default = match existing {
        Some((owner, _)) if owner != user => return Err(StoreError::NotFound),
        Some((_, was_default)) => was_default,
        None => false,
    };
    let others: i64 =
        sqlx::query_scalar("SELECT count(*) FROM addresses WHERE user_id = $1 AND id <> $2")
            .bind(user)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
    let others = usize::try_from(others).map_err(|_| corrupt("address count"))?;
    if existing.is_none() && others >= MAX_ADDRESSES {
        return Err(StoreError::LimitReached { what: "addresses" });
    }
    // The first address is the default; the default stays default until
    // another address takes over (so there is always exactly one).
    let is_default = address.is_default || others == 0 || was_default;
    if is_default {
        sqlx::query(
            "UPDATE addresses SET is_default = false \
             WHERE user_id = $1 AND id <> $2 AND is_default",
        )
        .bind(user)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    // The WHERE of DO UPDATE guards against an id minted concurrently by
    // another user: then nothing is returned and the answer is NotFound.
    let saved: Option<AddressRow> = sqlx::query_as(concat!(
        "INSERT INTO addresses (id, user_id, recipient, phone, province, city, district, \
         detail, is_default) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT ON CONSTRAINT addresses_pkey DO UPDATE SET \
         recipient = EXCLUDED.recipient, phone = EXCLUDED.phone, province = EXCLUDED.province, \
         city = EXCLUDED.city, district = EXCLUDED.district, detail = EXCLUDED.detail, \
         is_default = EXCLUDED.is_default \
         WHERE addresses.user_id = EXCLUDED.user_id RETURNING ",
        address_columns!()
    ))
    .bind(id)
    .bind(user)
    .bind(&address.recipient)
    .bind(&address.phone)
    .bind(&address.province)
    .bind(&address.city)
    .bind(&address.district)
    .bind(&address.detail)
    .bind(is_default)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let saved = saved.ok_or(StoreError::NotFound)?;
    tx.commit().await.map_err(db_err)?;
    Ok(saved.into())
}

pub(crate) async fn delete(pool: &PgPool, user: UserId, id: AddressId) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    lock_user(&mut tx, user).await?;
    let was_default: Option<bool> = sqlx::query_scalar(
        "DELETE FROM addresses WHERE id = $1 AND user_id = $2 RETURNING is_default",
    )
    .bind(id.as_uuid())
    .bind(user.as_uuid())
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    match was_default {
        None => return Err(StoreError::NotFound),
        Some(true) => {
            sqlx::query(
                "UPDATE addresses SET is_default = true WHERE id = \
                 (SELECT id FROM addresses WHERE user_id = $1 ORDER BY id DESC LIMIT 1)",
            )
            .bind(user.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        Some(false) => {}
    }
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn list(pool: &PgPool, user: UserId) -> StoreResult<Vec<Address>> {
    let rows: Vec<AddressRow> = sqlx::query_as(concat!(
        "SELECT ",
        address_columns!(),
        " FROM addresses WHERE user_id = $1 ORDER BY is_default DESC, id DESC"
    ))
    .bind(user.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(rows.into_iter().map(Address::from).collect())
}

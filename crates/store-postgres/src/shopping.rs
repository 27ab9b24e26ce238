//! Cart and favorites; addresses are delegated to `addresses`.

use async_trait::async_trait;
use sqlx::PgConnection;
use uuid::Uuid;
use yc_domain::address::Address;
use yc_domain::cart::{MAX_CART_LINES, MAX_QTY_PER_LINE};
use yc_domain::page::PageRequest;
use yc_domain::{AddressId, ProductId, SkuId, Timestamp, UserId};
use yc_store::{CartRow, FavoriteRow, ShoppingStore, StoreError, StoreResult};

use crate::codec::{before, overfetch};
use crate::error::{corrupt, db_err};
use crate::{PgStore, addresses};

/// Serialises one user's bounded collections (cart lines, addresses) across
/// every node: count-then-insert runs under this row lock. `NO KEY UPDATE`
/// does not block the foreign-key checks of other tables referencing the
/// user (orders, sessions…). `NotFound` if the user does not exist.
pub(crate) async fn lock_user(conn: &mut PgConnection, user: UserId) -> StoreResult<()> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE")
            .bind(user.as_uuid())
            .fetch_optional(conn)
            .await
            .map_err(db_err)?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// On `cart_add` an existing line counts as newly added (it moves to the
/// top of the cart); `cart_set` is an edit on the cart page and keeps the
/// line where it is. Both cap the line at `MAX_QTY_PER_LINE`; a quantity
/// of 0 is refused by the CHECK constraint (`Backend`), as on SQLite.
#[derive(Clone, Copy)]
enum CartWrite {
    Add,
    Set,
}

impl PgStore {
    async fn cart_write(
        &self,
        mode: CartWrite,
        user: UserId,
        sku: SkuId,
        quantity: u32,
        now: Timestamp,
    ) -> StoreResult<()> {
        let quantity = i64::from(quantity);
        let cap = i64::from(MAX_QTY_PER_LINE);
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        lock_user(&mut tx, user).await?;
        let updated = match mode {
            CartWrite::Add => sqlx::query(
                "UPDATE cart_lines SET quantity = LEAST(quantity + $3, $4), added_at = $5 \
                 WHERE user_id = $1 AND sku_id = $2",
            )
            .bind(user.as_uuid())
            .bind(sku.as_uuid())
            .bind(quantity)
            .bind(cap)
            .bind(now.millis()),
            CartWrite::Set => sqlx::query(
                "UPDATE cart_lines SET quantity = LEAST($3, $4) WHERE user_id = $1 AND sku_id = $2",
            )
            .bind(user.as_uuid())
            .bind(sku.as_uuid())
            .bind(quantity)
            .bind(cap),
        }
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if updated == 0 {
            let lines: i64 =
                sqlx::query_scalar("SELECT count(*) FROM cart_lines WHERE user_id = $1")
                    .bind(user.as_uuid())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
            if usize::try_from(lines).map_err(|_| corrupt("cart count"))? >= MAX_CART_LINES {
                return Err(StoreError::LimitReached { what: "cart" });
            }
            sqlx::query(
                "INSERT INTO cart_lines (user_id, sku_id, quantity, added_at) \
                 VALUES ($1, $2, LEAST($3, $4), $5)",
            )
            .bind(user.as_uuid())
            .bind(sku.as_uuid())
            .bind(quantity)
            .bind(cap)
            .bind(now.millis())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }
}

#[async_trait]
impl ShoppingStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn cart_add(
        &self,
        user: UserId,
        sku: SkuId,
        quantity: u32,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.cart_write(CartWrite::Add, user, sku, quantity, now)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn cart_set(
        &self,
        user: UserId,
        sku: SkuId,
        quantity: u32,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.cart_write(CartWrite::Set, user, sku, quantity, now)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn cart_remove(&self, user: UserId, sku: SkuId) -> StoreResult<()> {
        sqlx::query("DELETE FROM cart_lines WHERE user_id = $1 AND sku_id = $2")
            .bind(user.as_uuid())
            .bind(sku.as_uuid())
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn cart_lines(&self, user: UserId) -> StoreResult<Vec<CartRow>> {
        let rows: Vec<(Uuid, i32, i64)> = sqlx::query_as(
            "SELECT sku_id, quantity, added_at FROM cart_lines WHERE user_id = $1 \
             ORDER BY added_at DESC, sku_id DESC",
        )
        .bind(user.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(sku, quantity, added_at)| {
                Ok(CartRow {
                    sku_id: sku.into(),
                    quantity: u32::try_from(quantity).map_err(|_| corrupt("cart quantity"))?,
                    added_at: Timestamp(added_at),
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn favorite_set(
        &self,
        user: UserId,
        product: ProductId,
        on: bool,
        now: Timestamp,
    ) -> StoreResult<()> {
        let query = if on {
            sqlx::query(
                "INSERT INTO favorites (id, user_id, product_id, created_at) VALUES ($3, $1, $2, $4) \
                 ON CONFLICT ON CONSTRAINT favorites_user_product_key DO NOTHING",
            )
            .bind(user.as_uuid())
            .bind(product.as_uuid())
            .bind(Uuid::now_v7())
            .bind(now.millis())
        } else {
            sqlx::query("DELETE FROM favorites WHERE user_id = $1 AND product_id = $2")
                .bind(user.as_uuid())
                .bind(product.as_uuid())
        };
        query.execute(&self.pool).await.map_err(db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn is_favorite(&self, user: UserId, product: ProductId) -> StoreResult<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM favorites WHERE user_id = $1 AND product_id = $2)",
        )
        .bind(user.as_uuid())
        .bind(product.as_uuid())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)
    }

    #[tracing::instrument(skip_all)]
    async fn favorites(&self, user: UserId, page: PageRequest) -> StoreResult<Vec<FavoriteRow>> {
        let rows: Vec<(Uuid, Uuid, i64)> = sqlx::query_as(
            "SELECT id, product_id, created_at FROM favorites \
             WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(user.as_uuid())
        .bind(before(page))
        .bind(overfetch(page))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(id, product, created_at)| FavoriteRow {
                id,
                product_id: product.into(),
                created_at: Timestamp(created_at),
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn save_address(&self, address: &Address) -> StoreResult<Address> {
        addresses::save(&self.pool, address).await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_address(&self, user: UserId, id: AddressId) -> StoreResult<()> {
        addresses::delete(&self.pool, user, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_addresses(&self, user: UserId) -> StoreResult<Vec<Address>> {
        addresses::list(&self.pool, user).await
    }
}

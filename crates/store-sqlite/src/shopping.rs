//! ShoppingStore: cart and favorites here, addresses in `addresses`.

use async_trait::async_trait;
use yc_domain::address::Address;
use yc_domain::cart::{MAX_CART_LINES, MAX_QTY_PER_LINE};
use yc_domain::page::PageRequest;
use yc_domain::{AddressId, ProductId, SkuId, Timestamp, UserId};
use yc_store::{CartRow, FavoriteRow, ShoppingStore, StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::rows::{AddressRow, CartLineRow, FavoriteDbRow, address_columns};
use crate::sql::{Key, before, begin_write, finish, overfetch};
use crate::{SqliteStore, addresses};

/// On `cart_add` the line counts as newly added (it moves to the top); a
/// `cart_set` is an edit in the cart page and keeps the line where it is.
const CART_ADD: &str = "INSERT INTO cart_lines (user_id, sku_id, quantity, added_at) \
     VALUES (?1, ?2, min(?3, ?4), ?5) \
     ON CONFLICT (user_id, sku_id) DO UPDATE \
     SET quantity = min(cart_lines.quantity + excluded.quantity, ?4), added_at = excluded.added_at";
const CART_SET: &str = "INSERT INTO cart_lines (user_id, sku_id, quantity, added_at) \
     VALUES (?1, ?2, min(?3, ?4), ?5) \
     ON CONFLICT (user_id, sku_id) DO UPDATE SET quantity = excluded.quantity";

#[async_trait]
impl ShoppingStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn cart_add(
        &self,
        user: UserId,
        sku: SkuId,
        quantity: u32,
        now: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = cart_upsert(&mut tx, CART_ADD, user, sku, quantity, now).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn cart_set(
        &self,
        user: UserId,
        sku: SkuId,
        quantity: u32,
        now: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = cart_upsert(&mut tx, CART_SET, user, sku, quantity, now).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn cart_remove(&self, user: UserId, sku: SkuId) -> StoreResult<()> {
        sqlx::query("DELETE FROM cart_lines WHERE user_id = ? AND sku_id = ?")
            .bind(user.key())
            .bind(sku.key())
            .execute(&mut *self.write.conn().await?)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn cart_lines(&self, user: UserId) -> StoreResult<Vec<CartRow>> {
        let rows: Vec<CartLineRow> = sqlx::query_as(
            "SELECT sku_id, quantity, added_at FROM cart_lines WHERE user_id = ? \
             ORDER BY added_at DESC, sku_id DESC LIMIT ?",
        )
        .bind(user.key())
        .bind(i64::try_from(MAX_CART_LINES).unwrap_or(i64::MAX))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        rows.into_iter().map(CartLineRow::into_row).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn favorite_set(
        &self,
        user: UserId,
        product: ProductId,
        on: bool,
        now: Timestamp,
    ) -> StoreResult<()> {
        let statement = if on {
            sqlx::query(
                "INSERT INTO favorites (id, user_id, product_id, created_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (user_id, product_id) DO NOTHING",
            )
            .bind(uuid::Uuid::now_v7().key())
            .bind(user.key())
            .bind(product.key())
            .bind(now.millis())
        } else {
            sqlx::query("DELETE FROM favorites WHERE user_id = ? AND product_id = ?")
                .bind(user.key())
                .bind(product.key())
        };
        statement
            .execute(&mut *self.write.conn().await?)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn is_favorite(&self, user: UserId, product: ProductId) -> StoreResult<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM favorites WHERE user_id = ? AND product_id = ?)",
        )
        .bind(user.key())
        .bind(product.key())
        .fetch_one(&self.read)
        .await
        .map_err(from_sqlx)
    }

    #[tracing::instrument(skip_all)]
    async fn favorites(&self, user: UserId, page: PageRequest) -> StoreResult<Vec<FavoriteRow>> {
        let rows: Vec<FavoriteDbRow> = sqlx::query_as(
            "SELECT id, product_id, created_at FROM favorites \
             WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
        )
        .bind(user.key())
        .bind(before(page.after))
        .bind(overfetch(page))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        Ok(rows.into_iter().map(FavoriteRow::from).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn save_address(&self, address: &Address) -> StoreResult<Address> {
        // Before and after: see `default_addresses` for why both.
        self.default_addresses.forget(address.user_id);
        let mut tx = begin_write(&self.write).await?;
        let outcome = addresses::save(&mut tx, address).await;
        let done = finish(tx, outcome).await;
        self.default_addresses.forget(address.user_id);
        done
    }

    #[tracing::instrument(skip_all)]
    async fn delete_address(&self, user: UserId, id: AddressId) -> StoreResult<()> {
        self.default_addresses.forget(user);
        let mut tx = begin_write(&self.write).await?;
        let outcome = addresses::delete(&mut tx, user, id).await;
        let done = finish(tx, outcome).await;
        self.default_addresses.forget(user);
        done
    }

    #[tracing::instrument(skip_all)]
    async fn list_addresses(&self, user: UserId) -> StoreResult<Vec<Address>> {
        let rows: Vec<AddressRow> = sqlx::query_as(concat!(
            "SELECT ",
            address_columns!(),
            " FROM addresses WHERE user_id = ? ORDER BY is_default DESC, id DESC"
        ))
        .bind(user.key())
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        Ok(rows.into_iter().map(Address::from).collect())
    }
}

/// Adds or sets a line, refusing a NEW line once the cart is full. Runs in
/// the write transaction, so the count cannot change underneath.
async fn cart_upsert(
    tx: &mut sqlx::SqliteConnection,
    statement: &'static str,
    user: UserId,
    sku: SkuId,
    quantity: u32,
    now: Timestamp,
) -> StoreResult<()> {
    let (exists, lines): (bool, i64) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM cart_lines WHERE user_id = ?1 AND sku_id = ?2), \
                (SELECT COUNT(*) FROM cart_lines WHERE user_id = ?1)",
    )
    .bind(user.key())
    .bind(sku.key())
    .fetch_one(&mut *tx)
    .await
    .map_err(from_sqlx)?;
    if !exists && usize::try_from(lines).unwrap_or(usize::MAX) >= MAX_CART_LINES {
        return Err(StoreError::LimitReached { what: "cart" });
    }
    sqlx::query(statement)
        .bind(user.key())
        .bind(sku.key())
        .bind(i64::from(quantity))
        .bind(i64::from(MAX_QTY_PER_LINE))
        .bind(now.millis())
        .execute(&mut *tx)
        .await
        .map_err(from_sqlx)?;
    Ok(())
}

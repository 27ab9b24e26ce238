use async_trait::async_trait;
use yc_domain::address::Address;
use yc_domain::page::PageRequest;
use yc_domain::{AddressId, ProductId, SkuId, Timestamp, UserId};

use crate::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartRow {
    pub sku_id: SkuId,
    pub quantity: u32,
    pub added_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FavoriteRow {
    /// UUIDv7 of the favorite itself, the keyset cursor of the list.
    pub id: uuid::Uuid,
    pub product_id: ProductId,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait ShoppingStore: Send + Sync {
    /// Adds `quantity` to the line (creating it), capping the line at
    /// `cart::MAX_QTY_PER_LINE`. `LimitReached { what: "cart" }` when a new
    /// line would exceed `cart::MAX_CART_LINES`.
    async fn cart_add(
        &self,
        user: UserId,
        sku: SkuId,
        quantity: u32,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Sets the line's quantity (creating it, same limit as `cart_add`).
    async fn cart_set(
        &self,
        user: UserId,
        sku: SkuId,
        quantity: u32,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Removing a line that is not there is not an error.
    async fn cart_remove(&self, user: UserId, sku: SkuId) -> StoreResult<()>;
    /// All lines (bounded by `MAX_CART_LINES`), newest first.
    async fn cart_lines(&self, user: UserId) -> StoreResult<Vec<CartRow>>;

    /// Idempotent: favoriting twice keeps one row; un-favoriting a product
    /// that is not a favorite is not an error.
    async fn favorite_set(
        &self,
        user: UserId,
        product: ProductId,
        on: bool,
        now: Timestamp,
    ) -> StoreResult<()>;
    async fn is_favorite(&self, user: UserId, product: ProductId) -> StoreResult<bool>;
    /// Newest first by favorite id, ids < `page.after`, overfetching by one.
    async fn favorites(&self, user: UserId, page: PageRequest) -> StoreResult<Vec<FavoriteRow>>;

    /// Inserts or updates (by id) the address of `address.user_id`. If it is
    /// the default, every other address of the user stops being default, in
    /// the same transaction; the first address of a user is always default.
    /// `NotFound` if the id exists but belongs to another user;
    /// `LimitReached { what: "addresses" }` beyond `address::MAX_ADDRESSES`.
    async fn save_address(&self, address: &Address) -> StoreResult<Address>;
    /// `NotFound` unless it belongs to `user`. Deleting the default makes
    /// the most recent remaining address the default.
    async fn delete_address(&self, user: UserId, id: AddressId) -> StoreResult<()>;
    /// Default first, then newest.
    async fn list_addresses(&self, user: UserId) -> StoreResult<Vec<Address>>;
}

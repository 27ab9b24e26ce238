//! Cart, favorites and the address book of a buyer.

use serde::Serialize;
use tracing::instrument;
use yc_domain::account::{Merchant, User};
use yc_domain::address::{Address, AddressDraft};
use yc_domain::cart::Quantity;
use yc_domain::catalog::{Product, ProductStatus, Sku};
use yc_domain::page::{Page, PageRequest};
use yc_domain::{AddressId, MerchantId, Money, ProductId, SkuId};

use crate::catalog::not_found;
use crate::{ServiceError, ServiceResult, Services};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct CartLineView {
    pub product: Product,
    pub sku: Sku,
    pub spec_label: String,
    pub quantity: u32,
    pub line_total: Money,
    /// False when the product is hidden or stock is below the quantity.
    pub available: bool,
}

/// One shop's part of the cart; one checkout per shop.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct CartGroup {
    pub merchant: Merchant,
    pub lines: Vec<CartLineView>,
    pub subtotal: Money,
}

impl Services {
    #[instrument(skip_all)]
    pub async fn cart_add(&self, user: &User, sku: SkuId, quantity: i64) -> ServiceResult<()> {
        let q = Quantity::parse(quantity)?;
        self.sku_for_sale(sku).await?;
        Ok(self
            .store
            .cart_add(user.id, sku, q.get(), self.now())
            .await?)
    }

    #[instrument(skip_all)]
    pub async fn cart_set(&self, user: &User, sku: SkuId, quantity: i64) -> ServiceResult<()> {
        let q = Quantity::parse(quantity)?;
        self.sku_for_sale(sku).await?;
        Ok(self
            .store
            .cart_set(user.id, sku, q.get(), self.now())
            .await?)
    }

    pub async fn cart_remove(&self, user: &User, sku: SkuId) -> ServiceResult<()> {
        Ok(self.store.cart_remove(user.id, sku).await?)
    }

    pub async fn cart(&self, user: &User) -> ServiceResult<Vec<CartGroup>> {
        let rows = self.store.cart_lines(user.id).await?;
        let skus: Vec<SkuId> = rows.iter().map(|r| r.sku_id).collect();
        let products = self.store.products_by_skus(&skus).await?;
        let mut groups: Vec<CartGroup> = Vec::new();
        for row in rows {
            let Some((product, sku)) = find_sku(&products, row.sku_id) else {
                continue;
            };
            let line_total = sku.price.checked_mul(row.quantity)?;
            let available =
                product.status == ProductStatus::Active && sku.stock >= i64::from(row.quantity);
            let line = CartLineView {
                spec_label: product.spec_label(sku),
                product: product.clone(),
                sku: sku.clone(),
                quantity: row.quantity,
                line_total,
                available,
            };
            self.push_line(&mut groups, product.merchant_id, line)
                .await?;
        }
        Ok(groups)
    }

    async fn push_line(
        &self,
        groups: &mut Vec<CartGroup>,
        merchant_id: MerchantId,
        line: CartLineView,
    ) -> ServiceResult<()> {
        if let Some(g) = groups.iter_mut().find(|g| g.merchant.id == merchant_id) {
            g.subtotal = g.subtotal.checked_add(line.line_total)?;
            g.lines.push(line);
            return Ok(());
        }
        let merchant = self
            .store
            .get_merchant(merchant_id)
            .await?
            .ok_or(ServiceError::NotFound("merchant"))?;
        groups.push(CartGroup {
            merchant,
            subtotal: line.line_total,
            lines: vec![line],
        });
        Ok(())
    }

    pub async fn cart_count(&self, user: &User) -> ServiceResult<usize> {
        Ok(self.store.cart_lines(user.id).await?.len())
    }

    async fn sku_for_sale(&self, sku: SkuId) -> ServiceResult<Product> {
        let product = self
            .store
            .products_by_skus(&[sku])
            .await?
            .pop()
            .ok_or(ServiceError::NotFound("sku"))?;
        if product.status != ProductStatus::Active {
            return Err(ServiceError::Unavailable(sku));
        }
        Ok(product)
    }

    #[instrument(skip_all)]
    pub async fn set_favorite(
        &self,
        user: &User,
        product: ProductId,
        on: bool,
    ) -> ServiceResult<()> {
        self.store
            .get_product(product)
            .await?
            .ok_or(ServiceError::NotFound("product"))?;
        Ok(self
            .store
            .favorite_set(user.id, product, on, self.now())
            .await?)
    }

    /// Favorited products, newest favorite first; `next` pages by favorite.
    pub async fn favorites(&self, user: &User, page: PageRequest) -> ServiceResult<Page<Product>> {
        let rows = self.store.favorites(user.id, page).await?;
        let page_rows = Page::from_overfetch(rows, page.size, |f| f.id);
        let ids: Vec<ProductId> = page_rows.items.iter().map(|f| f.product_id).collect();
        let products = self.store.get_products(&ids).await?;
        let items = ids
            .iter()
            .filter_map(|id| products.iter().find(|p| p.id == *id).cloned())
            .collect();
        Ok(Page {
            items,
            next: page_rows.next,
        })
    }

    #[instrument(skip_all)]
    pub async fn save_address(
        &self,
        user: &User,
        id: Option<AddressId>,
        draft: AddressDraft,
    ) -> ServiceResult<Address> {
        let address = draft.parse(id.unwrap_or_default(), user.id)?;
        self.store
            .save_address(&address)
            .await
            .map_err(not_found("address"))
    }

    pub async fn delete_address(&self, user: &User, id: AddressId) -> ServiceResult<()> {
        self.store
            .delete_address(user.id, id)
            .await
            .map_err(not_found("address"))
    }

    pub async fn addresses(&self, user: &User) -> ServiceResult<Vec<Address>> {
        Ok(self.store.list_addresses(user.id).await?)
    }
}

pub(crate) fn find_sku(products: &[Product], sku: SkuId) -> Option<(&Product, &Sku)> {
    products.iter().find_map(|p| p.sku(sku).map(|s| (p, s)))
}

//! Writing a product with its SKUs, and reading products back with theirs.

use std::collections::HashMap;

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;
use yc_domain::catalog::{Product, Sku};
use yc_store::StoreResult;

use crate::codec::{from_json, to_json};
use crate::error::db_err;
use crate::rows::{ProductRow, SkuRow, sku_columns};

/// The product and all its SKUs (one `UNNEST` insert), in one transaction.
/// A SKU's `position` is its index in `product.skus`: "spec order of
/// creation" when read back.
pub(crate) async fn insert(pool: &PgPool, product: &Product) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query(
        "INSERT INTO products (id, merchant_id, title, description, category, media, \
         spec_axes, status, created_at, product_kind, no_reason_days) \
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11)",
    )
    .bind(product.id.as_uuid())
    .bind(product.merchant_id.as_uuid())
    .bind(&product.title)
    .bind(&product.description)
    .bind(&product.category)
    .bind(to_json(&product.media)?)
    .bind(to_json(&product.spec_axes)?)
    .bind(product.status.as_str())
    .bind(product.created_at.millis())
    .bind(product.return_policy.kind.as_str())
    .bind(product.return_policy.no_reason_days.map(i16::from))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if !product.skus.is_empty() {
        let ids: Vec<Uuid> = product.skus.iter().map(|s| s.id.as_uuid()).collect();
        let positions: Vec<i32> = (0..).take(product.skus.len()).collect();
        let specs = product
            .skus
            .iter()
            .map(|s| to_json(&s.spec))
            .collect::<StoreResult<Vec<String>>>()?;
        let prices: Vec<i64> = product.skus.iter().map(|s| s.price.amount_minor).collect();
        let currencies: Vec<&str> = product
            .skus
            .iter()
            .map(|s| s.price.currency.code())
            .collect();
        let stocks: Vec<i64> = product.skus.iter().map(|s| s.stock).collect();
        sqlx::query(
            "INSERT INTO skus (id, product_id, position, spec, price_minor, currency, stock) \
             SELECT u.id, $2, u.position, u.spec::jsonb, u.price, u.currency, u.stock \
             FROM UNNEST($1::uuid[], $3::int4[], $4::text[], $5::int8[], $6::text[], $7::int8[]) \
             AS u(id, position, spec, price, currency, stock)",
        )
        .bind(ids)
        .bind(product.id.as_uuid())
        .bind(positions)
        .bind(specs)
        .bind(prices)
        .bind(currencies)
        .bind(stocks)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)
}

/// Loads the SKUs of `rows` (one query) and builds the products, keeping the
/// order of `rows`.
pub(crate) async fn with_skus<'c>(
    ex: impl PgExecutor<'c>,
    rows: Vec<ProductRow>,
) -> StoreResult<Vec<Product>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let sku_rows: Vec<SkuRow> = sqlx::query_as(concat!(
        "SELECT ",
        sku_columns!(),
        " FROM skus WHERE product_id = ANY($1) ORDER BY product_id, position"
    ))
    .bind(ids)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    let mut skus: HashMap<Uuid, Vec<Sku>> = HashMap::new();
    for row in sku_rows {
        skus.entry(row.product_id)
            .or_default()
            .push(row.into_sku()?);
    }
    rows.into_iter()
        .map(|r| {
            Ok(Product {
                return_policy: r.return_policy()?,
                id: r.id.into(),
                merchant_id: r.merchant_id.into(),
                status: r.status()?,
                media: from_json(&r.media, "product media")?,
                spec_axes: from_json(&r.spec_axes, "product spec axes")?,
                skus: skus.remove(&r.id).unwrap_or_default(),
                title: r.title,
                description: r.description,
                category: r.category,
                created_at: yc_domain::Timestamp(r.created_at),
            })
        })
        .collect()
}

//! Products and SKUs: the SQL behind the product half of `CatalogStore`.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use yc_domain::catalog::{MAX_STOCK, Product, Sku};
use yc_domain::page::PageRequest;
use yc_domain::{MerchantId, ProductId, SkuId};
use yc_store::{ProductPatch, ProductQuery, SkuPatch, StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::rows::{ProductRow, SkuRow, assemble_products, product_columns, sku_columns};
use crate::sql::{Key, before, key_list, overfetch, to_json};

/// Completes product rows with their SKUs (one more query, whatever the
/// number of products).
pub(crate) async fn with_skus(
    conn: &mut SqliteConnection,
    rows: Vec<ProductRow>,
) -> StoreResult<Vec<Product>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id.into_uuid()).collect();
    let skus: Vec<SkuRow> = sqlx::query_as(concat!(
        "SELECT ",
        sku_columns!(),
        " FROM skus WHERE product_id IN (SELECT value FROM json_each(?)) \
         ORDER BY product_id, position"
    ))
    .bind(key_list(&ids))
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    assemble_products(rows, skus)
}

pub(crate) async fn get(
    conn: &mut SqliteConnection,
    id: ProductId,
) -> StoreResult<Option<Product>> {
    let rows: Vec<ProductRow> = sqlx::query_as(concat!(
        "SELECT ",
        product_columns!(),
        " FROM products WHERE id = ?"
    ))
    .bind(id.key())
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(with_skus(conn, rows).await?.into_iter().next())
}

/// Products whose id is in the JSON array `ids`.
pub(crate) async fn by_ids(conn: &mut SqliteConnection, ids: String) -> StoreResult<Vec<Product>> {
    let rows: Vec<ProductRow> = sqlx::query_as(concat!(
        "SELECT ",
        product_columns!(),
        " FROM products WHERE id IN (SELECT value FROM json_each(?))"
    ))
    .bind(ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    with_skus(conn, rows).await
}

/// The products owning the SKUs in the JSON array `skus`.
pub(crate) async fn by_skus(
    conn: &mut SqliteConnection,
    skus: String,
) -> StoreResult<Vec<Product>> {
    let rows: Vec<ProductRow> = sqlx::query_as(concat!(
        "SELECT ",
        product_columns!(),
        " FROM products WHERE id IN \
         (SELECT product_id FROM skus WHERE id IN (SELECT value FROM json_each(?)))"
    ))
    .bind(skus)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    with_skus(conn, rows).await
}

pub(crate) async fn list(
    conn: &mut SqliteConnection,
    query: &ProductQuery,
    page: PageRequest,
) -> StoreResult<Vec<Product>> {
    // Only fixed fragments are pushed; every value is a bound parameter.
    let mut sql = QueryBuilder::<Sqlite>::new(concat!(
        "SELECT ",
        product_columns!(),
        " FROM products WHERE id < "
    ));
    sql.push_bind(before(page.after));
    if let Some(merchant) = query.merchant_id {
        sql.push(" AND merchant_id = ").push_bind(merchant.key());
    }
    if let Some(category) = &query.category {
        sql.push(" AND category = ").push_bind(category.clone());
    }
    if !query.include_hidden {
        sql.push(" AND status = 'active'");
    }
    sql.push(" ORDER BY id DESC LIMIT ")
        .push_bind(overfetch(page));
    let rows: Vec<ProductRow> = sql
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    with_skus(conn, rows).await
}

pub(crate) async fn insert(conn: &mut SqliteConnection, p: &Product) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO products \
         (id, merchant_id, title, description, category, media, spec_axes, status, created_at, \
          product_kind, no_reason_days) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(p.id.key())
    .bind(p.merchant_id.key())
    .bind(&p.title)
    .bind(&p.description)
    .bind(&p.category)
    .bind(to_json(&p.media)?)
    .bind(to_json(&p.spec_axes)?)
    .bind(p.status.as_str())
    .bind(p.created_at.millis())
    .bind(p.return_policy.kind.as_str())
    .bind(p.return_policy.no_reason_days.map(i64::from))
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    for (position, sku) in (0_i64..).zip(&p.skus) {
        sqlx::query(
            "INSERT INTO skus (id, product_id, position, spec, price_minor, currency, stock) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(sku.id.key())
        .bind(p.id.key())
        .bind(position)
        .bind(to_json(&sku.spec)?)
        .bind(sku.price.amount_minor)
        .bind(sku.price.currency.code())
        .bind(sku.stock)
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    }
    Ok(())
}

pub(crate) async fn update(
    conn: &mut SqliteConnection,
    merchant: MerchantId,
    id: ProductId,
    patch: &ProductPatch,
) -> StoreResult<Product> {
    let media = patch.media.as_ref().map(to_json).transpose()?;
    let changed = sqlx::query(
        "UPDATE products SET title = COALESCE(?, title), description = COALESCE(?, description), \
         category = COALESCE(?, category), media = COALESCE(?, media), \
         status = COALESCE(?, status) \
         WHERE id = ? AND merchant_id = ?",
    )
    .bind(patch.title.as_deref())
    .bind(patch.description.as_deref())
    .bind(patch.category.as_deref())
    .bind(media)
    .bind(patch.status.map(|s| s.as_str()))
    .bind(id.key())
    .bind(merchant.key())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    get(conn, id).await?.ok_or(StoreError::NotFound)
}

pub(crate) async fn update_sku(
    conn: &mut SqliteConnection,
    merchant: MerchantId,
    id: SkuId,
    patch: &SkuPatch,
) -> StoreResult<Sku> {
    let owned: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM skus JOIN products ON products.id = skus.product_id \
         WHERE skus.id = ? AND products.merchant_id = ?",
    )
    .bind(id.key())
    .bind(merchant.key())
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    if owned.is_none() {
        return Err(StoreError::NotFound);
    }
    if let Some(price) = patch.price {
        sqlx::query("UPDATE skus SET price_minor = ?, currency = ? WHERE id = ?")
            .bind(price.amount_minor)
            .bind(price.currency.code())
            .bind(id.key())
            .execute(&mut *conn)
            .await
            .map_err(from_sqlx)?;
    }
    if let Some(delta) = patch.stock_delta {
        // A delta beyond ±MAX_STOCK can never land in range; refusing it here
        // also keeps `stock + delta` far from integer overflow.
        if delta.unsigned_abs() > MAX_STOCK.unsigned_abs() {
            return Err(StoreError::StockOutOfRange);
        }
        // The range check and the write are one statement.
        let changed = sqlx::query(
            "UPDATE skus SET stock = stock + ?1 WHERE id = ?2 AND stock + ?1 BETWEEN 0 AND ?3",
        )
        .bind(delta)
        .bind(id.key())
        .bind(MAX_STOCK)
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::StockOutOfRange);
        }
    }
    let row: SkuRow = sqlx::query_as(concat!(
        "SELECT ",
        sku_columns!(),
        " FROM skus WHERE id = ?"
    ))
    .bind(id.key())
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?
    .ok_or(StoreError::NotFound)?;
    row.into_sku()
}

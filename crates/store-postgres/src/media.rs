//! Videos (with their yellow-cart product links) and reviews.

use std::collections::HashMap;

use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;
use yc_domain::page::PageRequest;
use yc_domain::review::Review;
use yc_domain::video::Video;
use yc_domain::{MerchantId, ProductId, Timestamp, VideoId};
use yc_store::{StoreError, StoreResult};

use crate::codec::{before, count, overfetch};
use crate::error::db_err;
use crate::rows::ReviewRow;

#[derive(sqlx::FromRow)]
struct VideoRow {
    id: Uuid,
    merchant_id: Uuid,
    title: String,
    video_url: String,
    poster_url: String,
    created_at: i64,
}

/// Ordered product lists of several owners (a video's products, a room's
/// pins) in one query: `sql` selects `(owner, product)` for `owner = ANY($1)`
/// ordered by owner and position.
pub(crate) async fn product_links<'c>(
    ex: impl PgExecutor<'c>,
    sql: &'static str,
    owners: Vec<Uuid>,
) -> StoreResult<HashMap<Uuid, Vec<ProductId>>> {
    let links: Vec<(Uuid, Uuid)> = sqlx::query_as(sql)
        .bind(owners)
        .fetch_all(ex)
        .await
        .map_err(db_err)?;
    let mut by_owner: HashMap<Uuid, Vec<ProductId>> = HashMap::new();
    for (owner, product) in links {
        by_owner.entry(owner).or_default().push(product.into());
    }
    Ok(by_owner)
}

/// Loads the product links of `rows` (one query), keeping the order of `rows`.
async fn with_products<'c>(
    ex: impl PgExecutor<'c>,
    rows: Vec<VideoRow>,
) -> StoreResult<Vec<Video>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let sql = "SELECT video_id, product_id FROM video_products \
               WHERE video_id = ANY($1) ORDER BY video_id, position";
    let mut products = product_links(ex, sql, ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| Video {
            id: r.id.into(),
            merchant_id: r.merchant_id.into(),
            product_ids: products.remove(&r.id).unwrap_or_default(),
            title: r.title,
            video_url: r.video_url,
            poster_url: r.poster_url,
            created_at: Timestamp(r.created_at),
        })
        .collect())
}

async fn insert_links(
    conn: &mut PgConnection,
    video: VideoId,
    products: &[ProductId],
) -> StoreResult<()> {
    if products.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = products.iter().map(ProductId::as_uuid).collect();
    sqlx::query(
        "INSERT INTO video_products (video_id, product_id, position) \
         SELECT $1, u.product_id, u.ord - 1 FROM UNNEST($2::uuid[]) WITH ORDINALITY AS u(product_id, ord)",
    )
    .bind(video.as_uuid())
    .bind(ids)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn insert_video(pool: &PgPool, video: &Video) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query(
        "INSERT INTO videos (id, merchant_id, title, video_url, poster_url, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(video.id.as_uuid())
    .bind(video.merchant_id.as_uuid())
    .bind(&video.title)
    .bind(&video.video_url)
    .bind(&video.poster_url)
    .bind(video.created_at.millis())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    insert_links(&mut tx, video.id, &video.product_ids).await?;
    tx.commit().await.map_err(db_err)
}

const VIDEO_COLUMNS_BY_ID: &str = "SELECT id, merchant_id, title, video_url, poster_url, created_at \
     FROM videos WHERE id = $1";

pub(crate) async fn get_video(pool: &PgPool, id: VideoId) -> StoreResult<Option<Video>> {
    let row: Option<VideoRow> = sqlx::query_as(VIDEO_COLUMNS_BY_ID)
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?;
    let rows = row.into_iter().collect();
    Ok(with_products(pool, rows).await?.into_iter().next())
}

pub(crate) async fn list_videos(
    pool: &PgPool,
    merchant: Option<MerchantId>,
    page: PageRequest,
) -> StoreResult<Vec<Video>> {
    let rows: Vec<VideoRow> = match merchant {
        None => sqlx::query_as(
            "SELECT id, merchant_id, title, video_url, poster_url, created_at FROM videos \
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before(page))
        .bind(overfetch(page)),
        Some(m) => sqlx::query_as(
            "SELECT id, merchant_id, title, video_url, poster_url, created_at FROM videos \
             WHERE merchant_id = $3 AND id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before(page))
        .bind(overfetch(page))
        .bind(m.as_uuid()),
    }
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    with_products(pool, rows).await
}

pub(crate) async fn set_video_products(
    pool: &PgPool,
    merchant: MerchantId,
    id: VideoId,
    products: &[ProductId],
) -> StoreResult<Video> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    // The video row lock serialises concurrent replacements of its links.
    let row: Option<VideoRow> = sqlx::query_as(
        "SELECT id, merchant_id, title, video_url, poster_url, created_at FROM videos \
         WHERE id = $1 AND merchant_id = $2 FOR UPDATE",
    )
    .bind(id.as_uuid())
    .bind(merchant.as_uuid())
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let row = row.ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM video_products WHERE video_id = $1")
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    insert_links(&mut tx, id, products).await?;
    let video = with_products(&mut *tx, vec![row])
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    tx.commit().await.map_err(db_err)?;
    Ok(video)
}

pub(crate) async fn insert_review(pool: &PgPool, review: &Review) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO reviews (id, product_id, user_id, author_name, rating, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(review.id.as_uuid())
    .bind(review.product_id.as_uuid())
    .bind(review.user_id.as_uuid())
    .bind(&review.author_name)
    .bind(i16::from(review.rating))
    .bind(&review.body)
    .bind(review.created_at.millis())
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn review_histogram(pool: &PgPool, product: ProductId) -> StoreResult<[u64; 5]> {
    let rows: Vec<(i16, i64)> = sqlx::query_as(
        "SELECT rating, count(*) FROM reviews WHERE product_id = $1 GROUP BY rating",
    )
    .bind(product.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let mut histogram = [0_u64; 5];
    for (rating, n) in rows {
        let slot = usize::try_from(rating - 1)
            .ok()
            .and_then(|i| histogram.get_mut(i));
        if let Some(slot) = slot {
            *slot = count(n)?;
        }
    }
    Ok(histogram)
}

pub(crate) async fn list_reviews(
    pool: &PgPool,
    product: ProductId,
    page: PageRequest,
) -> StoreResult<Vec<Review>> {
    let rows: Vec<ReviewRow> = sqlx::query_as(
        "SELECT id, product_id, user_id, author_name, rating, body, created_at FROM reviews \
         WHERE product_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(product.as_uuid())
    .bind(before(page))
    .bind(overfetch(page))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.into_iter().map(ReviewRow::into_review).collect()
}

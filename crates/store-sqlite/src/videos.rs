//! Videos with their yellow-cart product links, and reviews: the SQL behind
//! the rest of `CatalogStore`.

use sqlx::SqliteConnection;
use yc_domain::page::PageRequest;
use yc_domain::review::Review;
use yc_domain::video::Video;
use yc_domain::{MerchantId, ProductId, VideoId};
use yc_store::{StoreError, StoreResult};

use crate::error::from_sqlx;
use crate::rows::{ReviewRow, VideoLinkRow, VideoRow, assemble_videos, count};
use crate::sql::{Key, before, key_list, overfetch};

macro_rules! video_columns {
    () => {
        "id, merchant_id, title, video_url, poster_url, created_at"
    };
}

/// Completes video rows with their product links, in display order.
async fn with_links(conn: &mut SqliteConnection, rows: Vec<VideoRow>) -> StoreResult<Vec<Video>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id.into_uuid()).collect();
    let links: Vec<VideoLinkRow> = sqlx::query_as(
        "SELECT video_id, product_id FROM video_products \
         WHERE video_id IN (SELECT value FROM json_each(?)) ORDER BY video_id, position",
    )
    .bind(key_list(&ids))
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(assemble_videos(rows, links))
}

pub(crate) async fn get(conn: &mut SqliteConnection, id: VideoId) -> StoreResult<Option<Video>> {
    let rows: Vec<VideoRow> = sqlx::query_as(concat!(
        "SELECT ",
        video_columns!(),
        " FROM videos WHERE id = ?"
    ))
    .bind(id.key())
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(with_links(conn, rows).await?.into_iter().next())
}

pub(crate) async fn list(
    conn: &mut SqliteConnection,
    merchant: Option<MerchantId>,
    page: PageRequest,
) -> StoreResult<Vec<Video>> {
    let rows: Vec<VideoRow> = match merchant {
        Some(merchant) => {
            sqlx::query_as(concat!(
                "SELECT ",
                video_columns!(),
                " FROM videos WHERE merchant_id = ? AND id < ? ORDER BY id DESC LIMIT ?"
            ))
            .bind(merchant.key())
            .bind(before(page.after))
            .bind(overfetch(page))
            .fetch_all(&mut *conn)
            .await
        }
        None => {
            sqlx::query_as(concat!(
                "SELECT ",
                video_columns!(),
                " FROM videos WHERE id < ? ORDER BY id DESC LIMIT ?"
            ))
            .bind(before(page.after))
            .bind(overfetch(page))
            .fetch_all(&mut *conn)
            .await
        }
    }
    .map_err(from_sqlx)?;
    with_links(conn, rows).await
}

pub(crate) async fn insert(conn: &mut SqliteConnection, v: &Video) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO videos (id, merchant_id, title, video_url, poster_url, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(v.id.key())
    .bind(v.merchant_id.key())
    .bind(&v.title)
    .bind(&v.video_url)
    .bind(&v.poster_url)
    .bind(v.created_at.millis())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    insert_links(conn, v.id, &v.product_ids).await
}

async fn insert_links(
    conn: &mut SqliteConnection,
    video: VideoId,
    products: &[ProductId],
) -> StoreResult<()> {
    let sql = "INSERT INTO video_products (video_id, position, product_id) VALUES (?, ?, ?)";
    crate::sql::insert_product_links(conn, sql, video.key(), products).await
}

pub(crate) async fn set_products(
    conn: &mut SqliteConnection,
    merchant: MerchantId,
    id: VideoId,
    products: &[ProductId],
) -> StoreResult<Video> {
    let owned: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM videos WHERE id = ? AND merchant_id = ?")
            .bind(id.key())
            .bind(merchant.key())
            .fetch_optional(&mut *conn)
            .await
            .map_err(from_sqlx)?;
    if owned.is_none() {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM video_products WHERE video_id = ?")
        .bind(id.key())
        .execute(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    insert_links(conn, id, products).await?;
    get(conn, id).await?.ok_or(StoreError::NotFound)
}

pub(crate) async fn insert_review(conn: &mut SqliteConnection, r: &Review) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO reviews (id, product_id, user_id, author_name, rating, body, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.id.key())
    .bind(r.product_id.key())
    .bind(r.user_id.key())
    .bind(&r.author_name)
    .bind(i64::from(r.rating))
    .bind(&r.body)
    .bind(r.created_at.millis())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

pub(crate) async fn histogram(
    conn: &mut SqliteConnection,
    product: ProductId,
) -> StoreResult<[u64; 5]> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT rating, COUNT(*) FROM reviews WHERE product_id = ? GROUP BY rating")
            .bind(product.key())
            .fetch_all(&mut *conn)
            .await
            .map_err(from_sqlx)?;
    let mut stars = [0_u64; 5];
    for (rating, n) in rows {
        // the CHECK constraint keeps rating in 1..=5
        let slot = usize::try_from(rating - 1)
            .ok()
            .and_then(|i| stars.get_mut(i))
            .ok_or_else(|| crate::rows::corrupt("reviews.rating"))?;
        *slot = count(n)?;
    }
    Ok(stars)
}

pub(crate) async fn list_reviews(
    conn: &mut SqliteConnection,
    product: ProductId,
    page: PageRequest,
) -> StoreResult<Vec<Review>> {
    let rows: Vec<ReviewRow> = sqlx::query_as(
        "SELECT id, product_id, user_id, author_name, rating, body, created_at FROM reviews \
         WHERE product_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
    )
    .bind(product.key())
    .bind(before(page.after))
    .bind(overfetch(page))
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    rows.into_iter().map(ReviewRow::into_review).collect()
}

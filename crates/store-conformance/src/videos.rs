//! CatalogStore: videos with their yellow-cart products, and reviews.

use std::sync::Arc;

use yc_domain::review::Review;
use yc_domain::video::Video;
use yc_domain::{MerchantId, ProductId, ReviewId, Timestamp, UserId, VideoId};
use yc_store::{Store, StoreError};

use crate::fixtures::{self, T0, at, page};

fn video(merchant_id: MerchantId, product_ids: Vec<ProductId>) -> Video {
    Video {
        id: VideoId::new(),
        merchant_id,
        title: "夏日穿搭｜三套通勤".into(),
        video_url: "/media/v/1.mp4".into(),
        poster_url: "https://cdn.example/v/1.jpg".into(),
        product_ids,
        created_at: T0,
    }
}

fn video_ids(videos: &[Video]) -> Vec<VideoId> {
    videos.iter().map(|v| v.id).collect()
}

pub async fn videos_insert_get_list(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let other = fixtures::merchant(&store).await;
    let p1 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let p2 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let p3 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let q = fixtures::stored_product(&store, other.id, &[(100, 1)]).await;

    let v1 = video(shop.id, vec![p3.id, p1.id, p2.id]);
    store.insert_video(&v1).await.unwrap();
    let v2 = video(shop.id, vec![]);
    store.insert_video(&v2).await.unwrap();
    let v3 = video(other.id, vec![q.id]);
    store.insert_video(&v3).await.unwrap();

    assert_eq!(
        store.get_video(v1.id).await.unwrap(),
        Some(v1.clone()),
        "product links keep their order"
    );
    assert_eq!(store.get_video(v2.id).await.unwrap(), Some(v2.clone()));
    assert_eq!(store.get_video(VideoId::new()).await.unwrap(), None);

    let first = store.list_videos(None, page(2, None)).await.unwrap();
    assert_eq!(first, vec![v3.clone(), v2.clone(), v1.clone()]);
    let rest = store
        .list_videos(None, page(2, Some(first[1].id.0)))
        .await
        .unwrap();
    assert_eq!(video_ids(&rest), vec![v1.id]);
    let mine = store
        .list_videos(Some(shop.id), page(10, None))
        .await
        .unwrap();
    assert_eq!(video_ids(&mine), vec![v2.id, v1.id]);
}

pub async fn set_video_products_checks_owner(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let rival = fixtures::merchant(&store).await;
    let p1 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let p2 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let v = video(shop.id, vec![p1.id]);
    store.insert_video(&v).await.unwrap();

    let got = store
        .set_video_products(shop.id, v.id, &[p2.id, p1.id])
        .await
        .unwrap();
    let mut expected = v.clone();
    expected.product_ids = vec![p2.id, p1.id];
    assert_eq!(got, expected);
    assert_eq!(store.get_video(v.id).await.unwrap(), Some(expected.clone()));

    match store.set_video_products(rival.id, v.id, &[]).await {
        Err(StoreError::NotFound) => {}
        other => panic!("another shop's video must be NotFound, got {other:?}"),
    }
    assert_eq!(store.get_video(v.id).await.unwrap(), Some(expected.clone()));
    match store.set_video_products(shop.id, VideoId::new(), &[]).await {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown video must be NotFound, got {other:?}"),
    }

    let cleared = store.set_video_products(shop.id, v.id, &[]).await.unwrap();
    assert!(cleared.product_ids.is_empty());
    assert_eq!(store.get_video(v.id).await.unwrap(), Some(cleared));
}

fn review(product_id: ProductId, user_id: UserId, rating: u8, created_at: Timestamp) -> Review {
    Review {
        id: ReviewId::new(),
        product_id,
        user_id,
        author_name: "张*".into(),
        rating,
        body: format!("{rating} 星，面料舒服"),
        created_at,
    }
}

pub async fn reviews_histogram_and_paging(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let q = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    assert_eq!(store.review_histogram(p.id).await.unwrap(), [0; 5]);

    let mut written = Vec::new();
    for (i, rating) in [5_u8, 5, 4, 1, 3, 5].into_iter().enumerate() {
        let r = review(p.id, buyer.id, rating, at(i as i64));
        store.insert_review(&r).await.unwrap();
        written.push(r);
    }
    store
        .insert_review(&review(q.id, buyer.id, 2, T0))
        .await
        .unwrap();

    assert_eq!(store.review_histogram(p.id).await.unwrap(), [1, 0, 1, 1, 3]);
    assert_eq!(store.review_histogram(q.id).await.unwrap(), [0, 1, 0, 0, 0]);
    assert_eq!(
        store.review_histogram(ProductId::new()).await.unwrap(),
        [0; 5]
    );

    written.reverse(); // newest first
    let first = store.list_reviews(p.id, page(4, None)).await.unwrap();
    assert_eq!(first, written[0..5].to_vec(), "size + 1, newest first");
    let rest = store
        .list_reviews(p.id, page(4, Some(first[3].id.0)))
        .await
        .unwrap();
    assert_eq!(rest, written[4..6].to_vec());
}

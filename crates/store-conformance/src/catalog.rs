//! CatalogStore: products and SKUs.

use std::sync::Arc;

use yc_domain::catalog::{MAX_STOCK, Product, ProductStatus};
use yc_domain::{Money, ProductId, SkuId};
use yc_store::{ProductPatch, ProductQuery, SkuPatch, Store, StoreError};

use crate::fixtures::{self, page, sku_stock};

fn ids(products: &[Product]) -> Vec<ProductId> {
    products.iter().map(|p| p.id).collect()
}

fn sorted(mut products: Vec<Product>) -> Vec<Product> {
    products.sort_by_key(|p| p.id);
    products
}

pub async fn product_insert_and_get(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    assert_eq!(store.count_products().await.unwrap(), 0);
    let p = fixtures::stored_product(&store, shop.id, &[(12900, 5), (13900, 0), (9900, 7)]).await;
    let q = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;

    assert_eq!(
        store.get_product(p.id).await.unwrap(),
        Some(p.clone()),
        "a product round-trips with its SKUs in creation order"
    );
    assert_eq!(store.get_product(ProductId::new()).await.unwrap(), None);

    let got = store
        .get_products(&[q.id, ProductId::new(), p.id])
        .await
        .unwrap();
    assert_eq!(sorted(got), sorted(vec![p.clone(), q.clone()]));
    assert!(store.get_products(&[]).await.unwrap().is_empty());

    let by_skus = store
        .products_by_skus(&[p.skus[0].id, p.skus[2].id, q.skus[0].id, SkuId::new()])
        .await
        .unwrap();
    assert_eq!(
        sorted(by_skus),
        sorted(vec![p, q]),
        "each owning product once"
    );
    assert_eq!(store.count_products().await.unwrap(), 2);
}

pub async fn product_list_pages_newest_first(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let mut mine = Vec::new();
    for _ in 0..5 {
        mine.push(fixtures::stored_product(&store, shop.id, &[(100, 1)]).await);
    }
    let other = fixtures::merchant(&store).await;
    fixtures::stored_product(&store, other.id, &[(100, 1)]).await;
    mine.reverse(); // newest first
    let query = ProductQuery {
        merchant_id: Some(shop.id),
        ..ProductQuery::default()
    };

    let first = store.list_products(&query, page(2, None)).await.unwrap();
    assert_eq!(ids(&first), ids(&mine[0..3]), "size + 1 rows, newest first");
    assert_eq!(first, mine[0..3].to_vec(), "listed products carry SKUs");
    let cursor = Some(first[1].id.0);
    let second = store.list_products(&query, page(2, cursor)).await.unwrap();
    assert_eq!(ids(&second), ids(&mine[2..5]), "strictly after the cursor");
    let last = store
        .list_products(&query, page(2, Some(second[1].id.0)))
        .await
        .unwrap();
    assert_eq!(ids(&last), ids(&mine[4..5]));

    let everyone = store
        .list_products(&ProductQuery::default(), page(50, None))
        .await
        .unwrap();
    assert_eq!(everyone.len(), 6);
    assert!(everyone.windows(2).all(|w| w[0].id > w[1].id));
}

pub async fn product_list_filters_hidden_and_category(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let a = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let mut b = fixtures::product(shop.id, &[(100, 1)]);
    b.status = ProductStatus::Hidden;
    store.insert_product(&b).await.unwrap();
    let mut c = fixtures::product(shop.id, &[(100, 1)]);
    c.category = "美妆".into();
    store.insert_product(&c).await.unwrap();

    let buyer_view = ProductQuery::default();
    let listed = store
        .list_products(&buyer_view, page(10, None))
        .await
        .unwrap();
    assert_eq!(
        ids(&listed),
        vec![c.id, a.id],
        "hidden products are not listed"
    );
    let own_view = ProductQuery {
        merchant_id: Some(shop.id),
        include_hidden: true,
        ..ProductQuery::default()
    };
    let listed = store
        .list_products(&own_view, page(10, None))
        .await
        .unwrap();
    assert_eq!(ids(&listed), vec![c.id, b.id, a.id]);
    assert_eq!(
        store.get_product(b.id).await.unwrap(),
        Some(b.clone()),
        "get_product returns hidden products"
    );

    let beauty = ProductQuery {
        category: Some("美妆".into()),
        ..ProductQuery::default()
    };
    let listed = store.list_products(&beauty, page(10, None)).await.unwrap();
    assert_eq!(ids(&listed), vec![c.id]);

    let hide = ProductPatch {
        status: Some(ProductStatus::Hidden),
        ..ProductPatch::default()
    };
    store.update_product(shop.id, a.id, &hide).await.unwrap();
    let listed = store
        .list_products(&buyer_view, page(10, None))
        .await
        .unwrap();
    assert_eq!(ids(&listed), vec![c.id]);
}

pub async fn update_product_checks_owner(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let rival = fixtures::merchant(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 1), (200, 2)]).await;

    let patch = ProductPatch {
        title: Some("新标题".into()),
        media: Some(vec!["/media/new.jpg".into()]),
        status: Some(ProductStatus::Hidden),
        ..ProductPatch::default()
    };
    let updated = store.update_product(shop.id, p.id, &patch).await.unwrap();
    let mut expected = p.clone();
    expected.title = "新标题".into();
    expected.media = vec!["/media/new.jpg".into()];
    expected.status = ProductStatus::Hidden;
    assert_eq!(updated, expected, "None fields are left as they are");
    assert_eq!(
        store.get_product(p.id).await.unwrap(),
        Some(expected.clone())
    );

    let theft = ProductPatch {
        title: Some("stolen".into()),
        ..ProductPatch::default()
    };
    match store.update_product(rival.id, p.id, &theft).await {
        Err(StoreError::NotFound) => {}
        other => panic!("another shop's product must be NotFound, got {other:?}"),
    }
    assert_eq!(store.get_product(p.id).await.unwrap(), Some(expected));
    match store
        .update_product(shop.id, ProductId::new(), &theft)
        .await
    {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown product must be NotFound, got {other:?}"),
    }
}

pub async fn update_sku_checks_owner_and_sets_price(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let rival = fixtures::merchant(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 4), (200, 2)]).await;
    let sku = p.skus[1].id;

    let reprice = SkuPatch {
        price: Some(Money::cny(250)),
        stock_delta: None,
    };
    let got = store.update_sku(shop.id, sku, &reprice).await.unwrap();
    assert_eq!(got.id, sku);
    assert_eq!(got.price, Money::cny(250));
    assert_eq!(got.stock, 2);
    let stored = store.get_product(p.id).await.unwrap().unwrap();
    assert_eq!(stored.sku(sku).unwrap(), &got);
    assert_eq!(stored.skus[0], p.skus[0], "other SKUs untouched");

    let theft = SkuPatch {
        price: Some(Money::cny(1)),
        stock_delta: Some(5),
    };
    match store.update_sku(rival.id, sku, &theft).await {
        Err(StoreError::NotFound) => {}
        other => panic!("another shop's SKU must be NotFound, got {other:?}"),
    }
    assert_eq!(store.get_product(p.id).await.unwrap(), Some(stored.clone()));
    match store.update_sku(shop.id, SkuId::new(), &theft).await {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown SKU must be NotFound, got {other:?}"),
    }
    let same = store
        .update_sku(shop.id, sku, &SkuPatch::default())
        .await
        .unwrap();
    assert_eq!(
        &same,
        stored.sku(sku).unwrap(),
        "an empty patch changes nothing"
    );
}

pub async fn update_sku_stock_delta_is_range_checked(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 5)]).await;
    let sku = p.skus[0].id;
    let delta = |d: i64| SkuPatch {
        price: None,
        stock_delta: Some(d),
    };
    let expect_out_of_range = |r: Result<_, StoreError>, what: &str| match r {
        Err(StoreError::StockOutOfRange) => {}
        other => panic!("{what}: expected StockOutOfRange, got {other:?}"),
    };

    expect_out_of_range(store.update_sku(shop.id, sku, &delta(-6)).await, "below 0");
    assert_eq!(sku_stock(&store, p.id, sku).await, 5);
    let both = SkuPatch {
        price: Some(Money::cny(1)),
        stock_delta: Some(-6),
    };
    expect_out_of_range(store.update_sku(shop.id, sku, &both).await, "with price");
    let unchanged = store.get_product(p.id).await.unwrap().unwrap();
    assert_eq!(
        unchanged.skus[0], p.skus[0],
        "a refused patch keeps nothing"
    );

    let got = store.update_sku(shop.id, sku, &delta(-5)).await.unwrap();
    assert_eq!(got.stock, 0);
    let got = store
        .update_sku(shop.id, sku, &delta(MAX_STOCK))
        .await
        .unwrap();
    assert_eq!(got.stock, MAX_STOCK);
    expect_out_of_range(store.update_sku(shop.id, sku, &delta(1)).await, "above max");
    expect_out_of_range(
        store.update_sku(shop.id, sku, &delta(i64::MAX)).await,
        "i64::MAX",
    );
    expect_out_of_range(
        store.update_sku(shop.id, sku, &delta(i64::MIN)).await,
        "i64::MIN",
    );
    assert_eq!(sku_stock(&store, p.id, sku).await, MAX_STOCK);
}

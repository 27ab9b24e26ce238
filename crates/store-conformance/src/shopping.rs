//! ShoppingStore: cart, favorites, addresses.

use std::sync::Arc;

use yc_domain::address::{Address, MAX_ADDRESSES};
use yc_domain::cart::{MAX_CART_LINES, MAX_QTY_PER_LINE};
use yc_domain::{AddressId, ProductId, SkuId, UserId};
use yc_store::{CartRow, Store, StoreError};

use crate::fixtures::{self, address, at, page};

async fn qty(store: &Arc<dyn Store>, user: UserId, sku: SkuId) -> Option<u32> {
    let lines = store.cart_lines(user).await.unwrap();
    lines.iter().find(|l| l.sku_id == sku).map(|l| l.quantity)
}

pub async fn cart_add_caps_and_set(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let user = fixtures::buyer(&store).await;
    let other = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 1), (100, 1), (100, 1)]).await;
    let [s0, s1, s2] = [p.skus[0].id, p.skus[1].id, p.skus[2].id];

    store.cart_add(user.id, s0, 2, at(0)).await.unwrap();
    store.cart_add(user.id, s1, 1, at(10)).await.unwrap();
    store.cart_set(user.id, s2, 4, at(20)).await.unwrap();
    store.cart_add(other.id, s0, 7, at(30)).await.unwrap();
    let lines = store.cart_lines(user.id).await.unwrap();
    let row = |sku_id, quantity, t| CartRow {
        sku_id,
        quantity,
        added_at: at(t),
    };
    assert_eq!(
        lines,
        vec![row(s2, 4, 20), row(s1, 1, 10), row(s0, 2, 0)],
        "newest first"
    );

    store.cart_add(user.id, s0, 3, at(40)).await.unwrap();
    assert_eq!(qty(&store, user.id, s0).await, Some(5), "add adds");
    store.cart_add(user.id, s0, 60, at(41)).await.unwrap();
    store.cart_add(user.id, s0, 60, at(42)).await.unwrap();
    assert_eq!(qty(&store, user.id, s0).await, Some(MAX_QTY_PER_LINE));
    store.cart_set(user.id, s0, 7, at(43)).await.unwrap();
    assert_eq!(qty(&store, user.id, s0).await, Some(7), "set sets");

    store.cart_remove(user.id, s1).await.unwrap();
    store.cart_remove(user.id, s1).await.unwrap();
    assert_eq!(qty(&store, user.id, s1).await, None);
    assert_eq!(store.cart_lines(user.id).await.unwrap().len(), 2);
    assert_eq!(
        store.cart_lines(other.id).await.unwrap(),
        vec![row(s0, 7, 30)],
        "carts are per user"
    );
}

pub async fn cart_line_limit(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let user = fixtures::buyer(&store).await;
    let skus = vec![(100, 1); MAX_CART_LINES + 1];
    let p = fixtures::stored_product(&store, shop.id, &skus).await;
    for (i, sku) in p.skus.iter().take(MAX_CART_LINES).enumerate() {
        store
            .cart_add(user.id, sku.id, 1, at(i as i64))
            .await
            .unwrap();
    }
    let extra = p.skus[MAX_CART_LINES].id;
    match store.cart_add(user.id, extra, 1, at(1000)).await {
        Err(StoreError::LimitReached { what: "cart" }) => {}
        other => panic!("expected LimitReached cart on add, got {other:?}"),
    }
    match store.cart_set(user.id, extra, 1, at(1000)).await {
        Err(StoreError::LimitReached { what: "cart" }) => {}
        other => panic!("expected LimitReached cart on set, got {other:?}"),
    }
    store
        .cart_add(user.id, p.skus[0].id, 1, at(1001))
        .await
        .unwrap();
    store
        .cart_set(user.id, p.skus[1].id, 9, at(1002))
        .await
        .unwrap();
    let lines = store.cart_lines(user.id).await.unwrap();
    assert_eq!(lines.len(), MAX_CART_LINES, "existing lines still change");
    assert!(lines.iter().all(|l| l.sku_id != extra));
}

fn favorite_ids(rows: &[yc_store::FavoriteRow]) -> Vec<ProductId> {
    rows.iter().map(|r| r.product_id).collect()
}

pub async fn favorites_idempotent_and_paged(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let user = fixtures::buyer(&store).await;
    let other = fixtures::buyer(&store).await;
    let mut products = Vec::new();
    for _ in 0..5 {
        products.push(
            fixtures::stored_product(&store, shop.id, &[(100, 1)])
                .await
                .id,
        );
    }
    let p0 = products[0];

    store.favorite_set(user.id, p0, true, at(0)).await.unwrap();
    store.favorite_set(user.id, p0, true, at(1)).await.unwrap();
    let rows = store.favorites(user.id, page(10, None)).await.unwrap();
    assert_eq!(
        favorite_ids(&rows),
        vec![p0],
        "favoriting twice keeps one row"
    );
    assert!(store.is_favorite(user.id, p0).await.unwrap());
    assert!(!store.is_favorite(other.id, p0).await.unwrap());
    store
        .favorite_set(user.id, products[1], false, at(2))
        .await
        .unwrap();

    for (i, p) in products.iter().enumerate().skip(1) {
        store
            .favorite_set(user.id, *p, true, at(10 + i as i64))
            .await
            .unwrap();
    }
    let mut newest_first = products.clone();
    newest_first.reverse();
    let first = store.favorites(user.id, page(2, None)).await.unwrap();
    assert_eq!(favorite_ids(&first), newest_first[0..3].to_vec());
    let rest = store
        .favorites(user.id, page(2, Some(first[1].id)))
        .await
        .unwrap();
    assert_eq!(favorite_ids(&rest), newest_first[2..5].to_vec());

    store
        .favorite_set(user.id, products[3], false, at(20))
        .await
        .unwrap();
    assert!(!store.is_favorite(user.id, products[3]).await.unwrap());
    assert_eq!(
        store
            .favorites(user.id, page(10, None))
            .await
            .unwrap()
            .len(),
        4
    );
    assert!(
        store
            .favorites(other.id, page(10, None))
            .await
            .unwrap()
            .is_empty()
    );
}

fn summary(list: &[Address]) -> Vec<(AddressId, bool)> {
    list.iter().map(|a| (a.id, a.is_default)).collect()
}

pub async fn addresses_default_rules(store: Arc<dyn Store>) {
    let user = fixtures::buyer(&store).await;
    let a1 = address(user.id, false);
    let saved = store.save_address(&a1).await.unwrap();
    assert!(saved.is_default, "the first address is always the default");
    let a2 = address(user.id, false);
    assert!(!store.save_address(&a2).await.unwrap().is_default);
    let list = store.list_addresses(user.id).await.unwrap();
    assert_eq!(summary(&list), vec![(a1.id, true), (a2.id, false)]);

    let a3 = address(user.id, true);
    assert!(store.save_address(&a3).await.unwrap().is_default);
    let list = store.list_addresses(user.id).await.unwrap();
    assert_eq!(
        summary(&list),
        vec![(a3.id, true), (a2.id, false), (a1.id, false)],
        "default first, then newest; the old default is cleared"
    );

    let mut edit = a2.clone();
    edit.detail = "科技园路2号".into();
    edit.is_default = true;
    let saved = store.save_address(&edit).await.unwrap();
    assert_eq!(saved, edit, "update by id");
    let list = store.list_addresses(user.id).await.unwrap();
    assert_eq!(
        summary(&list),
        vec![(a2.id, true), (a3.id, false), (a1.id, false)]
    );
    assert_eq!(list[0], edit);
}

pub async fn addresses_belong_to_their_user(store: Arc<dyn Store>) {
    let owner = fixtures::buyer(&store).await;
    let intruder = fixtures::buyer(&store).await;
    let a = store.save_address(&address(owner.id, true)).await.unwrap();

    let mut hijack = a.clone();
    hijack.user_id = intruder.id;
    hijack.detail = "别人家".into();
    match store.save_address(&hijack).await {
        Err(StoreError::NotFound) => {}
        other => panic!("saving another user's address id must be NotFound, got {other:?}"),
    }
    match store.delete_address(intruder.id, a.id).await {
        Err(StoreError::NotFound) => {}
        other => panic!("deleting another user's address must be NotFound, got {other:?}"),
    }
    match store.delete_address(owner.id, AddressId::new()).await {
        Err(StoreError::NotFound) => {}
        other => panic!("deleting an unknown address must be NotFound, got {other:?}"),
    }
    assert_eq!(store.list_addresses(owner.id).await.unwrap(), vec![a]);
    assert!(store.list_addresses(intruder.id).await.unwrap().is_empty());
}

pub async fn addresses_limit(store: Arc<dyn Store>) {
    let user = fixtures::buyer(&store).await;
    let mut saved = Vec::new();
    for _ in 0..MAX_ADDRESSES {
        saved.push(store.save_address(&address(user.id, false)).await.unwrap());
    }
    match store.save_address(&address(user.id, false)).await {
        Err(StoreError::LimitReached { what: "addresses" }) => {}
        other => panic!("expected LimitReached addresses, got {other:?}"),
    }
    let mut edit = saved[5].clone();
    edit.recipient = "李四".into();
    store.save_address(&edit).await.unwrap();
    assert_eq!(
        store.list_addresses(user.id).await.unwrap().len(),
        MAX_ADDRESSES
    );

    store.delete_address(user.id, saved[7].id).await.unwrap();
    store.save_address(&address(user.id, false)).await.unwrap();
    assert_eq!(
        store.list_addresses(user.id).await.unwrap().len(),
        MAX_ADDRESSES
    );
}

pub async fn delete_default_address_promotes_newest(store: Arc<dyn Store>) {
    let user = fixtures::buyer(&store).await;
    let a1 = store.save_address(&address(user.id, true)).await.unwrap();
    let a2 = store.save_address(&address(user.id, false)).await.unwrap();
    let a3 = store.save_address(&address(user.id, false)).await.unwrap();

    store.delete_address(user.id, a1.id).await.unwrap();
    let list = store.list_addresses(user.id).await.unwrap();
    assert_eq!(
        summary(&list),
        vec![(a3.id, true), (a2.id, false)],
        "the most recent remaining address becomes the default"
    );
    store.delete_address(user.id, a2.id).await.unwrap();
    let list = store.list_addresses(user.id).await.unwrap();
    assert_eq!(summary(&list), vec![(a3.id, true)]);
    store.delete_address(user.id, a3.id).await.unwrap();
    assert!(store.list_addresses(user.id).await.unwrap().is_empty());
}

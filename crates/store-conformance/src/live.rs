//! LiveStore: rooms and their pins, creating and reading flash sales, and
//! the default-address lookup flash checkout uses.

use std::sync::Arc;

use yc_domain::address::Address;
use yc_domain::live::LiveRoom;
use yc_domain::{FlashSaleId, LiveRoomId, UserId};
use yc_store::{SaleState, Store, StoreError};

use crate::fixtures::{self, T0, address, at, page, sku_stock};
use crate::live_fixtures::{flash_sale, live_room, stored_room};

fn room_ids(rooms: &[LiveRoom]) -> Vec<LiveRoomId> {
    rooms.iter().map(|r| r.id).collect()
}

pub async fn live_rooms_insert_get_list(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let other = fixtures::merchant(&store).await;
    let p1 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let p2 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;

    let r1 = live_room(shop.id, vec![p2.id, p1.id]);
    store.insert_live_room(&r1).await.unwrap();
    let r2 = live_room(other.id, vec![]);
    store.insert_live_room(&r2).await.unwrap();
    let r3 = live_room(shop.id, vec![p1.id]);
    store.insert_live_room(&r3).await.unwrap();

    assert_eq!(
        store.get_live_room(r1.id).await.unwrap(),
        Some(r1.clone()),
        "pins keep their order"
    );
    assert_eq!(store.get_live_room(r2.id).await.unwrap(), Some(r2.clone()));
    assert_eq!(store.get_live_room(LiveRoomId::new()).await.unwrap(), None);

    let first = store.list_live_rooms(page(2, None)).await.unwrap();
    assert_eq!(
        first,
        vec![r3.clone(), r2.clone(), r1.clone()],
        "newest first, one extra row"
    );
    let rest = store
        .list_live_rooms(page(2, Some(first[1].id.0)))
        .await
        .unwrap();
    assert_eq!(room_ids(&rest), vec![r1.id]);

    assert_eq!(
        store.list_live_rooms(page(10, None)).await.unwrap().len(),
        3
    );
}

pub async fn set_pinned_checks_owner(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let other = fixtures::merchant(&store).await;
    let p1 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let p2 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let p3 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let room = live_room(shop.id, vec![p1.id, p2.id]);
    store.insert_live_room(&room).await.unwrap();

    let updated = store
        .set_pinned(shop.id, room.id, &[p3.id, p1.id])
        .await
        .unwrap();
    assert_eq!(updated.pinned, vec![p3.id, p1.id], "replaced, in order");
    assert_eq!(
        store.get_live_room(room.id).await.unwrap(),
        Some(updated.clone())
    );
    assert_eq!((updated.id, &updated.title), (room.id, &room.title));

    for (merchant, id) in [(other.id, room.id), (shop.id, LiveRoomId::new())] {
        match store.set_pinned(merchant, id, &[p2.id]).await {
            Err(StoreError::NotFound) => {}
            other => panic!("expected NotFound, got {other:?}"),
        }
    }
    assert_eq!(
        store.get_live_room(room.id).await.unwrap().unwrap().pinned,
        vec![p3.id, p1.id],
        "a refused edit changes nothing"
    );
    let cleared = store.set_pinned(shop.id, room.id, &[]).await.unwrap();
    assert!(cleared.pinned.is_empty());
}

pub async fn create_flash_sale_takes_the_pool(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let other = fixtures::merchant(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(1990, 100)]).await;
    let theirs = fixtures::stored_product(&store, other.id, &[(1990, 100)]).await;
    let room = stored_room(&store, shop.id).await;
    let their_room = stored_room(&store, other.id).await;
    let sku = p.skus[0].id;

    let later = flash_sale(&room, &p, 30, 2, at(600_000));
    store.create_flash_sale(&later).await.unwrap();
    assert_eq!(
        sku_stock(&store, p.id, sku).await,
        70,
        "the pool left the SKU"
    );
    assert_eq!(
        store.get_flash_sale(later.id).await.unwrap(),
        Some(SaleState {
            sale: later.clone(),
            remaining: 30
        })
    );
    // Another shop's room, or another shop's SKU: NotFound, nothing taken.
    let mut in_their_room = flash_sale(&their_room, &p, 1, 1, T0);
    in_their_room.merchant_id = shop.id;
    let of_their_sku = flash_sale(&room, &theirs, 1, 1, T0);
    let mut posing = flash_sale(&their_room, &theirs, 1, 1, T0);
    posing.merchant_id = shop.id;
    for sale in [in_their_room, of_their_sku, posing] {
        match store.create_flash_sale(&sale).await {
            Err(StoreError::NotFound) => {}
            other => panic!("expected NotFound, got {other:?}"),
        }
        assert_eq!(store.get_flash_sale(sale.id).await.unwrap(), None);
    }
    assert_eq!(sku_stock(&store, p.id, sku).await, 70);
    let theirs_sku = theirs.skus[0].id;
    assert_eq!(sku_stock(&store, theirs.id, theirs_sku).await, 100);

    let sooner = flash_sale(&room, &p, 70, 1, at(60_000));
    store.create_flash_sale(&sooner).await.unwrap();
    assert_eq!(sku_stock(&store, p.id, sku).await, 0);

    let too_big = flash_sale(&room, &p, 1, 1, T0);
    match store.create_flash_sale(&too_big).await {
        Err(StoreError::SoldOut { sku_id }) => assert_eq!(sku_id, sku),
        other => panic!("expected SoldOut, got {other:?}"),
    }
    assert_eq!(store.get_flash_sale(too_big.id).await.unwrap(), None);

    let listed = store.room_flash_sales(room.id).await.unwrap();
    let ids: Vec<FlashSaleId> = listed.iter().map(|s| s.sale.id).collect();
    assert_eq!(ids, vec![sooner.id, later.id], "soonest starts_at first");
    assert_eq!(listed[0].remaining, 70);
    assert!(
        store
            .room_flash_sales(their_room.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.get_flash_sale(FlashSaleId::new()).await.unwrap(),
        None
    );
}

fn by_user(mut list: Vec<Address>) -> Vec<Address> {
    list.sort_by_key(|a| a.user_id);
    list
}

pub async fn default_addresses_one_per_user(store: Arc<dyn Store>) {
    let a = fixtures::buyer(&store).await;
    let b = fixtures::buyer(&store).await;
    let c = fixtures::buyer(&store).await;
    store.save_address(&address(a.id, false)).await.unwrap();
    let a_default = store.save_address(&address(a.id, true)).await.unwrap();
    let b_only = store.save_address(&address(b.id, false)).await.unwrap();
    assert!(b_only.is_default, "a first address becomes the default");

    let found = store
        .default_addresses(&[a.id, b.id, c.id, a.id, UserId::new()])
        .await
        .unwrap();
    assert_eq!(by_user(found), by_user(vec![a_default, b_only.clone()]));
    assert_eq!(
        store.default_addresses(&[b.id]).await.unwrap(),
        vec![b_only]
    );
    assert!(store.default_addresses(&[c.id]).await.unwrap().is_empty());
    assert!(store.default_addresses(&[]).await.unwrap().is_empty());
}

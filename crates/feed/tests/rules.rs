//! The feed's hard rules: what must never be shown, and what must sink.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use uuid::Uuid;
use yc_feed::{Availability, FeedParams, ItemMeta, Signal};

#[test]
fn not_interested_is_never_returned_to_that_viewer() {
    let mut w = world(&CATS, 10);
    crowd(&mut w);
    let u = user(1);
    let disliked: Vec<Uuid> = w.items.iter().step_by(3).map(|i| i.key).collect();
    for (k, d) in disliked.iter().enumerate() {
        let _ = w
            .model
            .observe(&ev(u, *d, Signal::NotInterested, T0 + k as i64));
    }
    w.model.refresh(T0);
    for page in [20, 50] {
        let mut r = req(u, T0 + MIN);
        r.page_size = page;
        let out = w.model.recommend(&r);
        assert!(!out.is_empty());
        assert!(out.iter().all(|rec| !disliked.contains(&rec.item)));
    }
    // Another viewer still gets them.
    let mut r = req(user(2), T0 + MIN);
    r.page_size = 50;
    assert!(
        w.model
            .recommend(&r)
            .iter()
            .any(|rec| disliked.contains(&rec.item))
    );
}

#[test]
fn a_bought_single_purchase_product_leaves_the_feed_in_every_video() {
    let mut w = world(&CATS[..2], 10);
    // A second video of the same single-purchase product.
    let mut first = w.items[0].clone();
    first.single_purchase = true;
    w.model.upsert_item(&first).unwrap();
    let twin = ItemMeta {
        key: Uuid::from_u128(777),
        ..first.clone()
    };
    w.model.upsert_item(&twin).unwrap();
    crowd(&mut w);
    let u = user(3);
    let _ = w.model.observe(&ev(u, first.key, Signal::Purchase, T0));
    w.model.refresh(T0);
    let mut r = req(u, T0 + MIN);
    r.page_size = 50;
    let out = w.model.recommend(&r);
    assert!(!out.is_empty());
    assert!(
        out.iter()
            .all(|x| x.item != first.key && x.item != twin.key)
    );
    // A repeat-purchase product stays.
    let other = w.items[1].key;
    let _ = w.model.observe(&ev(u, other, Signal::Purchase, T0));
    let out = w.model.recommend(&r);
    assert!(out.iter().any(|x| x.item == other));
}

#[test]
fn sold_out_videos_rank_below_every_available_one_or_drop() {
    let mut w = world(&CATS[..3], 8);
    crowd(&mut w);
    // Sell out the most engaged videos so they would otherwise lead.
    let sold: Vec<Uuid> = w.items.iter().rev().take(6).map(|i| i.key).collect();
    for k in &sold {
        let a = Availability {
            blocked_or_deleted: false,
            sold_out: true,
        };
        w.model.set_available(*k, a).unwrap();
    }
    w.model.refresh(T0);
    let mut r = req(user(4), T0 + MIN);
    r.page_size = 50;
    let out = w.model.recommend(&r);
    let first_sold = out.iter().position(|x| sold.contains(&x.item));
    let last_avail = out.iter().rposition(|x| !sold.contains(&x.item));
    assert!(first_sold.is_some(), "sold-out videos still fill a page");
    assert!(first_sold > last_avail, "sold-out after all available");
    r.params = Some(FeedParams {
        drop_sold_out: true,
        ..FeedParams::default()
    });
    assert!(
        w.model
            .recommend(&r)
            .iter()
            .all(|x| !sold.contains(&x.item))
    );
}

#[test]
fn just_seen_videos_are_pushed_down_and_excluded_ones_gone() {
    let mut w = world(&CATS[..2], 15);
    crowd(&mut w);
    w.model.refresh(T0);
    let u = user(7);
    let before = w.model.recommend(&req(u, T0 + MIN));
    let top = before[0].item;
    let _ = w.model.observe(&ev(u, top, Signal::Impression, T0 + MIN));
    let after = w.model.recommend(&req(u, T0 + 2 * MIN));
    let pos = after.iter().position(|x| x.item == top);
    assert!(pos.is_none_or(|p| p > 0), "seen video no longer leads");
    let mut r = req(u, T0 + 2 * MIN);
    r.exclude = after.iter().take(5).map(|x| x.item).collect();
    let next = w.model.recommend(&r);
    assert!(next.iter().all(|x| !r.exclude.contains(&x.item)));
}

#[test]
fn unpublished_videos_wait_and_page_size_is_bounded() {
    let mut w = world(&CATS[..2], 5);
    let future = ItemMeta {
        key: Uuid::from_u128(555),
        created_at_ms: T0 + 60 * MIN,
        ..w.items[0].clone()
    };
    w.model.upsert_item(&future).unwrap();
    let mut r = req(user(8), T0);
    r.page_size = 10_000;
    let out = w.model.recommend(&r);
    assert!(out.len() <= yc_feed::MAX_PAGE_SIZE);
    assert!(out.iter().all(|x| x.item != future.key));
    r.now_ms = T0 + 61 * MIN;
    assert!(w.model.recommend(&r).iter().any(|x| x.item == future.key));
}

#[test]
fn upsert_keeps_availability_and_unknown_items_are_refused() {
    let mut w = world(&CATS[..1], 3);
    let key = w.items[0].key;
    let blocked = Availability {
        blocked_or_deleted: true,
        sold_out: false,
    };
    w.model.set_available(key, blocked).unwrap();
    w.model.upsert_item(&w.items[0].clone()).unwrap();
    assert_eq!(w.model.availability(key), Some(blocked));
    assert!(
        w.model
            .set_available(Uuid::from_u128(999_999), blocked)
            .is_err()
    );
    let unknown = ev(user(1), Uuid::from_u128(999_999), Signal::Purchase, T0);
    assert_eq!(w.model.observe(&unknown), yc_feed::Observed::UnknownItem);
    assert_eq!(w.model.stats().events_unknown_item, 1);
}

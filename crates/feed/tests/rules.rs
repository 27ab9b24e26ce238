//! The feed's hard rules and visible behaviour on small hand-made worlds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use uuid::Uuid;
use yc_feed::{
    Availability, Event, FeedModel, FeedParams, FeedRequest, ItemMeta, Province, Reason, Signal,
    UserKey,
};

const T0: i64 = 1_767_225_600_000;
const MIN: i64 = 60_000;

struct World {
    model: FeedModel,
    items: Vec<ItemMeta>,
}

/// `per_category` videos in each category, 4 merchants per category spread
/// over provinces, all published a week before `T0`.
fn world(categories: &[&str], per_category: usize) -> World {
    let provinces = [
        Province::Guangdong,
        Province::Zhejiang,
        Province::Sichuan,
        Province::Beijing,
    ];
    let mut model = FeedModel::default();
    let mut items = Vec::new();
    let mut n = 0u128;
    for (c, cat) in categories.iter().enumerate() {
        for i in 0..per_category {
            n += 1;
            let m = (c * 4 + i % 4) as u128;
            let meta = ItemMeta {
                key: Uuid::from_u128(n),
                product: Uuid::from_u128(10_000 + n),
                category: (*cat).to_string(),
                tags: vec![format!("{cat}·{}", i % 3)],
                merchant: Uuid::from_u128(1_000_000 + m),
                origin: Some(provinces[i % 4]),
                created_at_ms: T0 - 7 * 24 * 60 * MIN,
                single_purchase: false,
            };
            model.upsert_item(&meta).unwrap();
            items.push(meta);
        }
    }
    World { model, items }
}

fn user(n: u128) -> UserKey {
    UserKey::User(Uuid::from_u128(n))
}

fn ev(u: UserKey, item: Uuid, kind: Signal, at_ms: i64) -> Event {
    Event {
        user: u,
        item,
        kind,
        at_ms,
    }
}

/// Background traffic so every video has some popularity.
fn crowd(w: &mut World) {
    for (i, it) in w.items.iter().enumerate() {
        for k in 0..(1 + i % 5) {
            let u = user(900_000 + k as u128);
            let at = T0 - 60 * MIN + i as i64;
            let _ = w
                .model
                .observe(&ev(u, it.key, Signal::Watch { completion_pct: 80 }, at));
        }
    }
}

fn req(u: UserKey, now: i64) -> FeedRequest {
    FeedRequest::new(u, now)
}

fn category_of(w: &World) -> HashMap<Uuid, String> {
    w.items
        .iter()
        .map(|i| (i.key, i.category.clone()))
        .collect()
}

const CATS: [&str; 8] = [
    "女装", "美妆", "零食", "数码", "家居", "母婴", "运动", "图书",
];

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
fn caps_hold_per_category_and_merchant() {
    let mut w = world(&CATS, 30);
    crowd(&mut w);
    let u = user(5);
    // A fan of 女装: their own distribution may fill more than the base cap.
    for (k, it) in w
        .items
        .iter()
        .filter(|i| i.category == "女装")
        .take(12)
        .enumerate()
    {
        let _ = w
            .model
            .observe(&ev(u, it.key, Signal::AddToCart, T0 + k as i64 * MIN));
    }
    w.model.refresh(T0);
    let cats = category_of(&w);
    let merchant: HashMap<Uuid, Uuid> = w.items.iter().map(|i| (i.key, i.merchant)).collect();
    for calibrated in [true, false] {
        let p = FeedParams {
            calibrated_caps: calibrated,
            ..FeedParams::default()
        };
        let mut r = req(u, T0 + 20 * MIN);
        r.params = Some(p.clone());
        let out = w.model.recommend(&r);
        assert_eq!(out.len(), 20);
        let mut per_cat: HashMap<&str, usize> = HashMap::new();
        let mut per_merchant: HashMap<Uuid, usize> = HashMap::new();
        for rec in &out {
            *per_cat.entry(cats[&rec.item].as_str()).or_default() += 1;
            *per_merchant.entry(merchant[&rec.item]).or_default() += 1;
        }
        assert!(per_merchant.values().all(|&n| n <= p.max_per_merchant));
        for (cat, n) in &per_cat {
            if !calibrated || *cat != "女装" {
                assert!(
                    *n <= p.max_per_category,
                    "{cat}: {n} (calibrated {calibrated})"
                );
            }
        }
        if calibrated {
            assert!(
                per_cat["女装"] > p.max_per_category,
                "the fan gets more 女装"
            );
        }
    }
}

#[test]
fn exploration_slots_hold_videos_outside_the_profile() {
    let mut w = world(&CATS, 20);
    crowd(&mut w);
    let u = user(6);
    let liked: Vec<&ItemMeta> = w
        .items
        .iter()
        .filter(|i| i.category == "数码" || i.category == "运动")
        .collect();
    for (k, it) in liked.iter().enumerate() {
        let _ = w
            .model
            .observe(&ev(u, it.key, Signal::CartTap, T0 + k as i64 * MIN));
    }
    w.model.refresh(T0);
    let cats = category_of(&w);
    for share in [0.15f32, 0.3, 0.5] {
        let p = FeedParams {
            exploration_share: share,
            ..FeedParams::default()
        };
        let mut r = req(u, T0 + 60 * MIN);
        r.params = Some(p.clone());
        let out = w.model.recommend(&r);
        let explore: Vec<_> = out
            .iter()
            .filter(|x| x.reasons.first() == Some(&Reason::Explore))
            .collect();
        assert_eq!(explore.len(), p.exploration_slots(20), "share {share}");
        for x in &explore {
            let c = cats[&x.item].as_str();
            assert!(c != "数码" && c != "运动", "explore slot took {c}");
        }
    }
}

#[test]
fn cold_start_uses_onboarding_and_region() {
    let mut w = world(&CATS, 20);
    crowd(&mut w);
    w.model.refresh(T0);
    let origin: HashMap<Uuid, Option<Province>> =
        w.items.iter().map(|i| (i.key, i.origin)).collect();
    let cats = category_of(&w);
    let mut r = req(UserKey::Device(Uuid::from_u128(42)), T0 + MIN);
    r.region = Some(Province::Sichuan);
    r.onboarding = vec!["美妆".into(), "不存在的品类".into()];
    let out = w.model.recommend(&r);
    assert_eq!(out.len(), 20);
    let picked = out.iter().filter(|x| cats[&x.item] == "美妆").count();
    assert!(
        picked >= 4,
        "onboarding category gets a real share: {picked}"
    );
    assert!(out[..5].iter().any(|x| cats[&x.item] == "美妆"));
    assert!(out.iter().any(|x| {
        x.reasons
            .iter()
            .any(|r| matches!(r, Reason::Onboarding { category } if category == "美妆"))
    }));
    let local = out
        .iter()
        .filter(|x| origin[&x.item] == Some(Province::Sichuan))
        .count();
    assert!(
        local * 4 > out.len(),
        "local merchants above their 1/4 share: {local}"
    );
    assert!(out.iter().any(|x| x.reasons.iter().any(|r| matches!(
        r,
        Reason::Local {
            province: Province::Sichuan,
            ..
        }
    ))));
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
fn every_recommendation_explains_itself_in_chinese() {
    let mut w = world(&CATS, 10);
    crowd(&mut w);
    let u = user(9);
    let _ = w
        .model
        .observe(&ev(u, w.items[0].key, Signal::Purchase, T0));
    let _ = w
        .model
        .observe(&ev(u, w.items[1].key, Signal::Purchase, T0 + MIN));
    w.model.refresh(T0);
    let mut r = req(u, T0 + 2 * MIN);
    r.region = Some(Province::Guangdong);
    for rec in w.model.recommend(&r) {
        assert!(!rec.reasons.is_empty());
        assert!(rec.score > 0.0 && rec.score.is_finite());
        for reason in &rec.reasons {
            assert!(!reason.text_zh().is_empty());
            assert!(!reason.debug_string().is_empty());
        }
    }
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

//! Visible ranking behaviour: caps, exploration, cold start, reasons,
//! device-to-account history.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::collections::HashMap;
use uuid::Uuid;
use yc_feed::{FeedModel, FeedParams, ItemMeta, Province, Reason, Signal, UserKey};

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
fn a_device_history_follows_its_owner_at_login() {
    let mut w = world(&CATS, 12);
    crowd(&mut w);
    let device = Uuid::from_u128(4_242);
    let account = Uuid::from_u128(4_343);
    let dev = UserKey::Device(device);
    let cats = category_of(&w);
    let books: Vec<Uuid> = w
        .items
        .iter()
        .filter(|i| i.category == "图书")
        .map(|i| i.key)
        .collect();
    for (k, b) in books.iter().take(6).enumerate() {
        let _ = w
            .model
            .observe(&ev(dev, *b, Signal::AddToCart, T0 + k as i64 * MIN));
    }
    let _ = w
        .model
        .observe(&ev(dev, books[6], Signal::NotInterested, T0 + 7 * MIN));
    w.model.refresh(T0);
    assert!(w.model.link_device(device, account));
    assert!(
        !w.model.link_device(device, account),
        "the device profile is gone"
    );
    let out = w
        .model
        .recommend(&req(UserKey::User(account), T0 + 10 * MIN));
    let books_shown = out.iter().filter(|x| cats[&x.item] == "图书").count();
    assert!(
        books_shown >= 4,
        "the account inherits the device's taste: {books_shown}"
    );
    assert!(out.iter().all(|x| x.item != books[6]));
    assert!(out.iter().any(|x| {
        x.reasons
            .iter()
            .any(|r| matches!(r, Reason::Interest { category } if category == "图书"))
    }));
}

#[test]
fn the_model_can_sit_behind_a_rwlock_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<FeedModel>();
    shared::<std::sync::RwLock<FeedModel>>();
}

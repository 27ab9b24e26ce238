//! Property tests over random synthetic worlds: the hard exclusions hold
//! for every viewer, page size and parameter mix, and every structure stays
//! inside its bound whatever the event stream.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;
use yc_feed::eval::{PopulationConfig, population};
use yc_feed::params::bounds;
use yc_feed::{Availability, Event, FeedModel, FeedParams, FeedRequest, ItemMeta, Signal, UserKey};

fn small(seed: u64) -> PopulationConfig {
    PopulationConfig {
        users: 16,
        items: 160,
        categories: 6,
        events_per_user: 30,
        seed,
        ..PopulationConfig::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn blocked_and_not_interested_never_appear(
        seed in 0u64..10_000,
        block_every in 2usize..7,
        page in 1usize..60,
        explore in 0.0f32..0.6,
        refresh_after_blocking in any::<bool>(),
        calibrated in any::<bool>(),
    ) {
        let world = population(&small(seed));
        let mut model = FeedModel::default();
        for it in &world.items {
            model.upsert_item(it).unwrap();
        }
        for ev in &world.events {
            let _ = model.observe(ev);
        }
        let now = world.end_ms;
        if !refresh_after_blocking {
            model.refresh(now);
        }
        let blocked: HashSet<Uuid> = world.items.iter().step_by(block_every).map(|i| i.key).collect();
        for key in &blocked {
            let a = Availability { blocked_or_deleted: true, sold_out: false };
            model.set_available(*key, a).unwrap();
        }
        if refresh_after_blocking {
            model.refresh(now);
        }
        let params = FeedParams { exploration_share: explore, calibrated_caps: calibrated, ..FeedParams::default() };
        let mut viewers: Vec<UserKey> = world.users.iter().map(|u| u.key).collect();
        viewers.push(UserKey::Device(Uuid::from_u128(u128::from(seed) + 1)));
        for (n, viewer) in viewers.iter().enumerate() {
            let refused: HashSet<Uuid> = world.events.iter()
                .filter(|e| e.user == *viewer && e.kind == Signal::NotInterested)
                .map(|e| e.item)
                .collect();
            let mut req = FeedRequest::new(*viewer, now);
            req.page_size = page;
            req.region = world.users.get(n).map(|u| u.home);
            req.onboarding = vec![world.items[n % world.items.len()].category.clone()];
            req.params = Some(params.clone());
            let out = model.recommend(&req);
            prop_assert!(out.len() <= page.min(yc_feed::MAX_PAGE_SIZE));
            let distinct: HashSet<Uuid> = out.iter().map(|r| r.item).collect();
            prop_assert_eq!(distinct.len(), out.len());
            for rec in &out {
                prop_assert!(!blocked.contains(&rec.item), "blocked {} shown", rec.item);
                prop_assert!(!refused.contains(&rec.item), "not-interested {} shown", rec.item);
                prop_assert!(!rec.reasons.is_empty());
            }
        }
    }

    #[test]
    fn every_structure_stays_inside_its_bound(
        seed in 0u64..1_000,
        n_events in 100usize..3_000,
    ) {
        // One restless viewer touching many categories and tags, plus
        // co-visitation storms on a few videos.
        let mut model = FeedModel::default();
        let items: Vec<ItemMeta> = (0..400u128).map(|i| ItemMeta {
            key: Uuid::from_u128(i + 1),
            product: Uuid::from_u128(10_000 + i),
            category: format!("c{}", i % 60),
            tags: vec![format!("t{}", i % 97), format!("t{}", (i * 7) % 113)],
            merchant: Uuid::from_u128(20_000 + i % 30),
            origin: None,
            created_at_ms: 0,
            single_purchase: i % 9 == 0,
        }).collect();
        for it in &items {
            model.upsert_item(it).unwrap();
        }
        let kinds = [Signal::Impression, Signal::Watch { completion_pct: 90 }, Signal::CartTap,
            Signal::AddToCart, Signal::Purchase, Signal::NotInterested, Signal::Skip];
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        for k in 0..n_events {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let item = items[(x >> 33) as usize % items.len()].key;
            let user = UserKey::User(Uuid::from_u128(u128::from((x >> 20) % 3)));
            let kind = kinds[(x >> 45) as usize % kinds.len()];
            let _ = model.observe(&Event { user, item, kind, at_ms: k as i64 * 1_000 });
        }
        model.refresh(n_events as i64 * 1_000);
        let s = model.stats();
        prop_assert!(s.profiles_within_bounds);
        prop_assert!(s.pools_within_bounds);
        prop_assert!(s.largest_profile_categories <= bounds::PROFILE_CATEGORIES);
        prop_assert!(s.largest_profile_tags <= bounds::PROFILE_TAGS);
        prop_assert!(s.largest_recent_ring <= bounds::RECENT_ITEMS);
        prop_assert!(s.longest_covisit_list <= bounds::COVISIT_SLOTS);
        prop_assert!(s.covisit_pairs <= items.len() * bounds::COVISIT_SLOTS);
        if n_events >= 2_000 {
            prop_assert_eq!(s.largest_profile_categories, bounds::PROFILE_CATEGORIES);
            prop_assert_eq!(s.largest_profile_tags, bounds::PROFILE_TAGS);
        }
    }
}

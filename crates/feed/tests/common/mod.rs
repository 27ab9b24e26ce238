//! A small hand-made world shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use uuid::Uuid;
use yc_feed::{Event, FeedModel, FeedRequest, ItemMeta, Province, Signal, UserKey};

pub const T0: i64 = 1_767_225_600_000;
pub const MIN: i64 = 60_000;

pub struct World {
    pub model: FeedModel,
    pub items: Vec<ItemMeta>,
}

/// `per_category` videos in each category, 4 merchants per category spread
/// over provinces, all published a week before `T0`.
pub fn world(categories: &[&str], per_category: usize) -> World {
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

pub fn user(n: u128) -> UserKey {
    UserKey::User(Uuid::from_u128(n))
}

pub fn ev(u: UserKey, item: Uuid, kind: Signal, at_ms: i64) -> Event {
    Event {
        user: u,
        item,
        kind,
        at_ms,
    }
}

/// Background traffic so every video has some popularity.
pub fn crowd(w: &mut World) {
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

pub fn req(u: UserKey, now: i64) -> FeedRequest {
    FeedRequest::new(u, now)
}

pub fn category_of(w: &World) -> HashMap<Uuid, String> {
    w.items
        .iter()
        .map(|i| (i.key, i.category.clone()))
        .collect()
}

pub const CATS: [&str; 8] = [
    "女装", "美妆", "零食", "数码", "家居", "母婴", "运动", "图书",
];

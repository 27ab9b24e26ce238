//! A reproducible synthetic world: catalog, merchants, users with planted
//! tastes, and their event log. The world is meant to be fair: users
//! prefer their categories and style tags, local merchants, popular and
//! new videos — all things a real feed can see in metadata and behaviour —
//! and nothing is planted that only this feed could know.

use super::behaviour::simulate_user;
use crate::types::{Event, ItemMeta, UserKey};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yc_domain::fulfilment::Province;

pub(crate) const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PopulationConfig {
    pub users: usize,
    pub items: usize,
    pub categories: usize,
    /// Mean events per user; activity is heavy-tailed around it.
    pub events_per_user: usize,
    pub seed: u64,
    /// 0 picks `items / 8` (at least 8): a marketplace of many small shops.
    pub merchants: usize,
    pub tags_per_category: usize,
    pub days: u32,
    /// Popularity skew of videos (Zipf exponent over a random ranking).
    pub zipf_exponent: f64,
    /// Sessions that wander outside the user's favourite categories.
    pub explore_rate: f64,
    pub start_ms: i64,
}

impl Default for PopulationConfig {
    fn default() -> Self {
        PopulationConfig {
            users: 2_000,
            items: 5_000,
            categories: 24,
            events_per_user: 100,
            seed: 42,
            merchants: 0,
            tags_per_category: 6,
            days: 30,
            zipf_exponent: 0.9,
            explore_rate: 0.15,
            start_ms: 1_767_225_600_000, // 2026-01-01 00:00 +08:00-ish
        }
    }
}

/// A user's planted taste, kept so tests can check the model found it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticUser {
    pub key: UserKey,
    pub home: Province,
    /// (category, weight), weights sum to 1.
    pub favourites: Vec<(String, f32)>,
    pub favourite_tags: Vec<String>,
    /// Multiplier of `events_per_user`.
    pub activity: f32,
}

#[derive(Debug, Clone)]
pub struct Population {
    pub config: PopulationConfig,
    pub items: Vec<ItemMeta>,
    pub users: Vec<SyntheticUser>,
    /// Sorted by time.
    pub events: Vec<Event>,
    pub start_ms: i64,
    pub end_ms: i64,
}

const CATEGORY_NAMES: [&str; 30] = [
    "女装",
    "男装",
    "美妆",
    "护肤",
    "零食",
    "生鲜",
    "数码",
    "家电",
    "家居",
    "母婴",
    "童装",
    "鞋靴",
    "箱包",
    "运动",
    "户外",
    "图书",
    "宠物",
    "珠宝",
    "手表",
    "酒水",
    "茶叶",
    "保健",
    "汽车用品",
    "玩具",
    "文具",
    "厨具",
    "家纺",
    "内衣",
    "配饰",
    "乐器",
];
const STYLES: [&str; 12] = [
    "平价", "轻奢", "国潮", "简约", "复古", "网红", "原创", "进口", "有机", "大码", "学生", "商务",
];
/// Rough population by province, in `Province::ALL` order.
const BUYER_WEIGHTS: [f64; 31] = [
    22., 14., 75., 35., 24., 43., 24., 31., 25., 85., 65., 61., 41., 45., 101., 99., 58., 66.,
    126., 50., 10., 32., 84., 39., 47., 4., 40., 25., 6., 7., 26.,
];
/// Where online merchants ship from: heavy in the south-east.
const MERCHANT_WEIGHTS: [f64; 31] = [
    6., 3., 5., 2., 1., 3., 1., 1., 10., 14., 25., 4., 10., 3., 8., 6., 4., 4., 30., 3., 1., 3.,
    5., 1., 2., 0.3, 3., 1., 0.3, 0.3, 1.,
];

/// Cumulative weights for O(log n) sampling.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cdf {
    acc: Vec<f64>,
}

impl Cdf {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let acc = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Cdf { acc }
    }

    pub fn sample(&self, rng: &mut StdRng) -> Option<usize> {
        let total = *self.acc.last()?;
        if total <= 0.0 {
            return None;
        }
        let u = rng.r#gen::<f64>() * total;
        Some(
            self.acc
                .partition_point(|&a| a <= u)
                .min(self.acc.len() - 1),
        )
    }
}

pub(crate) fn uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.r#gen()).into_uuid()
}

pub(crate) fn category_name(c: usize) -> String {
    match CATEGORY_NAMES.get(c) {
        Some(n) => (*n).to_string(),
        None => format!("品类{}", c + 1),
    }
}

pub(crate) fn tag_name(c: usize, t: usize) -> String {
    let style = STYLES[t % STYLES.len()];
    match t / STYLES.len() {
        0 => format!("{}·{style}", category_name(c)),
        k => format!("{}·{style}{k}", category_name(c)),
    }
}

/// The world without its events; `behaviour` plays the users on it.
#[derive(Debug, Clone)]
pub(crate) struct World {
    pub cfg: PopulationConfig,
    pub items: Vec<ItemMeta>,
    pub item_category: Vec<usize>,
    /// Tag indices (within the category) per item.
    pub item_tags: Vec<Vec<usize>>,
    /// 0 (least) ..= 1 (most appealing), from the Zipf rank.
    pub appeal_pct: Vec<f32>,
    pub category_cdf: Cdf,
    /// Per category: its items and a CDF over their appeal.
    pub category_items: Vec<(Vec<u32>, Cdf)>,
    pub start_ms: i64,
    pub end_ms: i64,
}

pub fn population(cfg: &PopulationConfig) -> Population {
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let world = build_world(cfg, &mut rng);
    let mut users = Vec::with_capacity(cfg.users);
    let mut events = Vec::with_capacity(cfg.users * cfg.events_per_user.max(1));
    for u in 0..cfg.users {
        let (user, taste) = make_user(&world, u, &mut rng);
        simulate_user(&world, &user, &taste, &mut rng, &mut events);
        users.push(user);
    }
    events.sort_by_key(|e| e.at_ms);
    Population {
        config: cfg.clone(),
        items: world.items,
        users,
        events,
        start_ms: world.start_ms,
        end_ms: world.end_ms,
    }
}

fn build_world(cfg: &PopulationConfig, rng: &mut StdRng) -> World {
    let n_cat = cfg.categories.max(1);
    let n_tags = cfg.tags_per_category.max(1);
    let start_ms = cfg.start_ms;
    let end_ms = start_ms + i64::from(cfg.days.max(1)) * DAY_MS;
    let category_cdf = Cdf::new((0..n_cat).map(|c| 1.0 / (c as f64 + 2.0).powf(0.8)));
    let merchant_cdf = Cdf::new(MERCHANT_WEIGHTS);

    let n_merchants = if cfg.merchants == 0 {
        (cfg.items / 8).max(8)
    } else {
        cfg.merchants
    };
    let merchants: Vec<(Uuid, Province, Vec<usize>)> = (0..n_merchants)
        .map(|_| {
            let origin = Province::ALL[merchant_cdf.sample(rng).unwrap_or(0)];
            let mut cats = vec![category_cdf.sample(rng).unwrap_or(0)];
            if rng.gen_bool(0.3) {
                cats.push(category_cdf.sample(rng).unwrap_or(0));
            }
            (uuid(rng), origin, cats)
        })
        .collect();
    let merchant_size = Cdf::new((0..n_merchants).map(|m| 1.0 / (m as f64 + 1.0).powf(0.7)));

    let mut ranks: Vec<usize> = (0..cfg.items).collect();
    for i in (1..ranks.len()).rev() {
        ranks.swap(i, rng.gen_range(0..=i));
    }
    let n_items = cfg.items.max(1) as f32;
    let mut items = Vec::with_capacity(cfg.items);
    let mut item_category = Vec::with_capacity(cfg.items);
    let mut item_tags = Vec::with_capacity(cfg.items);
    let mut appeal_pct = Vec::with_capacity(cfg.items);
    let mut per_cat: Vec<(Vec<u32>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); n_cat];
    for (i, &rank) in ranks.iter().enumerate() {
        let (merchant, origin, cats) = &merchants[merchant_size.sample(rng).unwrap_or(0)];
        let c = cats[rng.gen_range(0..cats.len())];
        let mut tags = vec![rng.gen_range(0..n_tags)];
        if rng.gen_bool(0.4) {
            let t = rng.gen_range(0..n_tags);
            if t != tags[0] {
                tags.push(t);
            }
        }
        let created_at_ms = if rng.gen_bool(0.6) {
            start_ms - rng.gen_range(0..60 * DAY_MS)
        } else {
            rng.gen_range(start_ms..end_ms)
        };
        items.push(ItemMeta {
            key: uuid(rng),
            product: uuid(rng),
            category: category_name(c),
            tags: tags.iter().map(|&t| tag_name(c, t)).collect(),
            merchant: *merchant,
            origin: Some(*origin),
            created_at_ms,
            single_purchase: rng.gen_bool(0.1),
        });
        item_category.push(c);
        item_tags.push(tags);
        appeal_pct.push(1.0 - rank as f32 / n_items);
        per_cat[c].0.push(i as u32);
        per_cat[c]
            .1
            .push(1.0 / (rank as f64 + 1.0).powf(cfg.zipf_exponent));
    }
    let category_items = per_cat
        .into_iter()
        .map(|(items, w)| (items, Cdf::new(w)))
        .collect();
    World {
        cfg: cfg.clone(),
        items,
        item_category,
        item_tags,
        appeal_pct,
        category_cdf,
        category_items,
        start_ms,
        end_ms,
    }
}

/// The planted taste in index form, for the behaviour simulation.
#[derive(Debug, Clone)]
pub(crate) struct Taste {
    /// (category, weight relative to the favourite's: top = 1).
    pub favourites: Vec<(usize, f32)>,
    /// (category, tag index within it).
    pub tags: Vec<(usize, usize)>,
}

fn make_user(w: &World, u: usize, rng: &mut StdRng) -> (SyntheticUser, Taste) {
    let buyers = Cdf::new(BUYER_WEIGHTS);
    let home = Province::ALL[buyers.sample(rng).unwrap_or(0)];
    let k = match rng.r#gen::<f64>() {
        x if x < 0.3 => 1,
        x if x < 0.75 => 2,
        _ => 3,
    };
    let mut favs: Vec<(usize, f32)> = Vec::new();
    for _ in 0..k * 4 {
        if favs.len() >= k {
            break;
        }
        let c = w.category_cdf.sample(rng).unwrap_or(0);
        if !favs.iter().any(|f| f.0 == c) {
            favs.push((c, rng.gen_range(0.5..1.5)));
        }
    }
    let total: f32 = favs.iter().map(|f| f.1).sum();
    let n_tags = w.cfg.tags_per_category.max(1);
    let mut tags: Vec<(usize, usize)> = Vec::new();
    for &(c, _) in &favs {
        tags.push((c, rng.gen_range(0..n_tags)));
        if rng.gen_bool(0.3) {
            tags.push((c, rng.gen_range(0..n_tags)));
        }
    }
    let favourite_tags = tags.iter().map(|&(c, t)| tag_name(c, t)).collect();
    let top = favs.iter().map(|f| f.1).fold(0.0f32, f32::max).max(1e-6);
    let taste = Taste {
        favourites: favs.iter().map(|&(c, wt)| (c, wt / top)).collect(),
        tags,
    };
    // Log-normal activity with mean 1: exp(N(0, σ²)) / exp(σ²/2).
    let sigma = 0.7f64;
    let (u1, u2): (f64, f64) = (rng.gen_range(1e-9..1.0), rng.r#gen());
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    let activity = ((sigma * z).exp() / (sigma * sigma / 2.0).exp()).clamp(0.1, 8.0) as f32;
    let id = uuid(rng);
    let user = SyntheticUser {
        key: if u % 5 == 4 {
            UserKey::Device(id)
        } else {
            UserKey::User(id)
        },
        home,
        favourites: favs
            .iter()
            .map(|&(c, wt)| (category_name(c), wt / total))
            .collect(),
        favourite_tags,
        activity,
    };
    (user, taste)
}

//! The synthetic world's catalog side: categories, style tags, merchants
//! with origin provinces, and videos with a Zipf appeal. Users and their
//! behaviour live in `synthetic` and `behaviour`.

use super::synthetic::{DAY_MS, PopulationConfig};
use crate::types::ItemMeta;
use rand::Rng;
use rand::rngs::StdRng;
use uuid::Uuid;
use yc_domain::fulfilment::Province;

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
pub(crate) const BUYER_WEIGHTS: [f64; 31] = [
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

pub(crate) fn build_world(cfg: &PopulationConfig, rng: &mut StdRng) -> World {
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

//! A deterministic synthetic catalog of Chinese e-commerce products, for
//! benchmarks and demos: titles combine brand, trait, product noun and
//! season words of ~20 categories, the way shop titles do.

mod vocab;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::SearchDoc;
use crate::model::{SearchQuery, SortBy};
pub(crate) use vocab::CATEGORIES;
use vocab::{Category, HOOKS, SCENES, SEASONS, SHOP_SUFFIXES};

/// 2024-01-01T00:00:00Z: products were created over the year after it.
const EPOCH_MS: i64 = 1_704_067_200_000;
const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

/// `n` products, the same ones for the same `seed`.
pub fn catalog(n: usize, seed: u64) -> impl Iterator<Item = SearchDoc> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n).map(move |_| product(&mut rng))
}

/// The category names the catalog uses.
pub fn categories() -> impl Iterator<Item = &'static str> {
    CATEGORIES.iter().map(|c| c.name)
}

fn pick<'a>(rng: &mut StdRng, words: &'a [&'a str]) -> &'a str {
    words.choose(rng).copied().unwrap_or_default()
}

fn product(rng: &mut StdRng) -> SearchDoc {
    // Categories differ in size, as on a real platform: apparel and food
    // dominate, books are a niche.
    let idx = (rng.gen_range(0.0f64..1.0).powf(1.6) * CATEGORIES.len() as f64) as usize;
    let cat = &CATEGORIES[idx.min(CATEGORIES.len() - 1)];
    let brand = pick(rng, cat.brands);
    let noun = pick(rng, cat.nouns);
    let mut traits: Vec<&str> = cat.traits.choose_multiple(rng, 2).copied().collect();
    traits.truncate(rng.gen_range(1..=2));
    let mut title = String::new();
    if rng.gen_bool(0.6) {
        title.push_str(brand);
        title.push(' ');
    }
    title.extend(traits.iter().copied());
    title.push_str(noun);
    if rng.gen_bool(0.3) {
        title.push(' ');
        title.push_str(pick(rng, cat.specs));
    }
    if rng.gen_bool(0.4) {
        // Model codes ("KX3170") are the long tail of a real vocabulary:
        // hundreds of thousands of words used by one product each.
        title.push(' ');
        title.push(char::from(rng.gen_range(b'A'..=b'Z')));
        title.push(char::from(rng.gen_range(b'A'..=b'Z')));
        title.push_str(&rng.gen_range(100..10_000).to_string());
    }
    title.push(' ');
    title.push_str(pick(rng, SEASONS));
    title.push_str(pick(rng, HOOKS));

    let num_specs = rng.gen_range(1..=4);
    let specs: Vec<String> = cat
        .specs
        .choose_multiple(rng, num_specs)
        .map(|s| s.to_string())
        .collect();
    let (lo, hi) = cat.price_yuan;
    // Prices end in .9 yuan, as shops like them.
    let min_price_minor = rng.gen_range(lo..=hi) * 100 - 10;
    // Heavy tail: most products sell a little, a few sell a lot.
    let sales = (rng.gen_range(0.0f64..1.0).powi(4) * 100_000.0) as i64;
    SearchDoc {
        product_id: Uuid::from_bytes(rng.r#gen()),
        description: description(rng, cat, noun),
        merchant_name: format!("{brand}{}", pick(rng, SHOP_SUFFIXES)),
        category: cat.name.to_string(),
        title,
        specs,
        min_price_minor,
        sales,
        in_stock: rng.gen_bool(0.9),
        created_at_ms: EPOCH_MS + rng.gen_range(0..YEAR_MS),
    }
}

fn description(rng: &mut StdRng, cat: &Category, noun: &str) -> String {
    format!(
        "这款{noun}{}，{}，适合{}。",
        pick(rng, cat.traits),
        pick(rng, cat.traits),
        pick(rng, SCENES)
    )
}

/// A realistic query mix over the catalog's vocabulary: single words, two
/// words, brand + model, category browsing; a third filtered, a third
/// sorted by something other than relevance, some deeper pages.
pub fn queries(n: usize, seed: u64) -> impl Iterator<Item = SearchQuery> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5EA2C4);
    (0..n).map(move |_| query(&mut rng))
}

fn query(rng: &mut StdRng) -> SearchQuery {
    let cat = &CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
    let mut q = SearchQuery::text("");
    q.text = match rng.gen_range(0..10) {
        0..=3 => pick(rng, cat.nouns).to_string(),
        4..=5 => format!("{} {}", pick(rng, cat.traits), pick(rng, cat.nouns)),
        6 => format!("{} {}", pick(rng, cat.brands), pick(rng, cat.nouns)),
        7 => format!("{}{}", pick(rng, cat.traits), pick(rng, cat.nouns)),
        8 => pick(rng, cat.brands).to_lowercase(),
        _ => {
            q.category = Some(cat.name.to_string());
            String::new()
        }
    };
    if rng.gen_bool(0.15) {
        q.category = Some(cat.name.to_string());
    }
    if rng.gen_bool(0.15) {
        let (lo, hi) = cat.price_yuan;
        q.price_min_minor = Some(lo * 100);
        q.price_max_minor = Some((lo + (hi - lo) / 3) * 100);
    }
    q.in_stock_only = rng.gen_bool(0.2);
    q.sort = match rng.gen_range(0..12) {
        0..=7 => SortBy::Relevance,
        8 => SortBy::Sales,
        9 => SortBy::PriceAsc,
        10 => SortBy::PriceDesc,
        _ => SortBy::Newest,
    };
    q.offset = if rng.gen_bool(0.1) {
        20 * rng.gen_range(1..5)
    } else {
        0
    };
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_catalog() {
        let a: Vec<SearchDoc> = catalog(50, 7).collect();
        let b: Vec<SearchDoc> = catalog(50, 7).collect();
        let c: Vec<SearchDoc> = catalog(50, 8).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn products_look_like_products() {
        for d in catalog(500, 1) {
            assert!(CATEGORIES.iter().any(|c| c.name == d.category));
            assert!(d.title.chars().count() >= 4, "{}", d.title);
            assert!(d.min_price_minor > 0 && d.sales >= 0);
            assert!(!d.specs.is_empty());
        }
    }

    #[test]
    fn queries_are_deterministic_and_within_page_bounds() {
        let a: Vec<SearchQuery> = queries(200, 3).collect();
        assert_eq!(a, queries(200, 3).collect::<Vec<_>>());
        assert!(a.iter().all(|q| q.limit == 20 && q.offset <= 80));
        assert!(a.iter().any(|q| q.text.is_empty() && q.category.is_some()));
    }
}

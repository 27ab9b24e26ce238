//! A reproducible synthetic world: catalog, merchants, users with planted
//! tastes, and their event log. The world is meant to be fair: users
//! prefer their categories and style tags, local merchants, popular and
//! new videos — all things a real feed can see in metadata and behaviour —
//! and nothing is planted that only this feed could know.

use super::behaviour::simulate_user;
use super::world::{BUYER_WEIGHTS, Cdf, World, build_world, category_name, tag_name, uuid};
use crate::types::{Event, ItemMeta, UserKey};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
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

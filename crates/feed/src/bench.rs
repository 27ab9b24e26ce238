//! Build-and-serve benchmark on a synthetic world: how fast events are
//! absorbed, what one refresh costs, and the latency of a 20-item page for
//! a mix of heavy, light and cold viewers. Run it in release:
//! `cargo test --release -p yc-feed --test bench -- --ignored --nocapture`.

use crate::eval::synthetic::{PopulationConfig, population};
use crate::model::FeedModel;
use crate::params::FeedParams;
use crate::types::{FeedRequest, UserKey};
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::time::Instant;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub items: usize,
    pub events: usize,
    pub users: usize,
    pub generate_ms: f64,
    /// Upserting the catalog and observing every event.
    pub build_ms: f64,
    pub events_per_s: f64,
    pub refresh_ms: f64,
    pub requests: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// p99 by viewer kind: top-decile activity, bottom half, never seen.
    pub p99_heavy_ms: f64,
    pub p99_light_ms: f64,
    pub p99_cold_ms: f64,
    /// Sequential pages per second on one thread.
    pub per_s: f64,
    pub mean_page_len: f64,
    /// Resident set after the run (VmRSS), including the generated world.
    pub rss_mb: f64,
    /// Resident set once the world was generated, before the model: the
    /// model's own footprint is about `rss_mb - rss_world_mb`.
    pub rss_world_mb: f64,
}

const EVENTS_PER_USER: usize = 50;

pub fn run(items: usize, events: usize, requests: usize, seed: u64) -> BenchReport {
    let cfg = PopulationConfig {
        users: (events / EVENTS_PER_USER).max(1),
        items,
        categories: (items / 500).clamp(24, 400),
        events_per_user: EVENTS_PER_USER,
        seed,
        ..PopulationConfig::default()
    };
    let t0 = Instant::now();
    let world = population(&cfg);
    let generate_ms = ms(t0);
    let rss_world_mb = rss_mb();

    let t1 = Instant::now();
    let mut model = FeedModel::new(FeedParams::default());
    for it in &world.items {
        let _ = model.upsert_item(it);
    }
    for ev in &world.events {
        let _ = model.observe(ev);
    }
    let build_ms = ms(t1);
    let now = world.end_ms;
    let t2 = Instant::now();
    model.refresh(now);
    let refresh_ms = ms(t2);

    // Heavy = top decile by activity, light = bottom half, cold = unseen.
    let mut by_activity: Vec<usize> = (0..world.users.len()).collect();
    by_activity.sort_by(|&a, &b| world.users[b].activity.total_cmp(&world.users[a].activity));
    let decile = (by_activity.len() / 10).max(1);
    let heavy = &by_activity[..decile];
    let light = &by_activity[by_activity.len() / 2..];
    let mut rng = StdRng::seed_from_u64(seed ^ 0xBEEF);
    let new_hist = || Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).ok();
    let mut hist = new_hist();
    let mut by_kind = [new_hist(), new_hist(), new_hist()];
    let mut total_len = 0usize;
    let t3 = Instant::now();
    for _ in 0..requests {
        let kind = match rng.gen_range(0..10) {
            0..=3 => 0,
            4..=7 if !light.is_empty() => 1,
            _ => 2,
        };
        let mut req = match kind {
            0 => request_for(&world, heavy[rng.gen_range(0..heavy.len())], now),
            1 => request_for(&world, light[rng.gen_range(0..light.len())], now),
            _ => {
                let mut r = FeedRequest::new(UserKey::Device(Uuid::from_u128(rng.r#gen())), now);
                r.region = world.users.first().map(|u| u.home);
                r.onboarding = vec![
                    world.items[rng.gen_range(0..world.items.len())]
                        .category
                        .clone(),
                ];
                r
            }
        };
        req.page_size = 20;
        let t = Instant::now();
        let page = model.recommend(&req);
        let micros = t.elapsed().as_micros().max(1) as u64;
        total_len += page.len();
        for h in [hist.as_mut(), by_kind[kind].as_mut()]
            .into_iter()
            .flatten()
        {
            let _ = h.record(micros);
        }
    }
    let serve_s = t3.elapsed().as_secs_f64();
    let q = |p: f64| {
        hist.as_ref()
            .map_or(0.0, |h| h.value_at_quantile(p) as f64 / 1000.0)
    };
    BenchReport {
        items: world.items.len(),
        events: world.events.len(),
        users: world.users.len(),
        generate_ms,
        build_ms,
        events_per_s: world.events.len() as f64 / (build_ms / 1000.0).max(1e-9),
        refresh_ms,
        requests,
        p50_ms: q(0.5),
        p99_ms: q(0.99),
        max_ms: hist.as_ref().map_or(0.0, |h| h.max() as f64 / 1000.0),
        p99_heavy_ms: p99(&by_kind[0]),
        p99_light_ms: p99(&by_kind[1]),
        p99_cold_ms: p99(&by_kind[2]),
        per_s: requests as f64 / serve_s.max(1e-9),
        mean_page_len: total_len as f64 / requests.max(1) as f64,
        rss_mb: rss_mb(),
        rss_world_mb,
    }
}

fn request_for(world: &crate::eval::Population, u: usize, now: i64) -> FeedRequest {
    let user = &world.users[u];
    let mut r = FeedRequest::new(user.key, now);
    r.region = Some(user.home);
    r
}

fn p99(h: &Option<Histogram<u64>>) -> f64 {
    h.as_ref()
        .filter(|h| !h.is_empty())
        .map_or(0.0, |h| h.value_at_quantile(0.99) as f64 / 1000.0)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// VmRSS from /proc/self/status, 0 where there is no procfs.
pub fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

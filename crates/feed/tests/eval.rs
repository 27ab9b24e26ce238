//! The offline acceptance: on a fair synthetic world the feed beats global
//! popularity and item-kNN on recall@20 and NDCG@20, is more diverse than
//! item-kNN, and its exploration share moves diversity.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yc_feed::FeedParams;
use yc_feed::eval::{EvalConfig, PopulationConfig, run_synthetic};

fn small_world() -> PopulationConfig {
    PopulationConfig {
        users: 300,
        items: 1_500,
        categories: 20,
        events_per_user: 80,
        seed: 7,
        ..PopulationConfig::default()
    }
}

#[test]
fn feed_beats_both_baselines_and_exploration_moves_diversity() {
    let explore = |share: f32| FeedParams {
        exploration_share: share,
        ..FeedParams::default()
    };
    let cfg = EvalConfig {
        variants: vec![
            ("feed_explore_0.0".into(), explore(0.0)),
            ("feed_explore_0.3".into(), explore(0.3)),
        ],
        ..EvalConfig::default()
    };
    let report = run_synthetic(&small_world(), &cfg);
    println!("{}", report.table());
    let get = |n: &str| {
        report
            .method(n)
            .cloned()
            .unwrap_or_else(|| panic!("no {n}"))
    };
    let (feed, pop, knn) = (get("feed"), get("popularity"), get("item_knn"));
    assert!(
        report.eval_users >= 150,
        "too few users qualify: {}",
        report.eval_users
    );
    assert!(feed.recall_at_k > pop.recall_at_k, "recall vs popularity");
    assert!(feed.recall_at_k > knn.recall_at_k, "recall vs item-kNN");
    assert!(feed.ndcg_at_k > pop.ndcg_at_k, "NDCG vs popularity");
    assert!(feed.ndcg_at_k > knn.ndcg_at_k, "NDCG vs item-kNN");
    assert!(feed.diversity > knn.diversity, "diversity vs item-kNN");
    let (d0, d3) = (
        get("feed_explore_0.0").diversity,
        get("feed_explore_0.3").diversity,
    );
    assert!(d3 > d0 + 0.01, "exploration 0.3 ({d3:.4}) vs 0.0 ({d0:.4})");
}

/// The default synthetic run, printed as a table and one JSON line, with
/// the exploration and strict-cap arms for comparison:
/// `cargo test --release -p yc-feed --test eval -- --ignored --nocapture`.
#[test]
#[ignore]
fn default_synthetic_run() {
    let arm = |name: &str, f: fn(&mut FeedParams)| {
        let mut p = FeedParams::default();
        f(&mut p);
        (name.to_string(), p)
    };
    let cfg = EvalConfig {
        variants: vec![
            arm("feed_explore_0.0", |p| p.exploration_share = 0.0),
            arm("feed_explore_0.3", |p| p.exploration_share = 0.3),
            arm("feed_strict_caps", |p| p.calibrated_caps = false),
            arm("feed_no_diversity", |p| {
                p.calibrated_caps = false;
                p.max_per_category = 20;
                p.max_per_merchant = 20;
                p.category_penalty = 0.0;
                p.exploration_share = 0.0;
            }),
        ],
        ..EvalConfig::default()
    };
    let report = run_synthetic(&PopulationConfig::default(), &cfg);
    println!("{}", report.table());
    println!("{}", report.json_line());
}

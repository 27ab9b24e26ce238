//! The serving benchmark (release only, ignored by default):
//! `cargo test --release -p yc-feed --test bench -- --ignored --nocapture`.

#[test]
#[ignore]
fn bench_100k_items_1m_events() {
    let report = yc_feed::bench::run(100_000, 1_000_000, 5_000, 42);
    println!(
        "{}",
        serde_json::to_string(&report).unwrap_or_else(|e| e.to_string())
    );
    assert!(
        report.p99_ms <= 10.0,
        "p99 {} ms over the 10 ms target",
        report.p99_ms
    );
}

#[test]
fn bench_runs_at_toy_scale() {
    let report = yc_feed::bench::run(500, 5_000, 50, 1);
    assert_eq!(report.requests, 50);
    assert!(report.mean_page_len > 0.0);
    assert!(report.events > 0);
}

//! The 1M-product benchmark. Slow (minutes), so ignored by default:
//!
//! ```sh
//! cargo test --release -p yc-search --test bench -- --ignored --nocapture
//! ```
//!
//! `YC_SEARCH_BENCH_PRODUCTS` overrides the catalog size for a quick look.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;

#[test]
#[ignore = "minutes long; run in release with --ignored"]
fn one_million_products() {
    let products = std::env::var("YC_SEARCH_BENCH_PRODUCTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let progress = |done: u64, total: u64| {
        if done.is_multiple_of(100_000) || done == total {
            eprint!("\rindexed {done}/{total}");
            let _ = std::io::stderr().flush();
        }
    };
    let report = yc_search::bench::run_with_progress(products, 2000, 42, None, &progress).unwrap();
    eprintln!();
    println!("{}", serde_json::to_string(&report).unwrap());
    if products >= 1_000_000 {
        assert!(
            report.p99_ms <= 20.0,
            "p99 {} ms over the 20 ms target",
            report.p99_ms
        );
    }
}

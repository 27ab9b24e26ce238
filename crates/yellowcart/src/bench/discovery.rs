//! `bench feed` and `bench search`: the discovery engines at catalog scale
//! (no HTTP: these measure the page and query work itself). Each returns
//! its printed report; the last line is one JSON object with `p50_ms`,
//! `p99_ms`, `per_s`, `rss_mb` and the scale.

use std::fmt::Write;

/// Feed pages of 20 for heavy, light and cold viewers over a synthetic
/// catalog of `products` videos and `events` behaviour events.
pub fn feed(products: usize, events: usize, requests: usize, seed: u64) -> anyhow::Result<String> {
    let r = yc_feed::bench::run(products, events, requests, seed);
    let mut out = String::new();
    writeln!(
        out,
        "feed: {} videos, {} events from {} viewers; model built in {:.0} ms ({:.0} events/s), refresh {:.1} ms",
        r.items, r.events, r.users, r.build_ms, r.events_per_s, r.refresh_ms
    )?;
    writeln!(
        out,
        "{} pages of 20: p50 {:.2} ms, p99 {:.2} ms (heavy {:.2}, light {:.2}, cold {:.2}), max {:.2} ms, {:.0} pages/s on one thread; RSS {:.0} MB",
        r.requests,
        r.p50_ms,
        r.p99_ms,
        r.p99_heavy_ms,
        r.p99_light_ms,
        r.p99_cold_ms,
        r.max_ms,
        r.per_s,
        r.rss_mb
    )?;
    let json = serde_json::json!({
        "bench": "feed",
        "products": r.items,
        "events": r.events,
        "users": r.users,
        "page_size": 20,
        "p50_ms": r.p50_ms,
        "p99_ms": r.p99_ms,
        "per_s": r.per_s,
        "rss_mb": r.rss_mb,
    });
    write!(out, "{json}")?;
    Ok(out)
}

/// A realistic query mix over `products` synthetic products, with an
/// indexing progress bar.
pub fn search(products: usize, queries: usize, seed: u64) -> anyhow::Result<String> {
    let bar = indicatif::ProgressBar::new(products as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("建索引 indexing [{bar:30}] {pos}/{len} {per_sec}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: u64, _total: u64| bar.set_position(done);
    let r = yc_search::bench::run_with_progress(products, queries, seed, None, &progress)
        .map_err(|e| anyhow::anyhow!("search bench: {e}"))?;
    bar.finish_and_clear();
    let mut out = String::new();
    writeln!(
        out,
        "search: {} products indexed in {:.1} s ({} segments); {} queries: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.0} queries/s on one thread; suggest p99 {:.2} ms; RSS {:.0} MB",
        r.products,
        r.index_secs,
        r.segments,
        r.queries,
        r.p50_ms,
        r.p99_ms,
        r.max_ms,
        r.per_s,
        r.suggest_p99_ms,
        r.rss_mb
    )?;
    let json = serde_json::json!({
        "bench": "search",
        "products": r.products,
        "queries": r.queries,
        "p50_ms": r.p50_ms,
        "p99_ms": r.p99_ms,
        "per_s": r.per_s,
        "rss_mb": r.rss_mb,
        "index_secs": r.index_secs,
        "suggest_p99_ms": r.suggest_p99_ms,
    });
    write!(out, "{json}")?;
    Ok(out)
}

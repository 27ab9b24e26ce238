//! An end-to-end benchmark: index a synthetic catalog, then time a query
//! mix, suggestions and a steady-state commit. Single-threaded queries, so
//! the latencies are per query on one core.

use std::path::Path;
use std::time::Instant;

use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::error::SearchError;
use crate::index::{IndexOptions, SearchIndex};
use crate::model::{SearchQuery, SortBy};
use crate::suggest::Suggester;
use crate::synthetic::{self, CATEGORIES};

/// Products per `upsert` call while loading.
const BATCH: usize = 10_000;
/// Commit this often while loading: until its commit, every upsert holds
/// a pending delete (~1 KB), so one commit at the end of a million would
/// hold a gigabyte.
const LOAD_COMMIT_EVERY: u64 = 100_000;
/// Queries run before timing, to fault in the index pages.
const WARMUP: usize = 200;
const SUGGEST_CALLS: usize = 2_000;
/// Size of the post-load change batch timed as `commit_ms`: about what
/// the platform sends every 500 ms.
const CHANGE_BATCH: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    pub products: u64,
    pub queries: u64,
    /// Loading and committing the whole catalog.
    pub index_secs: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Sequential queries per second on one thread.
    pub per_s: f64,
    /// Mean `total` of the queries: how much each one had to count.
    pub mean_total: f64,
    /// Slowest of a few pathological queries: twelve common words that
    /// match nothing together (so the any-word fallback runs too), and
    /// browsing the whole catalog by sales.
    pub worst_ms: f64,
    pub suggest_p99_ms: f64,
    /// Rebuilding the suggestion table from the whole index (done by a
    /// commit at most every `IndexOptions::suggest_refresh`).
    pub suggest_rebuild_ms: f64,
    /// Upserting `CHANGE_BATCH` products then committing, on the full index.
    pub commit_ms: f64,
    pub segments: usize,
    pub suggestion_words: usize,
    /// Resident memory of this process at the end (Linux; 0 elsewhere).
    pub rss_mb: f64,
}

/// [`run_with_progress`] without progress reports.
pub fn run(
    products: usize,
    queries: usize,
    seed: u64,
    dir: Option<&Path>,
) -> Result<BenchReport, SearchError> {
    run_with_progress(products, queries, seed, dir, &|_, _| {})
}

/// Builds an index of `products` synthetic products in `dir` (a fresh temp
/// dir when `None`, removed afterwards), calling `progress(done, total)`
/// after each loaded batch, then measures.
pub fn run_with_progress(
    products: usize,
    queries: usize,
    seed: u64,
    dir: Option<&Path>,
    progress: &dyn Fn(u64, u64),
) -> Result<BenchReport, SearchError> {
    let temp = match dir {
        Some(_) => None,
        None => Some(tempfile::tempdir()?),
    };
    let path = match (&temp, dir) {
        (Some(t), _) => t.path(),
        (None, Some(d)) => d,
        (None, None) => return Err(SearchError::Io(std::io::Error::other("no directory"))),
    };
    // Loading wants big in-memory segments (fewer merges, fewer segments
    // to search); the server default is smaller.
    let opts = IndexOptions {
        writer_threads: 2,
        writer_memory_bytes: 512 * 1024 * 1024,
        ..IndexOptions::default()
    };
    let ix = SearchIndex::open_dir_with(path, opts)?;

    let started = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    let mut done = 0u64;
    for doc in synthetic::catalog(products, seed) {
        batch.push(doc);
        if batch.len() == BATCH {
            ix.upsert(&batch)?;
            done += batch.len() as u64;
            batch.clear();
            if done.is_multiple_of(LOAD_COMMIT_EVERY) {
                ix.commit()?;
            }
            progress(done, products as u64);
        }
    }
    ix.upsert(&batch)?;
    ix.commit()?;
    progress(products as u64, products as u64);
    let index_secs = started.elapsed().as_secs_f64();
    // Measure what a server sees: the index reopened with default writer
    // options (a big loading arena makes every commit slow to restart).
    drop(ix);
    let ix = SearchIndex::open_dir(path)?;

    let mix: Vec<_> = synthetic::queries(queries + WARMUP, seed).collect();
    for q in &mix[..WARMUP.min(mix.len())] {
        ix.search(q)?;
    }
    let mut hist = histogram()?;
    let mut totals = 0usize;
    let timed = Instant::now();
    for q in mix.iter().skip(WARMUP) {
        let t = Instant::now();
        totals += ix.search(q)?.total;
        record(&mut hist, t);
    }
    let elapsed = timed.elapsed().as_secs_f64();

    let worst_ms = time_worst(&ix)?;
    let suggest_p99_ms = time_suggestions(&ix, seed)?;
    let t = Instant::now();
    Suggester::build(&ix.searcher(), &ix.suggest_fields(), Vec::new())?;
    let suggest_rebuild_ms = t.elapsed().as_secs_f64() * 1e3;
    let commit_ms = time_commit(&ix, products, seed)?;
    Ok(BenchReport {
        products: products as u64,
        queries: queries as u64,
        index_secs,
        p50_ms: ms(hist.value_at_quantile(0.50)),
        p99_ms: ms(hist.value_at_quantile(0.99)),
        max_ms: ms(hist.max()),
        per_s: if elapsed > 0.0 {
            queries as f64 / elapsed
        } else {
            0.0
        },
        mean_total: totals as f64 / queries.max(1) as f64,
        worst_ms,
        suggest_p99_ms,
        suggest_rebuild_ms,
        commit_ms,
        segments: ix.searcher().segment_readers().len(),
        suggestion_words: ix.num_suggestion_words(),
        rss_mb: rss_mb(),
    })
}

fn time_worst(ix: &SearchIndex) -> Result<f64, SearchError> {
    let twelve: Vec<&str> = CATEGORIES.iter().take(12).map(|c| c.nouns[0]).collect();
    let queries = [
        SearchQuery::text(twelve.join(" ")),
        SearchQuery {
            sort: SortBy::Sales,
            ..SearchQuery::text("")
        },
        SearchQuery {
            sort: SortBy::Newest,
            offset: crate::MAX_OFFSET,
            limit: crate::MAX_LIMIT,
            ..SearchQuery::text("")
        },
    ];
    let mut worst = 0.0f64;
    for q in &queries {
        for _ in 0..3 {
            let t = Instant::now();
            ix.search(q)?;
            worst = worst.max(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    Ok(worst)
}

fn time_suggestions(ix: &SearchIndex, seed: u64) -> Result<f64, SearchError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5066);
    let mut hist = histogram()?;
    for _ in 0..SUGGEST_CALLS {
        let cat = &CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
        let word = if rng.gen_bool(0.5) {
            cat.nouns
        } else {
            cat.brands
        };
        let word = word.choose(&mut rng).copied().unwrap_or_default();
        let prefix: String = word.chars().take(rng.gen_range(1..=3)).collect();
        let t = Instant::now();
        ix.suggest(&prefix, 10)?;
        record(&mut hist, t);
    }
    Ok(ms(hist.value_at_quantile(0.99)))
}

/// Re-upserts a batch of existing products with new sales, as the
/// platform's change feed would, and times it with the commit.
fn time_commit(ix: &SearchIndex, products: usize, seed: u64) -> Result<f64, SearchError> {
    let changed: Vec<_> = synthetic::catalog(products.min(CHANGE_BATCH), seed)
        .map(|mut d| {
            d.sales += 1;
            d
        })
        .collect();
    let t = Instant::now();
    ix.upsert(&changed)?;
    ix.commit()?;
    Ok(t.elapsed().as_secs_f64() * 1e3)
}

/// Microseconds, 1 µs to 60 s, 3 significant digits.
fn histogram() -> Result<Histogram<u64>, SearchError> {
    Histogram::new_with_bounds(1, 60_000_000, 3)
        .map_err(|e| SearchError::Io(std::io::Error::other(e.to_string())))
}

fn record(hist: &mut Histogram<u64>, since: Instant) {
    let us = u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX);
    hist.saturating_record(us.max(1));
}

fn ms(us: u64) -> f64 {
    us as f64 / 1e3
}

/// VmRSS from `/proc/self/status`; 0 where there is no procfs.
pub fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_run_reports_sane_figures() {
        let r = run(3_000, 200, 42, None).unwrap();
        assert_eq!((r.products, r.queries), (3_000, 200));
        assert!(r.p50_ms <= r.p99_ms && r.p99_ms <= r.max_ms);
        assert!(r.per_s > 0.0 && r.mean_total > 0.0);
        assert!(r.suggestion_words > 50, "{r:?}");
        assert!(r.rss_mb > 0.0);
    }
}

//! `yellowcart bench flash-sale` at a small scale: on servers it starts
//! itself, and (`--url`) on a server already running in its own process,
//! whose store receives the fixtures and keeps the sold orders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;
use yellowcart::bench::flash::{FlashBench, flash_sale};
use yellowcart::config::ServerConfig;
use yellowcart::server;

fn small(urls: Vec<String>, data_dir: Option<std::path::PathBuf>) -> FlashBench {
    FlashBench {
        db: "sqlite".into(),
        database_url: None,
        database_schema: None,
        nodes: 1,
        buyers: 40,
        stock: 100,
        cap: 3,
        connections: 8,
        duration: Duration::from_secs(3),
        tail: Duration::from_millis(200),
        urls,
        data_dir,
        cold: false,
        nats_url: None,
        trace: None,
    }
}

/// The figures every run must show: the whole pool sold to a success
/// answer each, nothing oversold, no cap exceeded, both designs measured.
fn assert_sound(result: &serde_json::Value, db: &str, nodes: u64) {
    assert_eq!(result["db"], db, "{result}");
    assert_eq!(result["nodes"], nodes, "{result}");
    assert_eq!(result["accepted"], 100, "the pool sells out: {result}");
    assert_eq!(result["oversold"], 0, "{result}");
    assert_eq!(result["cap_violations"], 0, "{result}");
    assert_eq!(result["errors"], 0, "{result}");
    assert!(result["sold_out"].as_u64().unwrap() > 0, "{result}");
    assert!(result["orders_per_s"].as_f64().unwrap() > 0.0, "{result}");
    assert!(
        result["conventional_orders_per_s"].as_f64().unwrap() > 0.0,
        "{result}"
    );
    for field in ["p50_ms", "p99_ms", "p999_ms", "ratio"] {
        assert!(result[field].is_number(), "{field} in {result}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_starts_its_own_server() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.txt");
    let mut opts = small(Vec::new(), None);
    opts.trace = Some(trace.clone());
    let result = flash_sale(opts).await.unwrap();
    assert_sound(&result, "sqlite", 1);
    // The trace holds every answer of the flash phase, in order of sending.
    let text = std::fs::read_to_string(&trace).unwrap();
    let rows: Vec<(u64, u64, &str)> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (f[0].parse().unwrap(), f[1].parse().unwrap(), f[2])
        })
        .collect();
    let count = |what: &str| rows.iter().filter(|r| r.2 == what).count() as u64;
    assert_eq!(count("created"), 100, "{result}");
    assert_eq!(Some(count("sold_out")), result["sold_out"].as_u64());
    assert!(
        rows.windows(2).all(|w| w[0].0 <= w[1].0),
        "sorted by sending"
    );
    assert!(rows.iter().all(|r| r.1 > 0), "every latency measured");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_aims_at_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf());
    config.seed_demo = false;
    let running = server::start(config).await.unwrap();
    // Cold: the sale opens at once, with no countdown of sheet views.
    let mut opts = small(vec![running.url()], Some(dir.path().to_path_buf()));
    opts.cold = true;
    let result = flash_sale(opts).await.unwrap();
    assert_sound(&result, "sqlite", 1);
    // The server keeps serving after the bench, and serves the room the
    // bench wrote into its store.
    let page = reqwest::get(format!("{}/api/v1/live", running.url()))
        .await
        .unwrap();
    assert!(page.status().is_success());
    assert!(page.text().await.unwrap().contains("压测直播间"));
    running.stop().await;
}

/// Two PostgreSQL nodes started apart from the bench, in their own schema:
/// `--url` twice with `--database-url` and `--database-schema`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_aims_at_running_postgres_nodes() {
    let Some(url) = std::env::var("YC_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("YC_TEST_POSTGRES_URL not set: PostgreSQL --url bench test skipped");
        return;
    };
    let schema = format!("benchurl_{}", uuid::Uuid::now_v7().simple());
    let dir = tempfile::tempdir().unwrap();
    let mut nodes = Vec::new();
    for _ in 0..2 {
        let mut config =
            ServerConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf());
        config.database = yellowcart::config::Database::Postgres {
            url: url.clone(),
            max_connections: 4,
            schema: Some(schema.clone()),
        };
        config.seed_demo = false;
        nodes.push(server::start(config).await.unwrap());
    }
    let mut opts = small(nodes.iter().map(|n| n.url()).collect(), None);
    opts.database_url = Some(url.clone());
    opts.database_schema = Some(schema.clone());
    opts.cold = true;
    let result = flash_sale(opts).await.unwrap();
    assert_sound(&result, "postgres", 2);
    for n in nodes {
        n.stop().await;
    }
    let store = yc_store_postgres::PgStore::connect_in_schema(&url, &schema, 1)
        .await
        .unwrap();
    store.drop_schema().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_server_per_sqlite_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let config = || {
        let mut config =
            ServerConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf());
        config.seed_demo = false;
        config
    };
    let first = server::start(config()).await.unwrap();
    let second = server::start(config()).await;
    let err = second
        .err()
        .expect("a second server on the same data dir")
        .to_string();
    assert!(err.contains("already serving"), "{err}");
    first.stop().await;
    // Stopped: the data dir is free again.
    server::start(config()).await.unwrap().stop().await;
}

#[tokio::test]
async fn bench_refuses_a_target_it_cannot_reach_the_store_of() {
    let dir = tempfile::tempdir().unwrap();
    let missing = small(
        vec!["http://127.0.0.1:9".into()],
        Some(dir.path().join("nowhere")),
    );
    let err = flash_sale(missing).await.unwrap_err().to_string();
    assert!(err.contains("--data-dir"), "{err}");
    let https = small(vec!["https://example.com".into()], None);
    let err = flash_sale(https).await.unwrap_err().to_string();
    assert!(err.contains("only http://"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_runs_two_postgres_nodes() {
    let Ok(url) = std::env::var("YC_TEST_POSTGRES_URL") else {
        eprintln!("skipped: YC_TEST_POSTGRES_URL not set");
        return;
    };
    let mut opts = small(Vec::new(), None);
    opts.db = "postgres".into();
    opts.database_url = Some(url);
    opts.nodes = 2;
    // Linked over NATS when one is configured, as a deployment would be.
    opts.nats_url = std::env::var("YC_TEST_NATS_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let result = flash_sale(opts).await.unwrap();
    assert_sound(&result, "postgres", 2);
}

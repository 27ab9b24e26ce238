//! `yellowcart bench checkout`: create-order + pay throughput over HTTP.
//! Starts a server on a temporary data dir (SQLite) or a fresh PostgreSQL
//! schema, registers buyers, and has `connections` clients loop
//! create-order → pay with keep-alive for `duration`. Prints orders/s and
//! latency percentiles of the pair; the last line is one JSON object.

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{Database, ServerConfig};
use crate::server;

#[derive(Debug, Clone)]
pub struct CheckoutBench {
    pub db: String,
    pub database_url: Option<String>,
    pub connections: usize,
    pub duration: Duration,
    pub buyers: usize,
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    address: String,
}

pub async fn checkout(opts: CheckoutBench) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let mut config = ServerConfig::new("127.0.0.1:0".parse()?, dir.path().to_path_buf());
    config.seed_demo = false;
    let schema = format!("bench_{}", uuid::Uuid::now_v7().simple());
    match opts.db.as_str() {
        "sqlite" => {}
        "postgres" => {
            let url = opts
                .database_url
                .clone()
                .context("--database-url (or YC_DATABASE_URL) is needed for --db postgres")?;
            config.database = Database::Postgres {
                url,
                max_connections: 32,
                schema: Some(schema.clone()),
            };
        }
        other => bail!("--db must be sqlite or postgres, not {other}"),
    }
    let database = config.database.clone();
    let running = server::start(config).await?;
    let base = running.url();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(opts.connections.max(1))
        .build()?;
    let merchant = register(&http, &base, "benchshop", true).await?;
    let sku = product(&http, &base, &merchant).await?;
    let mut clients = Vec::new();
    for i in 0..opts.buyers.max(1) {
        let token = register(&http, &base, &format!("benchbuyer{i}"), false).await?;
        let address = address(&http, &base, &token).await?;
        clients.push(Arc::new(Client {
            http: http.clone(),
            base: base.clone(),
            token,
            address,
        }));
    }
    eprintln!(
        "bench checkout: db={} connections={} duration={:?} buyers={}",
        opts.db,
        opts.connections,
        opts.duration,
        clients.len()
    );
    let started = Instant::now();
    let deadline = started + opts.duration;
    let mut tasks = Vec::new();
    for c in 0..opts.connections.max(1) {
        let client = clients[c % clients.len()].clone();
        let sku = sku.clone();
        tasks.push(tokio::spawn(async move {
            worker(client, sku, c, deadline).await
        }));
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let (mut ok, mut errors) = (0_u64, 0_u64);
    for t in tasks {
        let (h, o, e) = t.await??;
        hist.add(h)?;
        ok += o;
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    running.stop().await;
    super::fixtures::drop_bench_schema(&database).await;
    let result = json!({
        "bench": "checkout",
        "db": opts.db,
        "connections": opts.connections,
        "orders": ok,
        "errors": errors,
        "orders_per_s": (ok as f64 / elapsed).round(),
        "p50_ms": hist.value_at_quantile(0.50) as f64 / 1000.0,
        "p99_ms": hist.value_at_quantile(0.99) as f64 / 1000.0,
        "max_ms": hist.max() as f64 / 1000.0,
    });
    println!(
        "create-order + pay over HTTP on {}: {} orders in {elapsed:.1} s = {} orders/s; latency of the pair p50 {} ms, p99 {} ms; errors {errors}",
        opts.db, ok, result["orders_per_s"], result["p50_ms"], result["p99_ms"]
    );
    Ok(result)
}

async fn worker(
    c: Arc<Client>,
    sku: String,
    id: usize,
    deadline: Instant,
) -> anyhow::Result<(Histogram<u64>, u64, u64)> {
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let (mut ok, mut errors, mut n) = (0, 0, 0_u64);
    while Instant::now() < deadline {
        n += 1;
        let t0 = Instant::now();
        match order_and_pay(&c, &sku, &format!("w{id}-{n}")).await {
            Ok(()) => {
                ok += 1;
                hist.record(
                    u64::try_from(t0.elapsed().as_micros())
                        .unwrap_or(u64::MAX)
                        .max(1),
                )?;
            }
            Err(_) => errors += 1,
        }
    }
    Ok((hist, ok, errors))
}

async fn order_and_pay(c: &Client, sku: &str, key: &str) -> anyhow::Result<()> {
    let body = json!({ "lines": [{ "sku_id": sku, "quantity": 1 }], "address_id": c.address });
    let res = c
        .http
        .post(format!("{}/api/v1/orders", c.base))
        .bearer_auth(&c.token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await?;
    if res.status() != 201 {
        bail!("create order: {}", res.status());
    }
    let order: Value = res.json().await?;
    let id = order["id"].as_str().context("order id")?;
    let res = c
        .http
        .post(format!("{}/api/v1/orders/{id}/pay", c.base))
        .bearer_auth(&c.token)
        .header("Idempotency-Key", format!("{key}-pay"))
        .json(&json!({ "method": "alipay" }))
        .send()
        .await?;
    if res.status() != 201 {
        bail!("pay: {}", res.status());
    }
    Ok(())
}

async fn register(
    http: &reqwest::Client,
    base: &str,
    login: &str,
    merchant: bool,
) -> anyhow::Result<String> {
    let mut body = json!({ "login": login, "password": "bench-password", "display_name": login });
    if merchant {
        body["role"] = json!("merchant");
        body["shop_name"] = json!("压测店");
        body["shop_province"] = json!("浙江省");
    }
    let res: Value = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    res["token"].as_str().map(str::to_owned).context("register")
}

async fn address(http: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<String> {
    let body = json!({ "recipient": "压测", "phone": "13800000000", "province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路1号" });
    let res: Value = http
        .post(format!("{base}/api/v1/addresses"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    res["id"].as_str().map(str::to_owned).context("address")
}

async fn product(http: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<String> {
    let body = json!({
        "title": "压测商品", "description": "", "category": "测试", "media": [],
        "spec_axes": [{ "name": "规格", "values": ["标准"] }],
        "skus": [{ "spec": ["标准"], "price": { "amount_minor": 990, "currency": "CNY" }, "stock": 10_000_000 }]
    });
    let res: Value = http
        .post(format!("{base}/api/v1/merchant/products"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    res["skus"][0]["id"]
        .as_str()
        .map(str::to_owned)
        .context("product")
}

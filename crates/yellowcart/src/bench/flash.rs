//! `yellowcart bench flash-sale`: a live flash sale under load, against the
//! batched flash path and, in the same run, the conventional design (one
//! transaction per order with a conditional decrement: POST /api/v1/orders).

use anyhow::Context;
use bytes::Bytes;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use yc_domain::catalog::{ProductDraft, SkuDraft, SpecAxis};
use yc_domain::live::{FlashSaleDraft, LiveRoomDraft};
use yc_domain::{Money, SkuId};
use yc_services::Services;

use super::countdown;
use super::fixtures::{self, Buyer};
use super::flash_target::Target;
use super::http1::Conn;
use super::load::{Answer, Tally, classify, record, stock_window, write_trace};

#[derive(Debug, Clone)]
pub struct FlashBench {
    pub db: String,
    pub database_url: Option<String>,
    /// With `urls` on PostgreSQL: the servers' schema (`None`: the default).
    pub database_schema: Option<String>,
    pub nodes: usize,
    pub buyers: usize,
    pub stock: i64,
    pub cap: u32,
    pub connections: usize,
    pub duration: Duration,
    /// How long to keep measuring after the pool is gone (sold-out answers).
    pub tail: Duration,
    /// Servers already running (`http://host:port`); empty: start `nodes`.
    pub urls: Vec<String>,
    /// The running servers' SQLite data dir (with `urls`, unless `database_url`).
    pub data_dir: Option<std::path::PathBuf>,
    /// Open the sale at once, with no countdown in which viewers open the
    /// buy sheet (`countdown`).
    pub cold: bool,
    /// Link the nodes this run starts over NATS (throwaway prefix).
    pub nats_url: Option<String>,
    /// Write every answer of the flash phase here (`load::write_trace`).
    pub trace: Option<std::path::PathBuf>,
}

/// What one phase (flash or conventional) measured.
struct Phase {
    tally: Tally,
    window_s: f64,
}

pub async fn flash_sale(opts: FlashBench) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let target = Target::open(&opts, dir.path()).await?;
    let services = target.services.clone();
    // Unique names: a running server's store may hold earlier runs.
    let run = uuid::Uuid::now_v7().simple().to_string();
    let run = run.get(run.len() - 8..).unwrap_or("0");
    eprintln!("importing {} buyers…", opts.buyers);
    let tag = format!("fb{run}-");
    let buyers = Arc::new(fixtures::buyers(&services, opts.buyers.max(1), &tag).await?);
    let addrs = target.addrs.clone();
    let (flash_sale, conventional_sku, opens_at) = setup_sale(&services, &opts, run).await?;
    if !opts.cold {
        countdown(&addrs, &buyers, &opts, &flash_sale, opens_at).await?;
    }

    eprintln!(
        "flash sale: {} units, cap {}, {} connections over {} node(s), {:?}",
        opts.stock,
        opts.cap,
        opts.connections,
        addrs.len(),
        opts.duration
    );
    let flash_path: Arc<str> = format!("/api/v1/flash-sales/{flash_sale}/orders").into();
    let flash = run_phase(&addrs, &buyers, &opts, opts.trace.is_some(), move |_| {
        (flash_path.clone(), Bytes::from_static(br#"{"quantity":1}"#))
    })
    .await?;
    if let Some(path) = &opts.trace {
        write_trace(path, &flash.tally)?;
        eprintln!("trace of the flash phase: {}", path.display());
    }
    let state = services
        .store
        .get_flash_sale(flash_sale.parse()?)
        .await?
        .context("sale vanished")?;

    eprintln!("conventional design: same load on POST /api/v1/orders");
    let sku = conventional_sku.to_string();
    let orders_path: Arc<str> = "/api/v1/orders".into();
    let conventional = run_phase(&addrs, &buyers, &opts, false, move |b: &Buyer| {
        let body =
            json!({ "lines": [{ "sku_id": sku, "quantity": 1 }], "address_id": b.address_id });
        (orders_path.clone(), Bytes::from(body.to_string()))
    })
    .await?;
    let nodes = addrs.len();
    target.finish().await;
    report(&opts, nodes, &flash, &conventional, state.remaining)
}

/// Viewers open the buy sheet while the sale counts down; buying starts
/// once it is open.
async fn countdown(
    addrs: &[SocketAddr],
    buyers: &Arc<Vec<Buyer>>,
    opts: &FlashBench,
    sale: &str,
    opens_at: Instant,
) -> anyhow::Result<()> {
    let path = format!("/api/v1/flash-sales/{sale}/checkout");
    let views = countdown::open_sheets(addrs, buyers, opts.connections, &path, opens_at).await?;
    eprintln!(
        "countdown: {} viewers opened the buy sheet in {:.2} s ({} failed, {} too late)",
        views.ok,
        views.took.as_secs_f64(),
        views.failed,
        views.late
    );
    if views.failed > 0 {
        anyhow::bail!("{} sheet views failed during the countdown", views.failed);
    }
    // The server opens the sale by its own clock (ms); a little after ours.
    tokio::time::sleep_until((opens_at + Duration::from_millis(20)).into()).await;
    Ok(())
}

/// A shop, a flash sale that opens after the countdown (or now, `cold`),
/// and a second product for the conventional run.
async fn setup_sale(
    services: &Services,
    opts: &FlashBench,
    run: &str,
) -> anyhow::Result<(String, SkuId, Instant)> {
    let reg = yc_services::auth::Registration {
        login: format!("flashshop{run}"),
        password: "bench-password".into(),
        display_name: "秒杀店".into(),
        role: yc_domain::account::Role::Merchant,
        shop: Some(("秒杀店".into(), "浙江省".into())),
    };
    let (shop, _) = services.register(reg, yc_store::SessionKind::Api).await?;
    let product = |title: &str| ProductDraft {
        title: title.into(),
        description: String::new(),
        category: "秒杀".into(),
        media: vec![],
        spec_axes: vec![SpecAxis {
            name: "规格".into(),
            values: vec!["标准".into()],
        }],
        skus: vec![SkuDraft {
            spec: vec!["标准".into()],
            price: Money::cny(9900),
            stock: opts.stock,
        }],
        return_policy: None,
    };
    let flash_product = services.create_product(&shop, product("秒杀商品")).await?;
    let conventional = services.create_product(&shop, product("常规商品")).await?;
    let room = services
        .create_live_room(
            &shop,
            LiveRoomDraft {
                title: "压测直播间".into(),
                stream_url: "/assets/demo/videos/live01.mp4".into(),
                poster_url: "/assets/demo/videos/v01.jpg".into(),
                pinned: vec![flash_product.id],
            },
        )
        .await?;
    let sku = flash_product.skus.first().context("sku")?;
    let starts_in_secs = if opts.cold {
        0
    } else {
        countdown::length_secs(opts.buyers)
    };
    let draft = FlashSaleDraft {
        sku_id: sku.id,
        flash_price: Money::cny(990),
        pool_size: opts.stock,
        per_buyer_cap: opts.cap,
        starts_in_secs,
        countdown_secs: 10,
        duration_secs: 3600,
        pay_window_minutes: Some(30),
    };
    let sale = services.create_flash_sale(&shop, room.id, draft).await?;
    let opens_at = Instant::now() + Duration::from_secs(u64::try_from(starts_in_secs)?);
    Ok((
        sale.sale.id.to_string(),
        conventional.skus.first().context("sku")?.id,
        opens_at,
    ))
}

async fn run_phase<F>(
    addrs: &[SocketAddr],
    buyers: &Arc<Vec<Buyer>>,
    opts: &FlashBench,
    trace: bool,
    request: F,
) -> anyhow::Result<Phase>
where
    F: Fn(&Buyer) -> (Arc<str>, Bytes) + Clone + Send + Sync + 'static,
{
    let start = Instant::now();
    let deadline = start + opts.duration;
    let sold_out = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for c in 0..opts.connections.max(1) {
        let addr = addrs[c % addrs.len()];
        let (buyers, request, sold_out) = (buyers.clone(), request.clone(), sold_out.clone());
        let slot = Slot {
            addr,
            id: c,
            stride: opts.connections.max(1),
            start,
            deadline,
            tail: opts.tail,
            trace,
        };
        tasks.push(tokio::spawn(async move {
            connection(slot, buyers, request, sold_out).await
        }));
    }
    let mut tally = Tally::new(start, trace)?;
    for t in tasks {
        tally.merge(t.await??)?;
    }
    Ok(Phase {
        window_s: stock_window(start, &tally, opts.duration),
        tally,
    })
}

/// One load-generating connection's place in the run.
struct Slot {
    addr: SocketAddr,
    id: usize,
    stride: usize,
    start: Instant,
    deadline: Instant,
    tail: Duration,
    trace: bool,
}

async fn connection<F>(
    slot: Slot,
    buyers: Arc<Vec<Buyer>>,
    request: F,
    sold_out: Arc<AtomicBool>,
) -> anyhow::Result<Tally>
where
    F: Fn(&Buyer) -> (Arc<str>, Bytes),
{
    let Slot {
        addr,
        id,
        stride,
        start,
        deadline,
        tail,
        trace,
    } = slot;
    let mut conn = Conn::open(addr).await?;
    let mut tally = Tally::new(start, trace)?;
    let mut stop_at = deadline;
    let mut n = 0_usize;
    let mut key = String::with_capacity(32);
    while Instant::now() < stop_at {
        // Each connection walks its own slice of buyers.
        let index = (id + n * stride) % buyers.len();
        let buyer = &buyers[index];
        let (path, body) = request(buyer);
        let t0 = Instant::now();
        key.clear();
        write!(key, "b{id}-{n}")?;
        let answer = classify(conn.post(&path, &buyer.token, &key, &body).await);
        record(&mut tally, answer, t0, index)?;
        if answer == Answer::Failed {
            conn = Conn::open(addr).await?;
        }
        // Once anyone has seen the pool empty, measure `tail` more of
        // sold-out answers and stop.
        if answer == Answer::SoldOut {
            sold_out.store(true, Ordering::SeqCst);
        }
        if sold_out.load(Ordering::Relaxed) {
            stop_at = stop_at.min(Instant::now() + tail);
        }
        n += 1;
    }
    Ok(tally)
}

fn report(
    opts: &FlashBench,
    nodes: usize,
    flash: &Phase,
    conventional: &Phase,
    remaining: i64,
) -> anyhow::Result<Value> {
    let accepted = i64::try_from(flash.tally.created)?;
    let sold_in_db = opts.stock - remaining;
    let oversold =
        (accepted - opts.stock).max(0) + (-remaining).max(0) + (accepted - sold_in_db).max(0);
    let mut per_buyer: HashMap<usize, u32> = HashMap::new();
    for (b, q) in &flash.tally.per_buyer {
        *per_buyer.entry(*b).or_default() += q;
    }
    let cap_violations = per_buyer.values().filter(|q| **q > opts.cap).count();
    let orders_per_s = (flash.tally.created as f64 / flash.window_s).round();
    let conventional_per_s = (conventional.tally.created as f64 / conventional.window_s).round();
    let ratio = if conventional_per_s > 0.0 {
        (orders_per_s / conventional_per_s * 10.0).round() / 10.0
    } else {
        0.0
    };
    println!(
        "flash path:        accepted {accepted} (stored {sold_in_db}), sold-out answers {}, cap refusals {}, other errors {}",
        flash.tally.sold_out, flash.tally.cap_refused, flash.tally.errors
    );
    println!(
        "                   {orders_per_s} orders/s over {:.2} s with stock; latency p50 {} ms, p99 {} ms, p99.9 {} ms",
        flash.window_s,
        flash.tally.ms(0.5),
        flash.tally.ms(0.99),
        flash.tally.ms(0.999)
    );
    println!(
        "                   accepted orders alone: p50 {} ms, p99 {} ms, p99.9 {} ms",
        flash.tally.created_ms(0.5),
        flash.tally.created_ms(0.99),
        flash.tally.created_ms(0.999)
    );
    println!("                   oversold {oversold}, cap violations {cap_violations}");
    println!("                   per second: {}", flash.tally.timeline());
    println!(
        "conventional path: accepted {}, {conventional_per_s} orders/s, p50 {} ms, p99 {} ms, errors {}",
        conventional.tally.created,
        conventional.tally.ms(0.5),
        conventional.tally.ms(0.99),
        conventional.tally.errors
    );
    println!("ratio flash / conventional: {ratio}×");
    Ok(json!({
        "db": db_label(opts), "nodes": nodes, "accepted": accepted, "sold_out": flash.tally.sold_out,
        "errors": flash.tally.errors, "oversold": oversold, "cap_violations": cap_violations,
        "orders_per_s": orders_per_s, "p50_ms": flash.tally.ms(0.5), "p99_ms": flash.tally.ms(0.99), "p999_ms": flash.tally.ms(0.999),
        "conventional_orders_per_s": conventional_per_s, "ratio": ratio,
        "accepted_p50_ms": flash.tally.created_ms(0.5), "accepted_p99_ms": flash.tally.created_ms(0.99),
    }))
}

/// The database the measured servers use.
fn db_label(opts: &FlashBench) -> &str {
    match (opts.urls.is_empty(), &opts.database_url) {
        (true, _) => &opts.db,
        (false, Some(_)) => "postgres",
        (false, None) => "sqlite",
    }
}

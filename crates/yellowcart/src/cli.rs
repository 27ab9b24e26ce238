//! The command line: `serve`, `seed`, `bench …`, `eval …`, `admin …`.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use yellowcart::config::{Database, ServerConfig};

#[derive(Parser)]
#[command(
    name = "yellowcart",
    version,
    about = "Watch-and-buy content commerce: short videos, yellow cart, checkout."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Args, Clone)]
pub struct StoreArgs {
    /// Directory for the SQLite database, media and secrets.
    #[arg(long, env = "YC_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Use PostgreSQL instead of the embedded SQLite file.
    #[arg(long, env = "YC_DATABASE_URL")]
    pub database_url: Option<String>,
    /// PostgreSQL pool size per node.
    #[arg(long, env = "YC_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// PostgreSQL schema to use (created if missing) instead of the default.
    #[arg(long, env = "YC_DATABASE_SCHEMA", hide = true)]
    pub database_schema: Option<String>,
}

/// How nodes sharing one PostgreSQL find each other.
#[derive(clap::Args, Clone)]
pub struct LinkArgs {
    /// NATS server (JetStream on) linking the nodes: domain events in a
    /// shared stream, live-room events to every node's viewers.
    #[arg(long, env = "YC_NATS_URL")]
    pub nats_url: Option<String>,
    /// Prefix of this deployment's subjects and stream on the NATS server.
    #[arg(long, env = "YC_NATS_PREFIX", default_value = "yc", value_parser = yc_bus_nats::Prefix::parse)]
    pub nats_prefix: yc_bus_nats::Prefix,
}

impl LinkArgs {
    pub fn config(&self) -> Option<yc_bus_nats::NatsConfig> {
        self.nats_url.as_ref().map(|url| yc_bus_nats::NatsConfig {
            url: url.clone(),
            prefix: self.nats_prefix.clone(),
        })
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web UI and the API (loads the demo world into an empty store).
    Serve {
        #[arg(long, env = "YC_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[command(flatten)]
        store: StoreArgs,
        /// Minutes before an unpaid order cancels itself.
        #[arg(long, env = "YC_PAY_WINDOW_MINUTES", default_value_t = 15)]
        pay_window_minutes: i64,
        /// Do not load the demo world into an empty store.
        #[arg(long)]
        no_demo: bool,
        #[command(flatten)]
        link: LinkArgs,
    },
    /// Load the demo world into an empty store and exit.
    Seed {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Benchmarks; each prints its figures and ends with one JSON line.
    Bench {
        #[command(subcommand)]
        which: Bench,
    },
    /// Offline evaluations; each prints a table and ends with one JSON line.
    Eval {
        #[command(subcommand)]
        which: Eval,
    },
    /// Platform operators (arbitration): `admin create --login ops`.
    Admin {
        #[command(subcommand)]
        which: Admin,
    },
}

#[derive(Subcommand)]
pub enum Eval {
    /// ETA error on simulated sandbox-carrier lanes against the carrier's
    /// fixed promise (mean absolute error in hours).
    Eta {
        #[arg(long, default_value_t = 20_000)]
        parcels: usize,
        /// Parcels shipped before measuring starts (history warm-up).
        #[arg(long, default_value_t = 4_000)]
        warmup: usize,
        /// Simulated days the parcels are spread over.
        #[arg(long, default_value_t = 60)]
        days: i64,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// The personalized feed against global popularity and item-kNN on a
    /// synthetic population with planted interests (or an interactions CSV
    /// `user,item,timestamp[,weight]`): recall@20, NDCG@20, coverage,
    /// intra-list diversity, novelty.
    Feed {
        #[arg(long, default_value_t = 2_000)]
        users: usize,
        #[arg(long, default_value_t = 5_000)]
        items: usize,
        #[arg(long, default_value_t = 24)]
        categories: usize,
        #[arg(long, default_value_t = 100)]
        events_per_user: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Share of each page reserved for exploration (0–0.5).
        #[arg(long, default_value_t = 0.15)]
        exploration: f32,
        /// Evaluate on this interactions CSV instead of the synthetic world.
        #[arg(long)]
        interactions: Option<PathBuf>,
        /// Optional catalog CSV for `--interactions` (item,category[,merchant]).
        #[arg(long)]
        catalog: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum Admin {
    /// Creates an operator account; the password is read from YC_ADMIN_PASSWORD.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long, env = "YC_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
pub enum Bench {
    /// create-order + pay throughput and latency over HTTP.
    Checkout {
        /// sqlite | postgres
        #[arg(long, default_value = "sqlite")]
        db: String,
        #[arg(long, env = "YC_DATABASE_URL")]
        database_url: Option<String>,
        #[arg(long, default_value_t = 32)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        duration_secs: u64,
        #[arg(long, default_value_t = 32)]
        buyers: usize,
    },
    /// A live flash sale under load: the batched flash path and, in the
    /// same run, the conventional one-transaction-per-order path.
    FlashSale {
        /// sqlite | postgres
        #[arg(long, default_value = "sqlite")]
        db: String,
        #[arg(long, env = "YC_DATABASE_URL")]
        database_url: Option<String>,
        /// With --url: the PostgreSQL schema the running servers use
        /// (their --database-schema), where the fixtures must go.
        #[arg(long, env = "YC_DATABASE_SCHEMA", hide = true)]
        database_schema: Option<String>,
        /// Server nodes sharing the database (PostgreSQL only for > 1).
        #[arg(long, default_value_t = 1)]
        nodes: usize,
        #[arg(long, default_value_t = 20_000)]
        buyers: usize,
        /// Units in the sale's pool (and in the conventional product).
        #[arg(long, default_value_t = 100_000)]
        stock: i64,
        #[arg(long, default_value_t = 5)]
        cap: u32,
        #[arg(long, default_value_t = 256)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        duration_secs: u64,
        /// Seconds to keep measuring sold-out answers after the pool is gone.
        #[arg(long, default_value_t = 1)]
        tail_secs: u64,
        /// Open the sale at once to buyers the servers have never seen,
        /// instead of after a countdown in which every viewer opens the
        /// buy sheet (the live room's order of events).
        #[arg(long)]
        cold: bool,
        /// Aim at servers already running (repeat for several nodes)
        /// instead of starting them; fixtures go straight into their
        /// store, so give theirs: --data-dir (SQLite) or --database-url.
        #[arg(long = "url")]
        urls: Vec<String>,
        /// The running servers' data dir (SQLite), with --url.
        #[arg(long, env = "YC_DATA_DIR")]
        data_dir: Option<std::path::PathBuf>,
        /// Link the nodes the bench starts over this NATS server, as a
        /// multi-node deployment would be (a throwaway prefix per run).
        #[arg(long)]
        nats_url: Option<String>,
        /// Write every answer of the flash phase to this file, one per
        /// line: `sent_us latency_us answer` (for finding stalls).
        #[arg(long, hide = true)]
        trace: Option<std::path::PathBuf>,
    },
    /// Feed pages of 20 from the in-memory model at catalog scale.
    Feed {
        #[arg(long, default_value_t = 100_000)]
        products: usize,
        #[arg(long, default_value_t = 1_000_000)]
        events: usize,
        #[arg(long, default_value_t = 5_000)]
        requests: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Chinese product search (tantivy + jieba) at catalog scale (the
    /// issue's figure is also taken at `--products 1000000`).
    Search {
        #[arg(long, default_value_t = 100_000)]
        products: usize,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

pub fn config_for(addr: SocketAddr, store: &StoreArgs) -> ServerConfig {
    let mut config = ServerConfig::new(addr, store.data_dir.clone());
    if let Some(url) = &store.database_url {
        config.database = Database::Postgres {
            url: url.clone(),
            max_connections: store.db_max_connections,
            schema: store.database_schema.clone(),
        };
    }
    config.progress = true;
    config
}

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
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct StoreArgs {
    /// Directory for the SQLite database, media and secrets.
    #[arg(long, env = "YC_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Use PostgreSQL instead of the embedded SQLite file.
    #[arg(long, env = "YC_DATABASE_URL")]
    database_url: Option<String>,
    /// PostgreSQL pool size per node.
    #[arg(long, env = "YC_DB_MAX_CONNECTIONS", default_value_t = 16)]
    db_max_connections: u32,
    /// PostgreSQL schema to use (created if missing) instead of the default.
    #[arg(long, env = "YC_DATABASE_SCHEMA", hide = true)]
    database_schema: Option<String>,
}

#[derive(Subcommand)]
enum Command {
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
enum Eval {
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
enum Admin {
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
enum Bench {
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
    /// Chinese product search (tantivy + jieba) at catalog scale.
    Search {
        #[arg(long, default_value_t = 1_000_000)]
        products: usize,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

fn config_for(addr: SocketAddr, store: &StoreArgs) -> ServerConfig {
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Serve {
            addr,
            store,
            pay_window_minutes,
            no_demo,
        } => {
            let mut config = config_for(addr, &store);
            config.seed_demo = !no_demo;
            config.services.pay_window_ms = pay_window_minutes.clamp(1, 24 * 60) * 60_000;
            let running = yellowcart::server::start(config).await?;
            print_banner(&running);
            shutdown_signal().await?;
            running.stop().await;
        }
        Command::Bench {
            which:
                Bench::Checkout {
                    db,
                    database_url,
                    connections,
                    duration_secs,
                    buyers,
                },
        } => {
            let opts = yellowcart::bench::CheckoutBench {
                db,
                database_url,
                connections,
                duration: std::time::Duration::from_secs(duration_secs),
                buyers,
            };
            let result = yellowcart::bench::checkout(opts).await?;
            println!("{result}");
        }
        Command::Bench {
            which:
                Bench::FlashSale {
                    db,
                    database_url,
                    nodes,
                    buyers,
                    stock,
                    cap,
                    connections,
                    duration_secs,
                    tail_secs,
                },
        } => {
            let opts = yellowcart::bench::flash::FlashBench {
                db,
                database_url,
                nodes,
                buyers,
                stock,
                cap,
                connections,
                duration: std::time::Duration::from_secs(duration_secs),
                tail: std::time::Duration::from_secs(tail_secs),
            };
            let result = yellowcart::bench::flash::flash_sale(opts).await?;
            println!("{result}");
        }
        Command::Eval {
            which:
                Eval::Eta {
                    parcels,
                    warmup,
                    days,
                    seed,
                },
        } => {
            let cfg = yc_domain::fulfilment::eval::EtaEvalConfig {
                parcels,
                warmup: warmup.min(parcels.saturating_sub(1)),
                days,
                seed,
            };
            println!("{}", yellowcart::eval::eta(&cfg)?);
        }
        Command::Eval {
            which:
                Eval::Feed {
                    users,
                    items,
                    categories,
                    events_per_user,
                    seed,
                    exploration,
                    interactions,
                    catalog,
                },
        } => {
            let opts = yellowcart::eval::FeedEval {
                users,
                items,
                categories,
                events_per_user,
                seed,
                exploration,
                interactions,
                catalog,
            };
            println!("{}", yellowcart::eval::feed(&opts)?);
        }
        Command::Bench {
            which:
                Bench::Feed {
                    products,
                    events,
                    requests,
                    seed,
                },
        } => {
            println!(
                "{}",
                yellowcart::bench::discovery::feed(products, events, requests, seed)?
            );
        }
        Command::Bench {
            which:
                Bench::Search {
                    products,
                    queries,
                    seed,
                },
        } => {
            println!(
                "{}",
                yellowcart::bench::discovery::search(products, queries, seed)?
            );
        }
        Command::Admin {
            which:
                Admin::Create {
                    login,
                    password,
                    store,
                },
        } => {
            let config = config_for("127.0.0.1:0".parse()?, &store);
            let services = yellowcart::server::build_services(
                &config,
                std::sync::Arc::new(yc_services::SystemClock),
            )
            .await?;
            let user = services.create_operator(&login, &password).await?;
            println!("operator {} created", user.login);
        }
        Command::Seed { store } => {
            let config = config_for("127.0.0.1:0".parse()?, &store);
            let services = yellowcart::server::build_services(
                &config,
                std::sync::Arc::new(yc_services::SystemClock),
            )
            .await?;
            match yellowcart::server::seed(&services, true).await? {
                Some(accounts) => print_accounts(&accounts),
                None => println!("store already has products; nothing loaded"),
            }
        }
    }
    Ok(())
}

fn print_banner(running: &yellowcart::server::Running) {
    println!("yellowcart is serving at {}", running.url());
    println!("  web UI:   {}/", running.url());
    println!("  API docs: {}/api/docs/", running.url());
    if let Some(accounts) = &running.demo {
        print_accounts(accounts);
    }
}

fn print_accounts(accounts: &yc_services::demo::DemoAccounts) {
    println!("demo accounts (login / password / role):");
    for (login, password, role) in &accounts.accounts {
        println!("  {login:<8} / {password:<10} / {}", role.as_str());
    }
}

/// Ctrl-C or SIGTERM (what process managers send): stop accepting, finish
/// in-flight requests, stop the job worker.
async fn shutdown_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
    }
    Ok(())
}

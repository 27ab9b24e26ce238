//! Wiring: open the store, build the services, mount the routers, bind,
//! start the job worker. Binding happens first so tests can ask for port 0.

use anyhow::Context;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::services::ServeDir;
use tracing::info;
use yc_services::demo::DemoAccounts;
use yc_services::fulfilment::CarrierRegistry;
use yc_services::payments::PaymentGateway;
use yc_services::search::SearchEngine;
use yc_services::{Clock, Services, Store, SystemClock};

use crate::config::{Database, ServerConfig};

/// A server that is listening. Dropping it does not stop it; call `stop`.
pub struct Running {
    pub addr: SocketAddr,
    pub services: Services,
    pub demo: Option<DemoAccounts>,
    shutdown: watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.handle.await;
    }
}

pub async fn open_store(config: &ServerConfig) -> anyhow::Result<Arc<dyn Store>> {
    match &config.database {
        Database::Sqlite => {
            let path = config.data_dir.join("yellowcart.db");
            let store = yc_store_sqlite::SqliteStore::open(&path)
                .await
                .with_context(|| format!("opening {}", path.display()))?;
            Ok(Arc::new(store))
        }
        Database::Postgres {
            url,
            max_connections,
            schema,
        } => {
            let store = match schema {
                Some(schema) => {
                    yc_store_postgres::PgStore::connect_in_schema(url, schema, *max_connections)
                        .await
                }
                None => yc_store_postgres::PgStore::connect(url, *max_connections).await,
            };
            Ok(Arc::new(store.context("connecting to PostgreSQL")?))
        }
    }
}

/// The sandbox providers' master secret: generated once per data dir, so
/// callbacks signed before a restart still verify after it.
pub fn master_secret(config: &ServerConfig) -> anyhow::Result<Vec<u8>> {
    if let Ok(from_env) = std::env::var("YC_PAYMENT_SECRET") {
        return Ok(from_env.into_bytes());
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let path = config.data_dir.join("payment-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    use rand::RngCore;
    let mut raw = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = hex::encode(raw);
    std::fs::write(&path, &secret)?;
    Ok(secret.into_bytes())
}

pub async fn build_services(
    config: &ServerConfig,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Services> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let store = open_store(config).await?;
    let master = master_secret(config)?;
    let payments = PaymentGateway::sandbox(&master);
    let carrier_secret = yc_services::payments::sign(&master, "carrier:sandbox");
    let carriers = CarrierRegistry::sandbox(carrier_secret.as_bytes());
    let mut service_config = config.services.clone();
    service_config
        .media_dir
        .get_or_insert_with(|| config.data_dir.join("media"));
    let search = SearchEngine::on_disk(config.data_dir.join("search"));
    Ok(Services::new(store, clock, service_config, payments)
        .with_carriers(carriers)
        .with_search(search))
}

pub fn app(services: Services, config: &ServerConfig) -> Router {
    crate::telemetry::prometheus();
    Router::new()
        .merge(yc_api::router(services.clone()))
        .merge(yc_web::router(services))
        .route("/metrics", axum::routing::get(crate::telemetry::render))
        .layer(axum::middleware::from_fn(crate::telemetry::track))
        .nest_service("/assets", ServeDir::new(&config.assets_dir))
        .nest_service("/media", ServeDir::new(config.data_dir.join("media")))
}

/// One serving process per SQLite data dir, held until the server stops.
/// Why: the SQLite store's flash ledgers and default-address map are exact
/// only while one process places flash orders and writes addresses in the
/// file (store-sqlite `flash_ledger`, `default_addresses`); several nodes
/// share PostgreSQL instead. Setup tools (`seed`, `bench --url`) may still
/// open the store beside a server.
fn lock_data_dir(config: &ServerConfig) -> anyhow::Result<Option<std::fs::File>> {
    if !matches!(config.database, Database::Sqlite) {
        return Ok(None);
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let path = config.data_dir.join("serve.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another yellowcart is already serving {}: one server per SQLite data dir \
             (run several nodes on PostgreSQL)",
            config.data_dir.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", path.display()))
        }
    }
}

/// Binds, seeds if asked, and serves in the background.
pub async fn start(config: ServerConfig) -> anyhow::Result<Running> {
    start_with_clock(config, Arc::new(SystemClock)).await
}

pub async fn start_with_clock(
    config: ServerConfig,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("binding {}", config.addr))?;
    let addr = listener.local_addr()?;
    let serving = lock_data_dir(&config)?;
    let mut services = build_services(&config, clock).await?;
    let link = match &config.nats {
        Some(nats) => {
            let link = yc_bus_nats::NatsLink::connect(nats).await?;
            services = services.with_link(link.clone());
            Some(link)
        }
        None => None,
    };
    let demo = if config.seed_demo {
        seed(&services, config.progress).await?
    } else {
        None
    };
    let (shutdown, rx) = watch::channel(false);
    let inbound = match link {
        Some(link) => Some(yc_bus_nats::run_inbound(link, services.clone(), rx.clone()).await?),
        None => None,
    };
    let worker = tokio::spawn(
        services
            .clone()
            .job_worker(Duration::from_millis(config.job_poll_ms), rx.clone()),
    );
    let feed = tokio::spawn(yc_services::feed::feed_worker(services.clone(), rx.clone()));
    let search = tokio::spawn(yc_services::search::search_worker(
        services.clone(),
        rx.clone(),
    ));
    // Handlers become routes once, here: axum's default per-connection
    // service re-converts every route of the router for each new
    // connection (thousands of allocations each), which stalled a live
    // room's first second while its viewers connected.
    let router = app(services.clone(), &config)
        .with_state(())
        .into_make_service();
    let mut rx_http = rx;
    let live = services.live.clone();
    let handle = tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
            let _ = rx_http.changed().await;
            // Graceful shutdown waits for open connections; live event
            // streams would keep it waiting forever.
            live.close_all();
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "server stopped");
        }
        let _ = worker.await;
        let _ = feed.await;
        let _ = search.await;
        if let Some(inbound) = inbound {
            let _ = inbound.await;
        }
        drop(serving);
    });
    info!(%addr, "yellowcart listening");
    Ok(Running {
        addr,
        services,
        demo,
        shutdown,
        handle,
    })
}

/// Loads the demo world if the catalog is empty, with a progress bar.
pub async fn seed(services: &Services, progress: bool) -> anyhow::Result<Option<DemoAccounts>> {
    let bar = if progress {
        let bar = indicatif::ProgressBar::new(yc_services::demo::seed_steps());
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} 加载演示数据 seeding demo world [{bar:30}] {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let tick = |msg: &str| {
        bar.set_message(msg.to_owned());
        bar.inc(1);
    };
    let accounts = services
        .seed_demo(&tick)
        .await
        .map_err(|e| anyhow::anyhow!("seeding demo world: {e}"))?;
    bar.finish_and_clear();
    Ok(accounts)
}

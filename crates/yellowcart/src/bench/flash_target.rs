//! Where `bench flash-sale` sends its load: servers it starts itself on a
//! throwaway store, or servers already running (`--url`).
//!
//! Against running servers the fixtures (a shop, the sale, thousands of
//! buyers with sessions and addresses) are written straight into their
//! store — registering each buyer over HTTP would spend ~20 minutes in
//! argon2 — so the bench needs the same store settings the servers use
//! (`--data-dir` for SQLite, which SQLite lets two processes share, or
//! `--database-url`). The servers read all of it from the store on
//! first use: sale, product, session, address.

use anyhow::{Context, bail};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yc_services::payments::PaymentGateway;
use yc_services::{Services, SystemClock};

use super::flash::FlashBench;
use crate::config::{Database, ServerConfig};
use crate::server::{self, Running};

/// The servers under load and a handle on their store for fixtures and
/// the final count.
pub struct Target {
    pub addrs: Vec<SocketAddr>,
    pub services: Services,
    database: Database,
    own: Vec<Running>,
    /// The run's NATS prefix, whose stream goes with the run.
    nats: Option<yc_bus_nats::NatsConfig>,
}

impl Target {
    pub async fn open(opts: &FlashBench, scratch: &Path) -> anyhow::Result<Target> {
        if opts.urls.is_empty() {
            own_nodes(opts, scratch).await
        } else {
            running(opts).await
        }
    }

    /// Stops the servers this run started and drops their throwaway
    /// schema; servers given by `--url` keep running and keep their data.
    pub async fn finish(self) {
        let started = !self.own.is_empty();
        for n in self.own {
            n.stop().await;
        }
        if started {
            super::fixtures::drop_bench_schema(&self.database).await;
        }
        if let Some(nats) = &self.nats {
            let dropped = match yc_bus_nats::NatsLink::connect(nats).await {
                Ok(link) => link.delete_stream().await,
                Err(e) => Err(e),
            };
            if let Err(e) = dropped {
                eprintln!("could not delete the bench's NATS stream: {e:#}");
            }
        }
    }
}

async fn own_nodes(opts: &FlashBench, dir: &Path) -> anyhow::Result<Target> {
    let database = match opts.db.as_str() {
        "sqlite" if opts.nodes == 1 => Database::Sqlite,
        "sqlite" => bail!(
            "SQLite is one node; use --db postgres for --nodes {}",
            opts.nodes
        ),
        "postgres" => Database::Postgres {
            url: opts
                .database_url
                .clone()
                .context("--database-url (or YC_DATABASE_URL) is needed for --db postgres")?,
            max_connections: 16,
            schema: Some(format!("bench_{}", uuid::Uuid::now_v7().simple())),
        },
        other => bail!("--db must be sqlite or postgres, not {other}"),
    };
    let nats = match &opts.nats_url {
        Some(url) => Some(yc_bus_nats::NatsConfig {
            url: url.clone(),
            prefix: yc_bus_nats::Prefix::throwaway("bench").map_err(anyhow::Error::msg)?,
        }),
        None => None,
    };
    let mut own = Vec::new();
    for _ in 0..opts.nodes.max(1) {
        let mut config = ServerConfig::new("127.0.0.1:0".parse()?, dir.to_path_buf());
        config.database = database.clone();
        config.seed_demo = false;
        config.nats = nats.clone();
        own.push(server::start(config).await?);
    }
    let services = own.first().map(|n| n.services.clone()).context("no node")?;
    Ok(Target {
        addrs: own.iter().map(|n| n.addr).collect(),
        services,
        database,
        own,
        nats,
    })
}

async fn running(opts: &FlashBench) -> anyhow::Result<Target> {
    let mut addrs = Vec::new();
    for url in &opts.urls {
        addrs.push(resolve(url).await?);
    }
    let database = match &opts.database_url {
        Some(url) => Database::Postgres {
            url: url.clone(),
            max_connections: 16,
            schema: opts.database_schema.clone(),
        },
        None => Database::Sqlite,
    };
    let data_dir = opts
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("data"));
    if matches!(database, Database::Sqlite) && !data_dir.join("yellowcart.db").is_file() {
        bail!(
            "--url needs the servers' store: no {} (pass --data-dir of the SQLite server, or --database-url)",
            data_dir.join("yellowcart.db").display()
        );
    }
    let mut config = ServerConfig::new("127.0.0.1:0".parse()?, data_dir);
    config.database = database.clone();
    let store = server::open_store(&config).await?;
    // Fixtures never take payments; the servers keep their own secret.
    let services = Services::new(
        store,
        Arc::new(SystemClock),
        config.services.clone(),
        PaymentGateway::sandbox(b"bench-fixtures-only"),
    );
    Ok(Target {
        addrs,
        services,
        database,
        own: Vec::new(),
        nats: None,
    })
}

/// `http://host:port` (plain HTTP/1.1: the load generator speaks no TLS).
async fn resolve(url: &str) -> anyhow::Result<SocketAddr> {
    let Some(rest) = url.strip_prefix("http://") else {
        bail!("--url {url}: only http:// URLs are supported");
    };
    let host = rest.split('/').next().unwrap_or(rest);
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:80")
    };
    tokio::net::lookup_host(&host)
        .await
        .with_context(|| format!("resolving {host}"))?
        .next()
        .with_context(|| format!("{host} has no address"))
}

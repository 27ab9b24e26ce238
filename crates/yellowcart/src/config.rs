use std::net::SocketAddr;
use std::path::PathBuf;

/// Which database backs the store.
#[derive(Debug, Clone)]
pub enum Database {
    /// One SQLite file under the data dir (the embedded default).
    Sqlite,
    /// A PostgreSQL URL (scale-out: several nodes may share it).
    Postgres {
        url: String,
        max_connections: u32,
        /// Use (and create) this schema instead of the default search path:
        /// benchmarks and tests get an isolated world in a shared database.
        schema: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database: Database,
    /// Where `/assets` (demo media) is served from.
    pub assets_dir: PathBuf,
    /// Load the demo world when the catalog is empty.
    pub seed_demo: bool,
    pub services: yc_services::Config,
    /// How often the job worker looks for due jobs scheduled by other nodes.
    pub job_poll_ms: u64,
    /// Show a progress bar while seeding (off in tests).
    pub progress: bool,
    /// The NATS link to the other nodes; `None`: events stay in process.
    pub nats: Option<yc_bus_nats::NatsConfig>,
}

impl ServerConfig {
    /// Defaults for a data dir: SQLite, demo world, port from `addr`.
    pub fn new(addr: SocketAddr, data_dir: PathBuf) -> Self {
        ServerConfig {
            addr,
            data_dir,
            database: Database::Sqlite,
            assets_dir: default_assets_dir(),
            seed_demo: true,
            services: yc_services::Config::default(),
            job_poll_ms: 500,
            progress: false,
            nats: None,
        }
    }
}

/// `./assets` when run from the repository root, else the repository's
/// assets next to this crate (so `cargo run` works from anywhere in it).
pub fn default_assets_dir() -> PathBuf {
    let local = PathBuf::from("assets");
    if local.join("demo").is_dir() {
        return local;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets"))
}

//! Helpers shared by this crate's integration tests: the database URL from
//! the environment and throwaway schemas that are dropped afterwards.

use std::sync::Arc;

use yc_store::Store;
use yc_store_conformance::Fresh;
use yc_store_postgres::PgStore;

pub const URL_VAR: &str = "YC_TEST_POSTGRES_URL";

/// The test database, or `None` (after a skip note) when it is not set.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var(URL_VAR).ok().filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("skipped: set {URL_VAR} to run the PostgreSQL tests");
    }
    url
}

/// A schema name no other test or run uses.
pub fn fresh_schema() -> String {
    format!("t_{}", uuid::Uuid::now_v7().simple())
}

/// Drops a test schema when dropped (also when the test panicked). Drop
/// cannot await, and the test's runtime may be single-threaded and busy
/// dropping us, so the drop runs on its own thread with its own runtime and
/// its own connection (`drop_schema` also terminates the test's leftover
/// sessions, so one left idle in a transaction cannot block it).
pub struct DropSchema {
    pub url: String,
    pub schema: String,
}

impl Drop for DropSchema {
    fn drop(&mut self) {
        let (url, schema) = (self.url.clone(), self.schema.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let store = PgStore::connect_in_schema(&url, &schema, 1).await?;
                store.drop_schema().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test schema {}: {dropped:?}", self.schema);
        }
    }
}

/// A fresh, migrated store in its own schema, for the conformance suite.
#[allow(dead_code)] // not every test file uses every helper
pub async fn fresh(url: String) -> Fresh {
    let schema = fresh_schema();
    let store = PgStore::connect_in_schema(&url, &schema, 8)
        .await
        .expect("connect to the test database");
    let store: Arc<dyn Store> = Arc::new(store);
    Fresh::with_guard(store, DropSchema { url, schema })
}

//! The shared store conformance suite, run against a fresh SQLite file per
//! case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use yc_store_conformance::{Fresh, conformance_tests};
use yc_store_sqlite::SqliteStore;

/// A new database in its own temporary directory; the directory lives as
/// long as the store (it is the `Fresh` guard).
async fn fresh_sqlite() -> Fresh {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("nested/dir/yellowcart.db"))
        .await
        .expect("open sqlite store");
    Fresh::with_guard(Arc::new(store), dir)
}

conformance_tests!(fresh_sqlite());

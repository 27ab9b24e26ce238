//! The backend-neutral conformance suite, run against PostgreSQL.
//!
//! Needs `YC_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`);
//! without it every case passes at once, after printing a skip note. Each
//! case gets a fresh schema `t_<uuid>`, dropped when the case ends (also
//! when it fails).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use yc_store_conformance::conformance_tests;

// The factory is spliced into each generated test as `($factory).await`: the
// `return` below leaves that test early (passing) when no database is set.
conformance_tests!({
    let Some(url) = common::postgres_url() else {
        return;
    };
    common::fresh(url)
});

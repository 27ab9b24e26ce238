//! API tests over real HTTP against a server on port 0 with a fresh
//! SQLite data dir: problem+json errors, idempotency, ownership, paging,
//! callbacks, OpenAPI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod account;
mod aftersales;
mod discovery;
mod docs;
mod media;
mod orders;

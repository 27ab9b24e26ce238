//! The story suite: whole use cases through `Services`, on SQLite always
//! and on PostgreSQL when `YC_TEST_POSTGRES_URL` is set. Each story gets a
//! fresh database (a temp file, or a fresh schema) and a settable clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

mod aftersales;
mod aftersales_kit;
mod aftersales_more;
mod aftersales_races;
mod callbacks;
mod concurrency;
mod discovery;
mod expiry;
mod flash;
mod flow;
mod fulfilment;
mod idempotency;
mod ownership;
mod relay;
mod sessions;

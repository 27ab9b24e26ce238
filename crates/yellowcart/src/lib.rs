//! The yellowcart binary's library half: configuration, wiring the store,
//! services and routers together, and the benchmarks. `main.rs` only
//! parses the command line.

pub mod bench;
pub mod config;
pub mod eval;
pub mod server;
pub mod telemetry;

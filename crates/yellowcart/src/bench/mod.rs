//! Benchmarks. Each prints its figures and ends with one JSON line.

pub mod checkout;
mod countdown;
pub mod discovery;
pub mod fixtures;
pub mod flash;
mod flash_target;
mod http1;
pub mod load;

pub use checkout::{CheckoutBench, checkout};

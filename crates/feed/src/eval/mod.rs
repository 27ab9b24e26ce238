//! Offline evaluation of the feed against two baselines (the platform
//! exposes it as `yellowcart eval feed`). See `protocol` for the split,
//! `metrics` for the definitions, `synthetic` for the default world and
//! `interactions` for running on a public interactions file.

mod baselines;
mod behaviour;
mod csv;
mod dataset;
pub mod interactions;
mod metrics;
mod protocol;
mod report;
pub mod synthetic;
mod world;

pub use dataset::Dataset;
pub use interactions::{CsvError, load_interactions, parse_interactions};
pub use protocol::{EvalConfig, evaluate};
pub use report::{EvalReport, MethodMetrics};
pub use synthetic::{Population, PopulationConfig, SyntheticUser, population};

/// The default synthetic run: world from `world`, protocol from `cfg`.
pub fn run_synthetic(world: &PopulationConfig, cfg: &EvalConfig) -> EvalReport {
    let pop = population(world);
    evaluate(&Dataset::from_population(&pop), cfg)
}

//! Fulfilment: merchants ship paid orders, carriers report tracking, the
//! order page shows the timeline and an ETA learned from the lane's history.

pub mod carrier;
mod eta;
pub mod sandbox;
mod ship;
mod tracking;

pub use carrier::{Carrier, CarrierCallback, CarrierError, CarrierRegistry, ParcelRegistration};
pub use eta::{ParcelView, TrackingView};
pub use sandbox::{CARRIER_EMIT_JOB, SANDBOX_CODE, SandboxCarrier};
pub use ship::ShipInput;
pub use tracking::{AUTO_COMPLETE_JOB, carrier_emit_job};

use yc_domain::ValidationError;
use yc_domain::fulfilment::Province;

/// Where a shipping address is, as a province, or a clear refusal: lanes
/// (and so ETAs and prices) need one.
pub(crate) fn province_of(field: &'static str, region: &str) -> Result<Province, ValidationError> {
    Province::from_region_text(region).ok_or_else(|| {
        ValidationError::new(
            field,
            "unknown_province",
            "the region does not start with a mainland province",
        )
    })
}

//! A parcel handed to a carrier: the order's outbound parcel, or the
//! buyer's return parcel of an after-sales request. Its tracking events are
//! append-only and accepted in strictly increasing `seq` order.

use super::province::Lane;
use super::tracking::{TrackingEvent, TrackingStatus};
use super::waybill::Waybill;
use crate::{AfterSalesId, OrderId, ShipmentId, Timestamp};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Merchant → buyer.
    Outbound,
    /// Buyer → merchant, for an after-sales request.
    Return,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "outbound",
            Direction::Return => "return",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "outbound" => Some(Direction::Outbound),
            "return" => Some(Direction::Return),
            _ => None,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub id: ShipmentId,
    pub order_id: OrderId,
    pub request_id: Option<AfterSalesId>,
    pub direction: Direction,
    pub carrier: String,
    pub tracking_no: String,
    pub lane: Lane,
    /// Masked (隐私面单): the only recipient shape stored with the parcel.
    pub waybill: Waybill,
    pub shipped_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
    /// Oldest first.
    pub events: Vec<TrackingEvent>,
}

impl Shipment {
    /// The highest seq accepted so far; the replay guard.
    pub fn last_seq(&self) -> Option<u32> {
        self.events.iter().map(|e| e.seq).max()
    }

    pub fn picked_up(&self) -> bool {
        self.events
            .iter()
            .any(|e| e.status == TrackingStatus::PickedUp)
    }
}

/// The sandbox carrier's per-parcel seed: a stable FNV-1a hash of the
/// tracking number, so a parcel's whole schedule can be recomputed from
/// what is stored.
pub fn tracking_seed(tracking_no: &str) -> u64 {
    tracking_no.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

//! Shipment and tracking-event rows → domain parcels.

use std::collections::HashMap;

use sqlx::PgExecutor;
use uuid::Uuid;
use yc_domain::Timestamp;
use yc_domain::fulfilment::{Direction, Lane, Shipment, TrackingEvent};
use yc_store::StoreResult;

use crate::codec::{enum_parse, from_json, small};
use crate::error::{corrupt, db_err};

macro_rules! shipment_columns {
    () => {
        "id, order_id, request_id, direction, carrier, tracking_no, origin, destination, \
         waybill::text AS waybill, shipped_at, delivered_at"
    };
}
pub(crate) use shipment_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct ShipmentRow {
    id: Uuid,
    order_id: Uuid,
    request_id: Option<Uuid>,
    direction: String,
    carrier: String,
    tracking_no: String,
    origin: String,
    destination: String,
    waybill: String,
    shipped_at: i64,
    delivered_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    shipment_id: Uuid,
    seq: i32,
    status: String,
    at: i64,
    city: String,
}

impl EventRow {
    fn into_event(self) -> StoreResult<TrackingEvent> {
        Ok(TrackingEvent {
            seq: small(self.seq, "tracking_events.seq")?,
            status: from_json(&self.status, "tracking_events.status")?,
            at: Timestamp(self.at),
            city: self.city,
        })
    }
}

impl ShipmentRow {
    fn into_shipment(self, events: Vec<TrackingEvent>) -> StoreResult<Shipment> {
        Ok(Shipment {
            id: self.id.into(),
            order_id: self.order_id.into(),
            request_id: self.request_id.map(Into::into),
            direction: Direction::parse(&self.direction)
                .ok_or_else(|| corrupt("shipments.direction"))?,
            carrier: self.carrier,
            tracking_no: self.tracking_no,
            lane: Lane::new(
                enum_parse(&self.origin, "shipments.origin")?,
                enum_parse(&self.destination, "shipments.destination")?,
            ),
            waybill: from_json(&self.waybill, "shipments.waybill")?,
            shipped_at: Timestamp(self.shipped_at),
            delivered_at: self.delivered_at.map(Timestamp),
            events,
        })
    }
}

/// Loads the events of every parcel in `rows` (one query) and builds the
/// parcels, keeping the order of `rows`; events oldest (lowest seq) first.
pub(crate) async fn with_events<'c>(
    ex: impl PgExecutor<'c>,
    rows: Vec<ShipmentRow>,
) -> StoreResult<Vec<Shipment>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let event_rows: Vec<EventRow> = sqlx::query_as(
        "SELECT shipment_id, seq, status::text AS status, at, city FROM tracking_events \
         WHERE shipment_id = ANY($1) ORDER BY shipment_id, seq",
    )
    .bind(ids)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    let mut events: HashMap<Uuid, Vec<TrackingEvent>> = HashMap::new();
    for row in event_rows {
        events
            .entry(row.shipment_id)
            .or_default()
            .push(row.into_event()?);
    }
    rows.into_iter()
        .map(|row| {
            let own = events.remove(&row.id).unwrap_or_default();
            row.into_shipment(own)
        })
        .collect()
}

//! FulfilmentStore: shipments and their tracking events.

use async_trait::async_trait;
use sqlx::{FromRow, SqliteConnection};
use uuid::fmt::Hyphenated;
use yc_domain::fulfilment::{Lane, LaneClass, Shipment, TrackingEvent};
use yc_domain::{MerchantId, OrderId, ShipmentId, Timestamp};
use yc_store::{
    FulfilmentStore, ShipWrite, StoreResult, TrackingOutcome, TrackingWrite, TransitionOutcome,
};

use crate::SqliteStore;
use crate::error::from_sqlx;
use crate::ops::insert_job;
use crate::order_writes::{insert_outbox, transition};
use crate::rows::{corrupt, from_json, id, small};
use crate::sql::{Key, Tx, begin_read, begin_write, enum_parse, enum_str, finish, to_json};

macro_rules! shipment_columns {
    () => {
        "id, order_id, request_id, direction, carrier, tracking_no, origin, destination, \
         waybill, shipped_at, delivered_at"
    };
}

#[derive(FromRow)]
pub(crate) struct ShipmentRow {
    id: Hyphenated,
    order_id: Hyphenated,
    request_id: Option<Hyphenated>,
    direction: String,
    carrier: String,
    tracking_no: String,
    origin: String,
    destination: String,
    waybill: String,
    shipped_at: i64,
    delivered_at: Option<i64>,
}

#[derive(FromRow)]
struct EventRow {
    seq: i64,
    status: String,
    at: i64,
    city: String,
}

#[async_trait]
impl FulfilmentStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn ship_order(&self, write: &ShipWrite) -> StoreResult<TransitionOutcome> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = ship(&mut tx, write).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_shipment(&self, id: ShipmentId) -> StoreResult<Option<Shipment>> {
        let mut tx = begin_read(&self.read).await?;
        let row: Option<ShipmentRow> = sqlx::query_as(concat!(
            "SELECT ",
            shipment_columns!(),
            " FROM shipments WHERE id = ?"
        ))
        .bind(id.key())
        .fetch_optional(&mut *tx)
        .await
        .map_err(from_sqlx)?;
        let outcome = with_events(&mut tx, row.into_iter().collect()).await;
        finish(tx, outcome.map(|mut v| v.pop())).await
    }

    #[tracing::instrument(skip_all)]
    async fn shipment_by_tracking(
        &self,
        carrier: &str,
        tracking_no: &str,
    ) -> StoreResult<Option<Shipment>> {
        let mut tx = begin_read(&self.read).await?;
        let row: Option<ShipmentRow> = sqlx::query_as(concat!(
            "SELECT ",
            shipment_columns!(),
            " FROM shipments WHERE carrier = ? AND tracking_no = ?"
        ))
        .bind(carrier)
        .bind(tracking_no)
        .fetch_optional(&mut *tx)
        .await
        .map_err(from_sqlx)?;
        let outcome = with_events(&mut tx, row.into_iter().collect()).await;
        finish(tx, outcome.map(|mut v| v.pop())).await
    }

    #[tracing::instrument(skip_all)]
    async fn order_shipments(&self, order: OrderId) -> StoreResult<Vec<Shipment>> {
        let mut tx = begin_read(&self.read).await?;
        let rows: Vec<ShipmentRow> = sqlx::query_as(concat!(
            "SELECT ",
            shipment_columns!(),
            " FROM shipments WHERE order_id = ? \
             ORDER BY direction = 'return', shipped_at, id"
        ))
        .bind(order.key())
        .fetch_all(&mut *tx)
        .await
        .map_err(from_sqlx)?;
        let outcome = with_events(&mut tx, rows).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn orders_to_ship(&self, merchant: MerchantId, limit: u32) -> StoreResult<Vec<OrderId>> {
        let rows: Vec<Hyphenated> = sqlx::query_scalar(
            "SELECT id FROM orders WHERE merchant_id = ? AND status = 'paid' \
             ORDER BY created_at, id LIMIT ?",
        )
        .bind(merchant.key())
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        Ok(rows.into_iter().map(id).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn record_tracking(&self, write: &TrackingWrite) -> StoreResult<TrackingOutcome> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = track(&mut tx, write).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn lane_samples(
        &self,
        lane: Lane,
        limit: u32,
    ) -> StoreResult<Vec<(Timestamp, Timestamp)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT shipped_at, delivered_at FROM shipments \
             WHERE origin = ? AND destination = ? \
               AND direction = 'outbound' AND delivered_at IS NOT NULL \
             ORDER BY delivered_at DESC LIMIT ?",
        )
        .bind(enum_str(&lane.origin)?)
        .bind(enum_str(&lane.destination)?)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        Ok(pairs(rows))
    }

    #[tracing::instrument(skip_all)]
    async fn class_samples(
        &self,
        class: LaneClass,
        limit: u32,
    ) -> StoreResult<Vec<(Timestamp, Timestamp)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT shipped_at, delivered_at FROM shipments \
             WHERE lane_class = ? AND direction = 'outbound' AND delivered_at IS NOT NULL \
             ORDER BY delivered_at DESC LIMIT ?",
        )
        .bind(enum_str(&class)?)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        Ok(pairs(rows))
    }
}

fn pairs(rows: Vec<(i64, i64)>) -> Vec<(Timestamp, Timestamp)> {
    rows.into_iter()
        .map(|(s, d)| (Timestamp(s), Timestamp(d)))
        .collect()
}

async fn ship(conn: &mut SqliteConnection, write: &ShipWrite) -> StoreResult<TransitionOutcome> {
    let outcome = transition(conn, &write.transition).await?;
    if outcome != TransitionOutcome::Applied {
        return Ok(outcome);
    }
    insert_shipment(conn, &write.shipment).await?;
    for job in &write.jobs {
        insert_job(conn, job).await?;
    }
    Ok(outcome)
}

pub(crate) async fn insert_shipment(conn: &mut SqliteConnection, s: &Shipment) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO shipments (id, order_id, request_id, direction, carrier, tracking_no, \
         origin, destination, lane_class, waybill, shipped_at, delivered_at, last_seq) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)",
    )
    .bind(s.id.key())
    .bind(s.order_id.key())
    .bind(s.request_id.map(|r| r.key()))
    .bind(s.direction.as_str())
    .bind(&s.carrier)
    .bind(&s.tracking_no)
    .bind(enum_str(&s.lane.origin)?)
    .bind(enum_str(&s.lane.destination)?)
    .bind(enum_str(&s.lane.class())?)
    .bind(to_json(&s.waybill)?)
    .bind(s.shipped_at.millis())
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

async fn track(conn: &mut SqliteConnection, write: &TrackingWrite) -> StoreResult<TrackingOutcome> {
    let moved = sqlx::query(
        "UPDATE shipments SET last_seq = ?, delivered_at = COALESCE(?, delivered_at) \
         WHERE id = ? AND last_seq = ?",
    )
    .bind(i64::from(write.event.seq))
    .bind(write.delivered_at.map(Timestamp::millis))
    .bind(write.shipment_id.key())
    .bind(i64::from(write.expected_last_seq))
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?
    .rows_affected();
    if moved == 0 {
        let last: Option<i64> = sqlx::query_scalar("SELECT last_seq FROM shipments WHERE id = ?")
            .bind(write.shipment_id.key())
            .fetch_optional(&mut *conn)
            .await
            .map_err(from_sqlx)?;
        let last = last.ok_or(yc_store::StoreError::NotFound)?;
        return Ok(TrackingOutcome::SeqWas(small(last, "shipments.last_seq")?));
    }
    let e = &write.event;
    sqlx::query(
        "INSERT INTO tracking_events (shipment_id, seq, status, at, city) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(write.shipment_id.key())
    .bind(i64::from(e.seq))
    .bind(to_json(&e.status)?)
    .bind(e.at.millis())
    .bind(&e.city)
    .execute(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    if let Some(order) = &write.order {
        // A parcel delivered for an order that moved on (e.g. refunded in
        // full) still records its events; the order keeps its status.
        transition(conn, order).await?;
    }
    for job in &write.jobs {
        insert_job(conn, job).await?;
    }
    insert_outbox(conn, &write.outbox).await?;
    Ok(TrackingOutcome::Applied)
}

/// Loads every shipment's events in one query and assembles them.
pub(crate) async fn with_events(tx: &mut Tx, rows: Vec<ShipmentRow>) -> StoreResult<Vec<Shipment>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let events: Vec<EventRow> = sqlx::query_as(
            "SELECT seq, status, at, city FROM tracking_events WHERE shipment_id = ? ORDER BY seq",
        )
        .bind(row.id)
        .fetch_all(&mut **tx)
        .await
        .map_err(from_sqlx)?;
        let events = events
            .into_iter()
            .map(|e| {
                Ok(TrackingEvent {
                    seq: small(e.seq, "tracking_events.seq")?,
                    status: from_json(&e.status, "tracking_events.status")?,
                    at: Timestamp(e.at),
                    city: e.city,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        out.push(Shipment {
            id: id(row.id),
            order_id: id(row.order_id),
            request_id: row.request_id.map(id),
            direction: yc_domain::fulfilment::Direction::parse(&row.direction)
                .ok_or_else(|| corrupt("shipments.direction"))?,
            carrier: row.carrier,
            tracking_no: row.tracking_no,
            lane: Lane::new(
                enum_parse(&row.origin, "shipments.origin")?,
                enum_parse(&row.destination, "shipments.destination")?,
            ),
            waybill: from_json(&row.waybill, "shipments.waybill")?,
            shipped_at: Timestamp(row.shipped_at),
            delivered_at: row.delivered_at.map(Timestamp),
            events,
        });
    }
    Ok(out)
}

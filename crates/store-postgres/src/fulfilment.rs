//! FulfilmentStore: shipping orders, parcels and their tracking events.
//!
//! Races are decided by guarded updates: `ship_order` by the order's
//! `paid → shipped` move, `record_tracking` by `shipments.last_seq` (the
//! database half of the replay guard); the unique keys refuse a reused
//! tracking number and a second outbound parcel.

use async_trait::async_trait;
use sqlx::PgConnection;
use uuid::Uuid;
use yc_domain::fulfilment::{Lane, LaneClass, Shipment};
use yc_domain::{MerchantId, OrderId, ShipmentId, Timestamp};
use yc_store::{
    FulfilmentStore, ShipWrite, StoreError, StoreResult, TrackingOutcome, TrackingWrite,
    TransitionOutcome,
};

use crate::PgStore;
use crate::codec::{enum_str, small, to_json};
use crate::error::db_err;
use crate::ops::{insert_job, insert_outbox};
use crate::orders::apply_transition;
use crate::shipment_rows::{ShipmentRow, shipment_columns, with_events};

#[async_trait]
impl FulfilmentStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn ship_order(&self, write: &ShipWrite) -> StoreResult<TransitionOutcome> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let outcome = apply_transition(&mut tx, &write.transition).await?;
        if outcome != TransitionOutcome::Applied {
            return Ok(outcome);
        }
        insert_shipment(&mut tx, &write.shipment).await?;
        for job in &write.jobs {
            insert_job(&mut *tx, job).await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(outcome)
    }

    #[tracing::instrument(skip_all)]
    async fn get_shipment(&self, id: ShipmentId) -> StoreResult<Option<Shipment>> {
        let row: Option<ShipmentRow> = sqlx::query_as(concat!(
            "SELECT ",
            shipment_columns!(),
            " FROM shipments WHERE id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(with_events(&self.pool, row.into_iter().collect())
            .await?
            .pop())
    }

    #[tracing::instrument(skip_all)]
    async fn shipment_by_tracking(
        &self,
        carrier: &str,
        tracking_no: &str,
    ) -> StoreResult<Option<Shipment>> {
        let row: Option<ShipmentRow> = sqlx::query_as(concat!(
            "SELECT ",
            shipment_columns!(),
            " FROM shipments WHERE carrier = $1 AND tracking_no = $2"
        ))
        .bind(carrier)
        .bind(tracking_no)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(with_events(&self.pool, row.into_iter().collect())
            .await?
            .pop())
    }

    #[tracing::instrument(skip_all)]
    async fn order_shipments(&self, order: OrderId) -> StoreResult<Vec<Shipment>> {
        let rows: Vec<ShipmentRow> = sqlx::query_as(concat!(
            "SELECT ",
            shipment_columns!(),
            " FROM shipments WHERE order_id = $1 \
             ORDER BY direction = 'return', shipped_at, id"
        ))
        .bind(order.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        with_events(&self.pool, rows).await
    }

    #[tracing::instrument(skip_all)]
    async fn orders_to_ship(&self, merchant: MerchantId, limit: u32) -> StoreResult<Vec<OrderId>> {
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM orders WHERE merchant_id = $1 AND status = 'paid' \
             ORDER BY created_at, id LIMIT $2",
        )
        .bind(merchant.as_uuid())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(ids.into_iter().map(Into::into).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn record_tracking(&self, write: &TrackingWrite) -> StoreResult<TrackingOutcome> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let outcome = track(&mut tx, write).await?;
        if outcome == TrackingOutcome::Applied {
            tx.commit().await.map_err(db_err)?;
        }
        Ok(outcome)
    }

    #[tracing::instrument(skip_all)]
    async fn lane_samples(
        &self,
        lane: Lane,
        limit: u32,
    ) -> StoreResult<Vec<(Timestamp, Timestamp)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT shipped_at, delivered_at FROM shipments \
             WHERE origin = $1 AND destination = $2 \
               AND direction = 'outbound' AND delivered_at IS NOT NULL \
             ORDER BY delivered_at DESC LIMIT $3",
        )
        .bind(enum_str(&lane.origin)?)
        .bind(enum_str(&lane.destination)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
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
             WHERE lane_class = $1 AND direction = 'outbound' AND delivered_at IS NOT NULL \
             ORDER BY delivered_at DESC LIMIT $2",
        )
        .bind(enum_str(&class)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(pairs(rows))
    }
}

fn pairs(rows: Vec<(i64, i64)>) -> Vec<(Timestamp, Timestamp)> {
    rows.into_iter()
        .map(|(s, d)| (Timestamp(s), Timestamp(d)))
        .collect()
}

/// A new parcel, with no events yet. `Duplicate { field: "tracking_no" }`
/// for a reused (carrier, tracking_no), `Duplicate { field: "shipment" }`
/// for a second outbound parcel of one order.
pub(crate) async fn insert_shipment(conn: &mut PgConnection, s: &Shipment) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO shipments (id, order_id, request_id, direction, carrier, tracking_no, \
         origin, destination, lane_class, waybill, shipped_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)",
    )
    .bind(s.id.as_uuid())
    .bind(s.order_id.as_uuid())
    .bind(s.request_id.map(|r| r.as_uuid()))
    .bind(s.direction.as_str())
    .bind(&s.carrier)
    .bind(&s.tracking_no)
    .bind(enum_str(&s.lane.origin)?)
    .bind(enum_str(&s.lane.destination)?)
    .bind(enum_str(&s.lane.class())?)
    .bind(to_json(&s.waybill)?)
    .bind(s.shipped_at.millis())
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The guarded `last_seq` move decides which of two events carrying the
/// same expected seq is kept; the loser writes nothing.
async fn track(conn: &mut PgConnection, write: &TrackingWrite) -> StoreResult<TrackingOutcome> {
    let moved = sqlx::query(
        "UPDATE shipments SET last_seq = $3, delivered_at = COALESCE($4, delivered_at) \
         WHERE id = $1 AND last_seq = $2",
    )
    .bind(write.shipment_id.as_uuid())
    .bind(i64::from(write.expected_last_seq))
    .bind(i64::from(write.event.seq))
    .bind(write.delivered_at.map(Timestamp::millis))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?
    .rows_affected();
    if moved == 0 {
        let last: Option<i32> = sqlx::query_scalar("SELECT last_seq FROM shipments WHERE id = $1")
            .bind(write.shipment_id.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?;
        let last = last.ok_or(StoreError::NotFound)?;
        return Ok(TrackingOutcome::SeqWas(small(last, "shipments.last_seq")?));
    }
    let e = &write.event;
    sqlx::query(
        "INSERT INTO tracking_events (shipment_id, seq, status, at, city) \
         VALUES ($1, $2, $3::jsonb, $4, $5)",
    )
    .bind(write.shipment_id.as_uuid())
    .bind(i64::from(e.seq))
    .bind(to_json(&e.status)?)
    .bind(e.at.millis())
    .bind(&e.city)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    if let Some(order) = &write.order {
        // A parcel delivered for an order that moved on (e.g. refunded in
        // full) still records its events; the order keeps its status.
        apply_transition(conn, order).await?;
    }
    for job in &write.jobs {
        insert_job(&mut *conn, job).await?;
    }
    insert_outbox(&mut *conn, &write.outbox).await?;
    Ok(TrackingOutcome::Applied)
}

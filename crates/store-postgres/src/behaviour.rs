//! BehaviourStore: the append-only event log.

use async_trait::async_trait;
use sqlx::FromRow;
use uuid::Uuid;
use yc_domain::behaviour::{Actor, BehaviourEvent, EventKind};
use yc_domain::{Timestamp, UserId, VideoId};
use yc_store::{BehaviourStore, StoreResult};

use crate::PgStore;
use crate::error::{corrupt, db_err};

#[derive(FromRow)]
struct EventRow {
    seq: i64,
    user_id: Option<Uuid>,
    device_id: Option<Uuid>,
    video_id: Uuid,
    kind: String,
    completion: i16,
    at: i64,
}

impl EventRow {
    fn into_event(self) -> StoreResult<(i64, BehaviourEvent)> {
        let actor = match (self.user_id, self.device_id) {
            (Some(u), None) => Actor::User(UserId(u)),
            (None, Some(d)) => Actor::Device(d),
            _ => return Err(corrupt("behaviour_events actor")),
        };
        Ok((
            self.seq,
            BehaviourEvent {
                actor,
                video_id: VideoId(self.video_id),
                kind: EventKind::parse(&self.kind).ok_or_else(|| corrupt("behaviour kind"))?,
                completion_pct: u8::try_from(self.completion)
                    .map_err(|_| corrupt("behaviour completion"))?,
                at: Timestamp(self.at),
            },
        ))
    }
}

#[async_trait]
impl BehaviourStore for PgStore {
    /// One multi-row INSERT from arrays: one statement, one transaction.
    #[tracing::instrument(skip_all)]
    async fn append_events(&self, events: &[BehaviourEvent]) -> StoreResult<()> {
        let mut users = Vec::with_capacity(events.len());
        let mut devices = Vec::with_capacity(events.len());
        let mut videos = Vec::with_capacity(events.len());
        let mut kinds = Vec::with_capacity(events.len());
        let mut completions = Vec::with_capacity(events.len());
        let mut ats = Vec::with_capacity(events.len());
        for e in events {
            let (u, d) = match e.actor {
                Actor::User(u) => (Some(u.as_uuid()), None),
                Actor::Device(d) => (None, Some(d)),
            };
            users.push(u);
            devices.push(d);
            videos.push(e.video_id.as_uuid());
            kinds.push(e.kind.as_str().to_owned());
            completions.push(i16::from(e.completion_pct));
            ats.push(e.at.millis());
        }
        sqlx::query(
            "INSERT INTO behaviour_events (user_id, device_id, video_id, kind, completion, at) \
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int2[], $6::int8[])",
        )
        .bind(&users)
        .bind(&devices)
        .bind(&videos)
        .bind(&kinds)
        .bind(&completions)
        .bind(&ats)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, BehaviourEvent)>> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT seq, user_id, device_id, video_id, kind, completion, at \
             FROM behaviour_events WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn last_event_seq(&self) -> StoreResult<i64> {
        let n: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM behaviour_events")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(n.unwrap_or(0))
    }
}

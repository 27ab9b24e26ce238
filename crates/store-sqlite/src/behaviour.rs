//! BehaviourStore: the append-only event log.

use async_trait::async_trait;
use sqlx::FromRow;
use uuid::fmt::Hyphenated;
use yc_domain::Timestamp;
use yc_domain::behaviour::{Actor, BehaviourEvent, EventKind};
use yc_store::{BehaviourStore, StoreResult};

use crate::SqliteStore;
use crate::error::from_sqlx;
use crate::rows::{corrupt, id};
use crate::sql::{Key, begin_write, finish};

#[derive(FromRow)]
struct EventRow {
    seq: i64,
    user_id: Option<Hyphenated>,
    device_id: Option<Hyphenated>,
    video_id: Hyphenated,
    kind: String,
    completion: i64,
    at: i64,
}

impl EventRow {
    fn into_event(self) -> StoreResult<(i64, BehaviourEvent)> {
        let actor = match (self.user_id, self.device_id) {
            (Some(u), None) => Actor::User(id(u)),
            (None, Some(d)) => Actor::Device(d.into_uuid()),
            _ => return Err(corrupt("behaviour_events actor")),
        };
        Ok((
            self.seq,
            BehaviourEvent {
                actor,
                video_id: id(self.video_id),
                kind: EventKind::parse(&self.kind).ok_or_else(|| corrupt("behaviour kind"))?,
                completion_pct: u8::try_from(self.completion)
                    .map_err(|_| corrupt("behaviour completion"))?,
                at: Timestamp(self.at),
            },
        ))
    }
}

#[async_trait]
impl BehaviourStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn append_events(&self, events: &[BehaviourEvent]) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let mut outcome = Ok(());
        for e in events {
            let (user, device) = match e.actor {
                Actor::User(u) => (Some(u.key()), None),
                Actor::Device(d) => (None, Some(d.key())),
            };
            let r = sqlx::query(
                "INSERT INTO behaviour_events (user_id, device_id, video_id, kind, completion, at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(user)
            .bind(device)
            .bind(e.video_id.key())
            .bind(e.kind.as_str())
            .bind(i64::from(e.completion_pct))
            .bind(e.at.millis())
            .execute(&mut *tx)
            .await;
            if let Err(err) = r {
                outcome = Err(from_sqlx(err));
                break;
            }
        }
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, BehaviourEvent)>> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT seq, user_id, device_id, video_id, kind, completion, at \
             FROM behaviour_events WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn last_event_seq(&self) -> StoreResult<i64> {
        let n: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM behaviour_events")
            .fetch_one(&self.read)
            .await
            .map_err(from_sqlx)?;
        Ok(n.unwrap_or(0))
    }
}

//! Recording behaviour events from the web UI and other clients.

use serde::Serialize;
use tracing::instrument;
use uuid::Uuid;
use yc_domain::ValidationError;
use yc_domain::account::User;
use yc_domain::behaviour::{Actor, EventDraft, parse_batch};

use crate::{ServiceResult, Services};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EventsAccepted {
    pub accepted: usize,
}

impl Services {
    /// Validates the whole batch (a bad event refuses all of it), appends
    /// it to the log, and wakes this node's tail. A signed-in viewer is
    /// recorded by user id; an anonymous one by device id, which is then
    /// required.
    #[instrument(skip_all, fields(n = drafts.len()))]
    pub async fn record_events(
        &self,
        user: Option<&User>,
        device: Option<Uuid>,
        drafts: &[EventDraft],
    ) -> ServiceResult<EventsAccepted> {
        let actor = match (user, device) {
            (Some(u), _) => Actor::User(u.id),
            (None, Some(d)) => Actor::Device(d),
            (None, None) => {
                return Err(ValidationError::new(
                    "device_id",
                    "required",
                    "anonymous viewers send a device id",
                )
                .into());
            }
        };
        let events = parse_batch(actor, drafts, self.now())?;
        self.store.append_events(&events).await?;
        if let (Some(u), Some(d)) = (user, device) {
            // The device's anonymous history now belongs to the account.
            self.feed.model.write().await.link_device(d, u.id.as_uuid());
        }
        self.feed.signal.notify_one();
        metrics::counter!("yc_behaviour_events_total").increment(events.len() as u64);
        Ok(EventsAccepted {
            accepted: events.len(),
        })
    }
}

//! What an evaluation runs on: a catalog, users (with a province when
//! known) and a time-sorted event log, from the synthetic generator or an
//! interactions file.

use super::synthetic::Population;
use crate::types::{Event, ItemMeta, UserKey};
use yc_domain::fulfilment::Province;

#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    pub items: Vec<ItemMeta>,
    pub users: Vec<(UserKey, Option<Province>)>,
    /// Sorted by `at_ms`.
    pub events: Vec<Event>,
}

impl Dataset {
    pub fn from_population(p: &Population) -> Dataset {
        let c = &p.config;
        Dataset {
            name: format!(
                "synthetic(users={},items={},categories={},events_per_user={},seed={})",
                c.users, c.items, c.categories, c.events_per_user, c.seed
            ),
            items: p.items.clone(),
            users: p.users.iter().map(|u| (u.key, Some(u.home))).collect(),
            events: p.events.clone(),
        }
    }
}

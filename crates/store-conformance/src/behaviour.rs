//! The behaviour log: appends in order, reads back after a sequence number.

use std::sync::Arc;

use uuid::Uuid;
use yc_domain::behaviour::{Actor, BehaviourEvent, EventKind};
use yc_domain::{Timestamp, UserId, VideoId};
use yc_store::Store;

fn event(actor: Actor, kind: EventKind, pct: u8, at: i64) -> BehaviourEvent {
    BehaviourEvent {
        actor,
        video_id: VideoId::new(),
        kind,
        completion_pct: pct,
        at: Timestamp(at),
    }
}

pub async fn behaviour_events_append_and_tail(store: Arc<dyn Store>) {
    assert_eq!(store.last_event_seq().await.unwrap(), 0);
    assert!(store.events_after(0, 10).await.unwrap().is_empty());
    let user = Actor::User(UserId::new());
    let device = Actor::Device(Uuid::now_v7());
    let first = vec![
        event(user, EventKind::Impression, 0, 1),
        event(user, EventKind::Watch, 87, 2),
        event(device, EventKind::CartTap, 0, 3),
    ];
    store.append_events(&first).await.unwrap();
    let second = vec![event(device, EventKind::NotInterested, 0, 4)];
    store.append_events(&second).await.unwrap();

    let all = store.events_after(0, 100).await.unwrap();
    let read: Vec<BehaviourEvent> = all.iter().map(|(_, e)| *e).collect();
    assert_eq!(read, [first.clone(), second].concat());
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "sequence order");
    let last = store.last_event_seq().await.unwrap();
    assert_eq!(last, all[3].0);
    let tail = store.events_after(all[1].0, 1).await.unwrap();
    assert_eq!(tail.len(), 1, "bounded by limit");
    assert_eq!(tail[0].1, first[2]);
    assert!(store.events_after(last, 10).await.unwrap().is_empty());
}

//! The outbox relay over a node link that stores only part of a pass: the
//! stored prefix is marked published, the rest stays for the next pass,
//! and nothing is skipped or marked twice.

use crate::story;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use yc_domain::LiveRoomId;
use yc_services::events::{Event, NodeLink, Published};
use yc_services::live::LiveEvent;

/// Acknowledges at most `room` events per call, then fails.
#[derive(Default)]
struct Flaky {
    room: AtomicUsize,
    stored: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl NodeLink for Flaky {
    async fn publish_events(&self, events: &[Event]) -> Published {
        let room = self.room.load(Ordering::SeqCst);
        let stored = events.len().min(room);
        let mut log = self.stored.lock().unwrap();
        log.extend(events[..stored].iter().map(|e| e.id.to_string()));
        Published {
            stored,
            error: (stored < events.len()).then(|| anyhow::anyhow!("broker went away")),
        }
    }
    fn publish_live(&self, _room: LiveRoomId, _event: &LiveEvent) {}
}

story!(
    a_relay_pass_marks_only_what_the_link_stored,
    |w: crate::harness::World| async move {
        w.services.seed_demo(&|_| {}).await.unwrap();
        let pending = w.services.store.unpublished_events(10_000).await.unwrap();
        assert!(pending.len() > 3, "the demo orders wrote events");
        let link = Arc::new(Flaky::default());
        link.room.store(3, Ordering::SeqCst);
        let services = w.services.clone().with_link(link.clone());

        assert!(
            services.relay_outbox().await.is_err(),
            "the pass reports the failure"
        );
        let left = w.services.store.unpublished_events(10_000).await.unwrap();
        assert_eq!(
            left.len(),
            pending.len() - 3,
            "exactly the stored prefix is published"
        );
        assert_eq!(
            left[0].id, pending[3].id,
            "the oldest unstored event is next"
        );

        link.room.store(usize::MAX, Ordering::SeqCst);
        let mut relayed = 3;
        loop {
            let n = services.relay_outbox().await.unwrap();
            if n == 0 {
                break;
            }
            relayed += n;
        }
        assert_eq!(relayed, pending.len());
        let stored = link.stored.lock().unwrap().clone();
        let expected: Vec<String> = pending.iter().map(|e| e.id.to_string()).collect();
        assert_eq!(stored, expected, "every event once, in outbox order");
    }
);

//! Real-time fan-out per live room: stock and phase changes of its sales
//! and live comments. Bounded: a room holds at most `max_viewers`
//! subscribers and the last `RECENT_COMMENTS` comments.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use yc_domain::live::SalePhase;
use yc_domain::{FlashSaleId, LiveRoomId, Timestamp};

pub const RECENT_COMMENTS: usize = 50;
const CHANNEL_DEPTH: usize = 256;
/// Rooms tracked at once; an idle room's state is dropped past this.
const MAX_ROOMS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    /// Masked (张*): comments are public.
    pub author: String,
    pub text: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    Stock {
        sale_id: FlashSaleId,
        remaining: i64,
        phase: SalePhase,
    },
    Comment(Comment),
}

struct Room {
    tx: broadcast::Sender<LiveEvent>,
    viewers: Arc<AtomicUsize>,
    recent: VecDeque<Comment>,
    sales: SalesSlot,
}

/// The room's sales as last read from the store, and when: every viewer's
/// once-a-second refresh shares one read (see `Services::room_sales`).
pub type SalesSlot = Arc<tokio::sync::Mutex<Option<(Timestamp, Vec<yc_store::SaleState>)>>>;

#[derive(Clone)]
pub struct LiveHub {
    rooms: Arc<Mutex<HashMap<LiveRoomId, Room>>>,
    /// When each user last commented, for the one-per-second limit.
    last_comment: Arc<Mutex<HashMap<yc_domain::UserId, Timestamp>>>,
    pub max_viewers: usize,
    /// Where this node's own events also go, for the other nodes' viewers.
    link: Option<crate::events::SharedLink>,
    /// Set at shutdown: nobody joins any more.
    closed: Arc<std::sync::atomic::AtomicBool>,
}

/// Minimum gap between two comments of one user.
pub const COMMENT_GAP_MS: i64 = 1000;
const MAX_TRACKED_COMMENTERS: usize = 100_000;

/// Holds a viewer's place in a room; dropping it frees the place.
pub struct ViewerGuard(Arc<AtomicUsize>);

impl Drop for ViewerGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl LiveHub {
    pub fn new(max_viewers: usize) -> Self {
        LiveHub {
            rooms: Arc::new(Mutex::new(HashMap::new())),
            last_comment: Arc::new(Mutex::new(HashMap::new())),
            max_viewers,
            link: None,
            closed: Arc::default(),
        }
    }

    /// Ends every viewer's stream (their receivers see the channel close)
    /// and admits nobody any more: a server shutting down waits for open
    /// connections, and a live room's event stream never ends by itself.
    pub fn close_all(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Ok(mut rooms) = self.rooms.lock() {
            rooms.clear();
        }
    }

    /// The same rooms, with every event published here also sent to the
    /// other nodes through `link`.
    pub fn linked(mut self, link: crate::events::SharedLink) -> Self {
        self.link = Some(link);
        self
    }

    /// Whether `user` may comment now (and records it if so).
    pub fn allow_comment(&self, user: yc_domain::UserId, now: Timestamp) -> bool {
        let Ok(mut last) = self.last_comment.lock() else {
            return false;
        };
        if last.len() >= MAX_TRACKED_COMMENTERS {
            last.retain(|_, at| now.millis() - at.millis() < COMMENT_GAP_MS);
        }
        match last.get(&user) {
            Some(at) if now.millis() - at.millis() < COMMENT_GAP_MS => false,
            _ => {
                last.insert(user, now);
                true
            }
        }
    }

    fn with_room<T>(&self, room: LiveRoomId, f: impl FnOnce(&mut Room) -> T) -> Option<T> {
        let mut rooms = self.rooms.lock().ok()?;
        if rooms.len() >= MAX_ROOMS && !rooms.contains_key(&room) {
            rooms.retain(|_, r| r.viewers.load(Ordering::SeqCst) > 0);
        }
        let entry = rooms.entry(room).or_insert_with(|| Room {
            tx: broadcast::channel(CHANNEL_DEPTH).0,
            viewers: Arc::new(AtomicUsize::new(0)),
            recent: VecDeque::new(),
            sales: SalesSlot::default(),
        });
        Some(f(entry))
    }

    /// Joins a room: the live events from now on, the recent comments, and
    /// a guard; `None` when the room is full.
    pub fn join(
        &self,
        room: LiveRoomId,
    ) -> Option<(broadcast::Receiver<LiveEvent>, Vec<Comment>, ViewerGuard)> {
        if self.closed.load(Ordering::SeqCst) {
            return None;
        }
        let max = self.max_viewers;
        self.with_room(room, |r| {
            let joined = r
                .viewers
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (n < max).then_some(n + 1)
                })
                .is_ok();
            joined.then(|| {
                (
                    r.tx.subscribe(),
                    r.recent.iter().cloned().collect(),
                    ViewerGuard(r.viewers.clone()),
                )
            })
        })
        .flatten()
    }

    pub fn viewers(&self, room: LiveRoomId) -> usize {
        self.with_room(room, |r| r.viewers.load(Ordering::SeqCst))
            .unwrap_or(0)
    }

    /// An event of this node: to its viewers and to the other nodes'.
    pub fn publish(&self, room: LiveRoomId, event: LiveEvent) {
        if let Some(link) = &self.link {
            link.publish_live(room, &event);
        }
        self.publish_from_peer(room, event);
    }

    /// An event another node published: to this node's viewers only.
    pub fn publish_from_peer(&self, room: LiveRoomId, event: LiveEvent) {
        self.with_room(room, |r| {
            if let LiveEvent::Comment(c) = &event {
                if r.recent.len() >= RECENT_COMMENTS {
                    r.recent.pop_front();
                }
                r.recent.push_back(c.clone());
            }
            // Keep the shared snapshot at least as new as what viewers are
            // told; if a refresh holds it, that refresh reads newer data anyway.
            if let LiveEvent::Stock {
                sale_id, remaining, ..
            } = &event
                && let Ok(mut slot) = r.sales.try_lock()
                && let Some((_, states)) = slot.as_mut()
                && let Some(state) = states.iter_mut().find(|s| s.sale.id == *sale_id)
            {
                state.remaining = *remaining;
            }
            // Nobody listening is fine.
            let _ = r.tx.send(event);
        });
    }

    pub fn sales_slot(&self, room: LiveRoomId) -> SalesSlot {
        self.with_room(room, |r| r.sales.clone())
            .unwrap_or_default()
    }
}

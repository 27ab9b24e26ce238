//! Session lookups, many per statement: one reader thread takes every
//! lookup waiting for it and answers them with one `IN` query.
//!
//! Why: when a flash sale opens, every buyer's first request misses the
//! services' session cache at once (20,000 buyers in `bench flash-sale`).
//! One sqlx query apiece kept the sale's first seconds at a third of its
//! steady rate (measured per second from the flash writer's batch log:
//! 4k, 11k, 20k, then 27–28k orders/s), while the lookups themselves are
//! a few index probes each.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use rusqlite::Connection;
use tokio::sync::oneshot;
use yc_domain::account::{Role, User};
use yc_domain::{MerchantId, Timestamp, UserId};
use yc_store::{StoreError, StoreResult};

use crate::flash_thread::backend;

/// Lookups answered by one statement at most.
const BATCH: usize = 256;

struct Ask {
    token_hash: String,
    now: Timestamp,
    reply: oneshot::Sender<StoreResult<Option<User>>>,
}

/// Handle to the thread; `stop` ends it once the queue is empty.
#[derive(Clone)]
pub(crate) struct SessionReader {
    asks: Arc<Mutex<Option<mpsc::Sender<Ask>>>>,
}

impl std::fmt::Debug for SessionReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionReader")
    }
}

fn stopped() -> StoreError {
    StoreError::Backend("session reader stopped".into())
}

impl SessionReader {
    pub fn start(path: &Path) -> StoreResult<SessionReader> {
        let conn = crate::conn_thread::open(path, false).map_err(backend)?;
        let (tx, rx) = mpsc::channel::<Ask>();
        std::thread::Builder::new()
            .name("yc-sqlite-sessions".into())
            .spawn(move || run(&conn, &rx))
            .map_err(|e| {
                tracing::error!(error = %e, "cannot start the session reader");
                StoreError::Backend(format!("cannot start the session reader: {e}"))
            })?;
        Ok(SessionReader {
            asks: Arc::new(Mutex::new(Some(tx))),
        })
    }

    pub async fn user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<User>> {
        let (reply, answer) = oneshot::channel();
        let ask = Ask {
            token_hash: token_hash.to_owned(),
            now,
            reply,
        };
        let sent = self
            .asks
            .lock()
            .ok()
            .is_some_and(|asks| asks.as_ref().is_some_and(|tx| tx.send(ask).is_ok()));
        if !sent {
            return Err(stopped());
        }
        answer.await.map_err(|_| stopped())?
    }

    pub fn stop(&self) {
        if let Ok(mut asks) = self.asks.lock() {
            asks.take();
        }
    }
}

fn run(conn: &Connection, rx: &mpsc::Receiver<Ask>) {
    while let Ok(first) = rx.recv() {
        let mut asks = vec![first];
        while asks.len() < BATCH {
            match rx.try_recv() {
                Ok(ask) => asks.push(ask),
                Err(_) => break,
            }
        }
        match lookup(conn, &asks) {
            Ok(found) => {
                for ask in asks {
                    let user = found
                        .get(&ask.token_hash)
                        .filter(|(expires, _)| *expires > ask.now.millis())
                        .map(|(_, user)| user.clone());
                    let _ = ask.reply.send(Ok(user));
                }
            }
            Err(e) => {
                for ask in asks {
                    let _ = ask.reply.send(Err(StoreError::Backend(e.to_string())));
                }
            }
        }
    }
}

/// token hash → (expires_at, user) for the asked sessions that exist.
fn lookup(conn: &Connection, asks: &[Ask]) -> StoreResult<HashMap<String, (i64, User)>> {
    let hashes: Vec<&str> = asks.iter().map(|a| a.token_hash.as_str()).collect();
    let hashes = serde_json::to_string(&hashes)
        .map_err(|_| StoreError::Backend("token hashes did not encode".into()))?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT sessions.token_hash, sessions.expires_at, users.id, users.login, \
             users.display_name, users.role, users.merchant_id, users.created_at \
             FROM sessions JOIN users ON users.id = sessions.user_id \
             WHERE sessions.token_hash IN (SELECT value FROM json_each(?))",
        )
        .map_err(backend)?;
    let rows = stmt
        .query_map([hashes], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, i64>(7)?,
            ))
        })
        .map_err(backend)?;
    let mut found = HashMap::with_capacity(asks.len());
    for row in rows {
        let (hash, expires, id, login, display_name, role, merchant, created) =
            row.map_err(backend)?;
        let uuid = |text: &str| {
            uuid::Uuid::parse_str(text)
                .map_err(|_| StoreError::Backend("users: an id is not a uuid".into()))
        };
        let user = User {
            id: UserId(uuid(&id)?),
            login,
            display_name,
            role: Role::parse(&role)
                .ok_or_else(|| StoreError::Backend("users.role is not a role".into()))?,
            merchant_id: merchant.as_deref().map(uuid).transpose()?.map(MerchantId),
            created_at: Timestamp(created),
        };
        found.insert(hash, (expires, user));
    }
    Ok(found)
}

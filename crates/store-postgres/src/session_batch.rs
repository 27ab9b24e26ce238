//! Session lookups, many per statement: one task takes every lookup
//! waiting for it and answers them with one `= ANY` query, while the next
//! ones queue behind it.
//!
//! Why: when a flash sale opens, every buyer's first request misses the
//! services' session cache at once. One query apiece held the first two
//! seconds of `bench flash-sale --db postgres --nodes 2` to 3.2k and 5.5k
//! orders/s against 11–12k after (measured with the bench's per-second
//! line), while each lookup is one index probe.
//!
//! The task lives on the runtime that opened the store. If it is gone (a
//! store used from another runtime) or its queue is full, a lookup runs
//! on its own, as before.

use std::collections::HashMap;

use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};
use yc_domain::Timestamp;
use yc_domain::account::User;
use yc_store::{StoreError, StoreResult};

use crate::error::db_err;
use crate::rows::UserRow;

/// Lookups answered by one statement at most.
const BATCH: usize = 256;
/// Lookups waiting at most; beyond, callers query on their own.
const QUEUE: usize = 4_096;

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    expires_at: i64,
    #[sqlx(flatten)]
    user: UserRow,
}

struct Ask {
    token_hash: String,
    now: Timestamp,
    reply: oneshot::Sender<StoreResult<Option<User>>>,
}

#[derive(Clone)]
pub(crate) struct SessionBatcher {
    asks: mpsc::Sender<Ask>,
}

impl std::fmt::Debug for SessionBatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionBatcher")
    }
}

impl SessionBatcher {
    /// Starts the task; it ends when the last handle is dropped.
    pub fn start(pool: PgPool) -> SessionBatcher {
        let (asks, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, rx));
        SessionBatcher { asks }
    }

    pub async fn session_user(
        &self,
        pool: &PgPool,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<User>> {
        let (reply, answer) = oneshot::channel();
        let ask = Ask {
            token_hash: token_hash.to_owned(),
            now,
            reply,
        };
        if self.asks.try_send(ask).is_ok()
            && let Ok(answered) = answer.await
        {
            return answered;
        }
        alone(pool, token_hash, now).await
    }
}

async fn run(pool: PgPool, mut rx: mpsc::Receiver<Ask>) {
    let mut asks = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut asks, BATCH).await > 0 {
        answer(&pool, std::mem::take(&mut asks)).await;
    }
}

/// One query for every ask; each is answered against its own `now`.
async fn answer(pool: &PgPool, asks: Vec<Ask>) {
    match lookup(pool, &asks).await {
        Ok(found) => {
            for ask in asks {
                let user = match found.get(&ask.token_hash) {
                    Some((expires, user)) if *expires > ask.now.millis() => Some(user.clone()),
                    _ => None,
                };
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

/// The sessions the asks name: token hash → (expiry, user).
async fn lookup(pool: &PgPool, asks: &[Ask]) -> StoreResult<HashMap<String, (i64, User)>> {
    let hashes: Vec<&str> = asks.iter().map(|a| a.token_hash.as_str()).collect();
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT s.token_hash, s.expires_at, \
                u.id, u.login, u.display_name, u.role, u.merchant_id, u.created_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = ANY($1)",
    )
    .bind(&hashes)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|r| Ok((r.token_hash, (r.expires_at, r.user.into_user()?))))
        .collect()
}

async fn alone(pool: &PgPool, token_hash: &str, now: Timestamp) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT u.id, u.login, u.display_name, u.role, u.merchant_id, u.created_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now.millis())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    row.map(UserRow::into_user).transpose()
}

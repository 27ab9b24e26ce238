//! SQLite-specific properties the backend-neutral conformance suite cannot
//! observe: connection settings, read-only readers, reopening a file.

use std::path::Path;

use yc_domain::{SkuId, Timestamp, UserId};
use yc_store::{OpsStore, RejectedCallback, ShoppingStore, StoreError};

use super::SqliteStore;

async fn pragma_int(pool: &sqlx::SqlitePool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

fn rejected() -> RejectedCallback {
    RejectedCallback {
        channel: "alipay".into(),
        reason: "bad_signature".into(),
        excerpt: String::new(),
        at: Timestamp(1),
    }
}

#[tokio::test]
async fn open_creates_directories_and_sets_durable_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/yellowcart.db");
    let store = SqliteStore::open(&path).await.unwrap();
    assert!(path.is_file());
    assert_eq!(store.path(), path.as_path());

    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.write.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(
        pragma_int(store.write.pool(), "PRAGMA synchronous").await,
        2,
        "FULL"
    );
    assert_eq!(
        pragma_int(store.write.pool(), "PRAGMA foreign_keys").await,
        1
    );
    assert_eq!(
        pragma_int(store.write.pool(), "PRAGMA busy_timeout").await,
        5000
    );
    assert_eq!(pragma_int(&store.read, "PRAGMA foreign_keys").await, 1);
    assert_eq!(store.write.pool().options().get_max_connections(), 1);

    let write_on_reader = sqlx::query(
        "INSERT INTO rejected_callbacks (channel, reason, excerpt, at) VALUES ('a', 'b', '', 1)",
    )
    .execute(&store.read)
    .await;
    assert!(write_on_reader.is_err(), "reader connections are read-only");
    store.close().await;
}

async fn reopen(path: &Path) -> SqliteStore {
    SqliteStore::open(path).await.unwrap()
}

#[tokio::test]
async fn reopening_keeps_data_and_migrations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yellowcart.db");
    let store = reopen(&path).await;
    store.record_rejected_callback(&rejected()).await.unwrap();
    store.close().await;
    drop(store);

    let store = reopen(&path).await;
    assert_eq!(store.count_rejected_callbacks().await.unwrap(), 1);
    store.close().await;
}

#[tokio::test]
async fn references_to_missing_rows_are_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = reopen(&dir.path().join("yellowcart.db")).await;
    match store
        .cart_add(UserId::new(), SkuId::new(), 1, Timestamp(1))
        .await
    {
        Err(StoreError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(store.cart_lines(UserId::new()).await.unwrap().is_empty());
}

/// The checkpoint thread copies committed pages into the database file on
/// its own: a copy of the main file alone (no WAL) holds the write.
#[tokio::test]
async fn checkpoint_thread_copies_the_wal_into_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yellowcart.db");
    let store = reopen(&path).await;
    assert_eq!(
        pragma_int(store.write.pool(), "PRAGMA wal_autocheckpoint").await,
        i64::from(crate::checkpointer::BACKSTOP_FRAMES),
        "writers leave checkpoints to the thread"
    );
    store.record_rejected_callback(&rejected()).await.unwrap();
    let copy = dir.path().join("copy.db");
    let mut found = 0;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        std::fs::copy(&path, &copy).unwrap();
        let conn = rusqlite::Connection::open(&copy).unwrap();
        // Before the first checkpoint the file may not even hold the schema.
        found = conn
            .query_row("SELECT count(*) FROM rejected_callbacks", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap_or(0);
        drop(conn);
        std::fs::remove_file(&copy).unwrap();
        if found == 1 {
            break;
        }
    }
    assert_eq!(found, 1, "the row reached the database file within 4 s");
    store.close().await;
}

/// Lookups batched into one statement still get their own answers: each
/// session checked against its caller's `now`, unknown ones absent.
#[tokio::test]
async fn concurrent_session_lookups_each_get_their_own_answer() {
    use std::sync::Arc;
    use yc_store::{NewSession, SessionKind, Store};
    use yc_store_conformance::fixtures;

    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("yellowcart.db"))
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    let mut sessions = Vec::new();
    for i in 0..40_i64 {
        let user = fixtures::buyer(&store).await;
        let session = NewSession {
            token_hash: format!("hash-{i:02}"),
            user_id: user.id,
            kind: SessionKind::Api,
            created_at: Timestamp(0),
            expires_at: Timestamp(1_000 + i),
        };
        store.create_session(&session).await.unwrap();
        sessions.push((session, user));
    }
    let mut asks = tokio::task::JoinSet::new();
    for round in 0..5 {
        for (i, (session, user)) in sessions.iter().enumerate() {
            let (store, hash, user) = (store.clone(), session.token_hash.clone(), user.clone());
            // Even sessions asked before they expire, odd ones at expiry.
            let now = Timestamp(if i % 2 == 0 { 999 } else { 1_000 + i as i64 });
            asks.spawn(async move {
                let found = store.session_user(&hash, now).await.unwrap();
                let unknown = store
                    .session_user(&format!("unknown-{round}-{i}"), now)
                    .await
                    .unwrap();
                (i, found, user, unknown)
            });
        }
    }
    while let Some(answer) = asks.join_next().await {
        let (i, found, user, unknown) = answer.unwrap();
        assert_eq!(unknown, None);
        if i % 2 == 0 {
            assert_eq!(found, Some(user));
        } else {
            assert_eq!(found, None, "expires_at > now is required");
        }
    }
    sqlite.close().await;
}

//! PostgreSQL implementation of the yellowcart `Store`, for scale-out: any
//! number of stateless nodes share one database, so every guard of the
//! contract is enforced by the database itself (conditional UPDATEs, row
//! locks, unique keys, `FOR UPDATE SKIP LOCKED`), never by process memory.
//!
//! All SQL of yellowcart's PostgreSQL backend lives in this crate, and only
//! runtime-checked queries are used (no database at build time).

mod accounts;
mod addresses;
mod aftersales;
mod aftersales_money;
mod aftersales_rows;
mod aftersales_writes;
mod behaviour;
mod catalog;
mod codec;
mod error;
mod flash;
mod flash_conn;
mod flash_reads;
mod flash_release;
mod flash_tx;
mod flash_warm;
mod flash_writes;
mod fulfilment;
mod live;
mod media;
mod ops;
mod order_rows;
mod orders;
mod payments;
mod products;
mod rooms;
mod rows;
mod sales;
mod session_batch;
mod shipment_rows;
mod shopping;

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use yc_store::{StoreError, StoreResult};

use crate::error::db_err;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A pool of connections to one database (and, optionally, one schema).
/// Cheap to clone; clones share the pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Set when opened with `connect_in_schema`: the schema `drop_schema` drops.
    schema: Option<String>,
    sessions: session_batch::SessionBatcher,
}

impl PgStore {
    /// Opens a pool on `url` and applies the embedded migrations (idempotent;
    /// concurrent nodes serialise on sqlx's advisory lock).
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<PgStore> {
        let options = parse_url(url)?;
        Self::open(options, None, max_connections).await
    }

    /// Like `connect`, but everything (tables, the migrations table) lives
    /// in `schema`, created if missing: every pooled connection starts with
    /// `search_path = schema`. Used to isolate tests in one database.
    /// `schema` must be 1–63 characters of `a-z`, `0-9`, `_`, not starting
    /// with a digit. Connections carry the schema as `application_name`.
    pub async fn connect_in_schema(
        url: &str,
        schema: &str,
        max_connections: u32,
    ) -> StoreResult<PgStore> {
        let schema = checked_schema_name(schema)?;
        let options = parse_url(url)?;
        create_schema(&options, &schema).await?;
        let options = options
            .options([("search_path", schema.as_str())])
            .application_name(&schema);
        Self::open(options, Some(schema), max_connections).await
    }

    /// Drops the schema this store was opened in (`connect_in_schema`) with
    /// everything in it, and closes the pool. Other sessions working in the
    /// schema (this pool's other connections, other stores opened on it —
    /// recognised by their `application_name`, which is the schema name) are
    /// terminated first, so a session left idle in a transaction cannot
    /// block the drop. A store opened with `connect` refuses: it never drops
    /// a shared schema.
    pub async fn drop_schema(&self) -> StoreResult<()> {
        let Some(schema) = &self.schema else {
            return Err(StoreError::Backend(
                "drop_schema: store was not opened with connect_in_schema".into(),
            ));
        };
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        sqlx::query(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
             WHERE application_name = $1 AND datname = current_database() \
             AND pid <> pg_backend_pid()",
        )
        .bind(schema)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
        let sql = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        sqlx::query(AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
        drop(conn);
        self.pool.close().await;
        Ok(())
    }

    /// The schema given to `connect_in_schema`, if any.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    async fn open(
        options: PgConnectOptions,
        schema: Option<String>,
        max_connections: u32,
    ) -> StoreResult<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect_with(options)
            .await
            .map_err(db_err)?;
        MIGRATOR.run(&pool).await.map_err(|e| {
            tracing::error!(error = %e, "postgres migrations failed");
            StoreError::Backend(format!("migrations failed: {e}"))
        })?;
        let sessions = session_batch::SessionBatcher::start(pool.clone());
        Ok(PgStore {
            pool,
            schema,
            sessions,
        })
    }
}

fn parse_url(url: &str) -> StoreResult<PgConnectOptions> {
    PgConnectOptions::from_str(url).map_err(|e| {
        // The URL may hold a password: do not log or return it.
        tracing::error!(kind = %error_kind(&e), "invalid postgres URL");
        StoreError::Backend("invalid postgres URL".into())
    })
}

fn error_kind(e: &sqlx::Error) -> &'static str {
    match e {
        sqlx::Error::Configuration(_) => "configuration",
        _ => "other",
    }
}

/// Schema names are spliced into SQL (identifiers cannot be bound), so only
/// a conservative alphabet is accepted, and the name is quoted as well.
fn checked_schema_name(schema: &str) -> StoreResult<String> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(schema.to_owned())
    } else {
        Err(StoreError::Backend(format!(
            "invalid schema name {schema:?}"
        )))
    }
}

async fn create_schema(options: &PgConnectOptions, schema: &str) -> StoreResult<()> {
    let mut conn = PgConnection::connect_with(options).await.map_err(db_err)?;
    let sql = format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
    let created = sqlx::query(AssertSqlSafe(sql)).execute(&mut conn).await;
    let _ = conn.close().await;
    match created {
        Ok(_) => Ok(()),
        // Two processes creating the same schema at once: one wins the
        // catalog's unique index, the other's IF NOT EXISTS came too early.
        Err(sqlx::Error::Database(e))
            if matches!(e.code().as_deref(), Some("23505") | Some("42P06")) =>
        {
            Ok(())
        }
        Err(e) => Err(db_err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_conservative() {
        assert!(checked_schema_name("t_0123abcd").is_ok());
        assert!(checked_schema_name("_x").is_ok());
        assert!(checked_schema_name("").is_err());
        assert!(checked_schema_name("9abc").is_err());
        assert!(checked_schema_name("a\"; DROP SCHEMA public; --").is_err());
        assert!(checked_schema_name("Upper").is_err());
        assert!(checked_schema_name(&"a".repeat(64)).is_err());
    }
}

//! Users, merchants and sessions.

use async_trait::async_trait;
use uuid::Uuid;
use yc_domain::account::{Merchant, User};
use yc_domain::{MerchantId, Timestamp, UserId};
use yc_store::{AccountStore, NewSession, StoreError, StoreResult};

use crate::PgStore;
use crate::error::db_err;
use crate::rows::{MerchantRow, UserRow, merchant_columns, user_columns};

#[async_trait]
impl AccountStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn create_user(
        &self,
        user: &User,
        password_hash: &str,
        merchant: Option<&Merchant>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        if let Some(m) = merchant {
            sqlx::query(
                "INSERT INTO merchants (id, name, province, created_at, grants_return_insurance) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(m.id.as_uuid())
            .bind(&m.name)
            .bind(&m.province)
            .bind(m.created_at.millis())
            .bind(m.grants_return_insurance)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        sqlx::query(
            "INSERT INTO users (id, login, display_name, role, merchant_id, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(user.id.as_uuid())
        .bind(&user.login)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(user.merchant_id.map(|m| m.as_uuid()))
        .bind(password_hash)
        .bind(user.created_at.millis())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    #[tracing::instrument(skip_all)]
    async fn user_credentials(&self, login: &str) -> StoreResult<Option<(User, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            password_hash: String,
        }
        // `lower(login)` is the unique index `users_login_key`.
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            ", password_hash FROM users WHERE lower(login) = lower($1)"
        ))
        .bind(login)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|r| Ok((r.user.into_user()?, r.password_hash)))
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(UserRow::into_user).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn get_merchant(&self, id: MerchantId) -> StoreResult<Option<Merchant>> {
        let row: Option<MerchantRow> = sqlx::query_as(concat!(
            "SELECT ",
            merchant_columns!(),
            " FROM merchants WHERE id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(row.map(Merchant::from))
    }

    #[tracing::instrument(skip_all)]
    async fn get_merchants(&self, ids: &[MerchantId]) -> StoreResult<Vec<Merchant>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = ids.iter().map(MerchantId::as_uuid).collect();
        let rows: Vec<MerchantRow> = sqlx::query_as(concat!(
            "SELECT ",
            merchant_columns!(),
            " FROM merchants WHERE id = ANY($1) ORDER BY id"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(Merchant::from).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn set_merchant_insurance(&self, id: MerchantId, grants: bool) -> StoreResult<()> {
        let changed =
            sqlx::query("UPDATE merchants SET grants_return_insurance = $2 WHERE id = $1")
                .bind(id.as_uuid())
                .bind(grants)
                .execute(&self.pool)
                .await
                .map_err(db_err)?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn create_session(&self, session: &NewSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id.as_uuid())
        .bind(session.kind.as_str())
        .bind(session.created_at.millis())
        .bind(session.expires_at.millis())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn session_user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<User>> {
        self.sessions
            .session_user(&self.pool, token_hash, now)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

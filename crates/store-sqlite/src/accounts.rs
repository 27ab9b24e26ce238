//! AccountStore: users, shops, sessions.

use async_trait::async_trait;
use yc_domain::account::{Merchant, User};
use yc_domain::{MerchantId, Timestamp, UserId};
use yc_store::{AccountStore, NewSession, StoreResult};

use crate::SqliteStore;
use crate::error::from_sqlx;
use crate::rows::{CredentialsRow, MerchantRow, UserRow, user_columns};
use crate::sql::{Key, begin_write, finish, key_list};

#[async_trait]
impl AccountStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn create_user(
        &self,
        user: &User,
        password_hash: &str,
        merchant: Option<&Merchant>,
    ) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = insert_user(&mut tx, user, password_hash, merchant).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn user_credentials(&self, login: &str) -> StoreResult<Option<(User, String)>> {
        let row: Option<CredentialsRow> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            ", users.password_hash FROM users WHERE users.login = ?"
        ))
        .bind(login)
        .fetch_optional(&self.read)
        .await
        .map_err(from_sqlx)?;
        row.map(|r| Ok((r.user.into_user()?, r.password_hash)))
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE users.id = ?"
        ))
        .bind(id.key())
        .fetch_optional(&self.read)
        .await
        .map_err(from_sqlx)?;
        row.map(UserRow::into_user).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn get_merchant(&self, id: MerchantId) -> StoreResult<Option<Merchant>> {
        let row: Option<MerchantRow> =
            sqlx::query_as("SELECT id, name, province, created_at, grants_return_insurance FROM merchants WHERE id = ?")
                .bind(id.key())
                .fetch_optional(&self.read)
                .await
                .map_err(from_sqlx)?;
        Ok(row.map(Merchant::from))
    }

    #[tracing::instrument(skip_all)]
    async fn get_merchants(&self, ids: &[MerchantId]) -> StoreResult<Vec<Merchant>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<MerchantRow> = sqlx::query_as(
            "SELECT id, name, province, created_at, grants_return_insurance FROM merchants \
             WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(key_list(ids))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        Ok(rows.into_iter().map(Merchant::from).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn set_merchant_insurance(&self, id: MerchantId, grants: bool) -> StoreResult<()> {
        let changed = sqlx::query("UPDATE merchants SET grants_return_insurance = ? WHERE id = ?")
            .bind(i64::from(grants))
            .bind(id.key())
            .execute(&mut *self.write.conn().await?)
            .await
            .map_err(from_sqlx)?
            .rows_affected();
        if changed == 0 {
            return Err(yc_store::StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn create_session(&self, session: &NewSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id.key())
        .bind(session.kind.as_str())
        .bind(session.created_at.millis())
        .bind(session.expires_at.millis())
        .execute(&mut *self.write.conn().await?)
        .await
        .map_err(from_sqlx)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn session_user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<User>> {
        self.sessions.user(token_hash, now).await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&mut *self.write.conn().await?)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }
}

async fn insert_user(
    tx: &mut sqlx::SqliteConnection,
    user: &User,
    password_hash: &str,
    merchant: Option<&Merchant>,
) -> StoreResult<()> {
    if let Some(m) = merchant {
        sqlx::query(
            "INSERT INTO merchants (id, name, province, created_at, grants_return_insurance) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(m.id.key())
        .bind(&m.name)
        .bind(&m.province)
        .bind(m.created_at.millis())
        .bind(i64::from(m.grants_return_insurance))
        .execute(&mut *tx)
        .await
        .map_err(from_sqlx)?;
    }
    sqlx::query(
        "INSERT INTO users (id, login, display_name, role, merchant_id, password_hash, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user.id.key())
    .bind(&user.login)
    .bind(&user.display_name)
    .bind(user.role.as_str())
    .bind(user.merchant_id.map(|m| m.key()))
    .bind(password_hash)
    .bind(user.created_at.millis())
    .execute(&mut *tx)
    .await
    .map_err(from_sqlx)?;
    Ok(())
}

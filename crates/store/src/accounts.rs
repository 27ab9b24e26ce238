use async_trait::async_trait;
use yc_domain::account::{Merchant, User};
use yc_domain::{MerchantId, Timestamp, UserId};

use crate::StoreResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// Cookie of the web UI.
    Web,
    /// Bearer token of the API.
    Api,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 hex of the secret token; the token itself is never stored.
    pub token_hash: String,
    pub user_id: UserId,
    pub kind: SessionKind,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Inserts the user and, for a merchant account, its shop, in one
    /// transaction. `Duplicate { field: "login" }` if the login is taken.
    async fn create_user(
        &self,
        user: &User,
        password_hash: &str,
        merchant: Option<&Merchant>,
    ) -> StoreResult<()>;
    /// The user and its argon2 PHC hash, by (case-folded) login.
    async fn user_credentials(&self, login: &str) -> StoreResult<Option<(User, String)>>;
    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>>;
    async fn get_merchant(&self, id: MerchantId) -> StoreResult<Option<Merchant>>;
    async fn get_merchants(&self, ids: &[MerchantId]) -> StoreResult<Vec<Merchant>>;
    /// 商家赠送运费险 on or off for the shop's future orders; `NotFound` if
    /// there is no such shop.
    async fn set_merchant_insurance(&self, id: MerchantId, grants: bool) -> StoreResult<()>;

    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;
    /// The user of an unexpired session (`expires_at > now`).
    async fn session_user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<User>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
}

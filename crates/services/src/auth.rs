//! Accounts and sessions: argon2 password hashes; random session tokens of
//! which only a SHA-256 is stored, for web cookies and API bearer tokens.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tracing::instrument;
use yc_domain::account::{Login, Merchant, Password, Role, User};
use yc_domain::error::bounded_text;
use yc_domain::{MerchantId, UserId};
use yc_store::{NewSession, SessionKind};

use crate::{ServiceError, ServiceResult, Services};

#[derive(Debug, Clone)]
pub struct Registration {
    pub login: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    /// Required for merchants: the shop's name and ship-from province.
    pub shop: Option<(String, String)>,
}

/// A session secret handed to the client once.
#[derive(Debug, Clone)]
pub struct SessionToken(pub String);

impl Services {
    #[instrument(skip_all)]
    pub async fn register(
        &self,
        reg: Registration,
        kind: SessionKind,
    ) -> ServiceResult<(User, SessionToken)> {
        let login = Login::parse(&reg.login)?;
        let password = Password::parse(&reg.password)?;
        let display_name = bounded_text("display_name", &reg.display_name, 1, 30)?;
        let now = self.now();
        let merchant = match (reg.role, reg.shop) {
            (Role::Admin, _) => return Err(ServiceError::Forbidden("admin")),
            (Role::Buyer, _) => None,
            (Role::Merchant, None) => {
                return Err(yc_domain::ValidationError::new(
                    "shop_name",
                    "required",
                    "merchants name their shop",
                )
                .into());
            }
            (Role::Merchant, Some((name, province))) => Some(Merchant {
                id: MerchantId::new(),
                name: bounded_text("shop_name", &name, 1, 40)?,
                province: bounded_text("shop_province", &province, 2, 20)?,
                created_at: now,
                grants_return_insurance: false,
            }),
        };
        let user = User {
            id: UserId::new(),
            login: login.as_str().to_owned(),
            display_name,
            role: reg.role,
            merchant_id: merchant.as_ref().map(|m| m.id),
            created_at: now,
        };
        let hash = hash_password(&password).await?;
        self.store
            .create_user(&user, &hash, merchant.as_ref())
            .await?;
        let token = self.open_session(user.id, kind).await?;
        Ok((user, token))
    }

    /// A platform operator (arbitration, reviews). Never reachable from
    /// sign-up: only the `yellowcart admin` command and the demo seed call it.
    #[instrument(skip_all)]
    pub async fn create_operator(&self, login: &str, password: &str) -> ServiceResult<User> {
        let login = Login::parse(login)?;
        let password = Password::parse(password)?;
        let user = User {
            id: UserId::new(),
            login: login.as_str().to_owned(),
            display_name: "平台客服".into(),
            role: Role::Admin,
            merchant_id: None,
            created_at: self.now(),
        };
        let hash = hash_password(&password).await?;
        self.store.create_user(&user, &hash, None).await?;
        Ok(user)
    }

    #[instrument(skip_all)]
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        kind: SessionKind,
    ) -> ServiceResult<(User, SessionToken)> {
        let login = Login::parse(login).map_err(|_| ServiceError::BadCredentials)?;
        let found = self.store.user_credentials(login.as_str()).await?;
        // Verify against a dummy hash when the user is unknown, so timing
        // does not reveal which logins exist.
        let (user, hash) = match found {
            Some((u, h)) => (Some(u), h),
            None => (None, dummy_hash()),
        };
        let ok = verify_password(password.to_owned(), hash).await;
        match (user, ok) {
            (Some(user), true) => {
                let token = self.open_session(user.id, kind).await?;
                Ok((user, token))
            }
            _ => Err(ServiceError::BadCredentials),
        }
    }

    /// The user behind a session token, if the session is live.
    pub async fn authenticate(&self, token: &str) -> ServiceResult<Option<User>> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        let hash = token_hash(token);
        let now = self.now();
        if let Some(user) = self.sessions.get(&hash, now) {
            return Ok(Some(user));
        }
        let user = self.store.session_user(&hash, now).await?;
        if let Some(u) = &user {
            self.sessions.put(hash, u.clone(), now);
        }
        Ok(user)
    }

    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        let hash = token_hash(token);
        self.sessions.forget(&hash);
        Ok(self.store.delete_session(&hash).await?)
    }

    async fn open_session(
        &self,
        user_id: UserId,
        kind: SessionKind,
    ) -> ServiceResult<SessionToken> {
        let mut raw = [0_u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let token = hex::encode(raw);
        let now = self.now();
        let session = NewSession {
            token_hash: token_hash(&token),
            user_id,
            kind,
            created_at: now,
            expires_at: now.plus_millis(self.config.session_ttl_ms),
        };
        self.store.create_session(&session).await?;
        Ok(SessionToken(token))
    }
}

/// Merchant actions need a merchant account; returns its shop id.
pub fn require_merchant(user: &User) -> ServiceResult<MerchantId> {
    match (user.role, user.merchant_id) {
        (Role::Merchant, Some(id)) => Ok(id),
        (Role::Merchant, None) | (Role::Buyer, _) | (Role::Admin, _) => {
            Err(ServiceError::Forbidden("merchant"))
        }
    }
}

/// What the store keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A real hash of a throwaway password, made once: verifying against it
/// costs what verifying a real account costs.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(b"not-a-real-password", &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        })
        .clone()
}

async fn hash_password(password: &Password) -> ServiceResult<String> {
    let pw = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hash task: {e}")))?
    .map_err(|e| ServiceError::Internal(format!("argon2: {e}")))
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

//! Idempotency keys: the key's row is written in the same transaction as
//! the effect, with the first response; retries replay it.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use yc_domain::{Timestamp, UserId, ValidationError};
use yc_store::IdempotencyWrite;

use crate::{ServiceError, ServiceResult, Services};

pub const MAX_KEY_LEN: usize = 255;

/// A client-chosen key: 1–255 visible ASCII characters.
pub fn parse_key(raw: Option<&str>) -> ServiceResult<String> {
    let key = raw.map(str::trim).unwrap_or_default();
    if key.is_empty() {
        return Err(ServiceError::IdempotencyKeyRequired);
    }
    if key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ValidationError::new(
            "Idempotency-Key",
            "bad_key",
            "1 to 255 visible ASCII characters",
        )
        .into());
    }
    Ok(key.to_owned())
}

pub fn request_hash(request: &impl Serialize) -> ServiceResult<String> {
    let canonical = serde_json::to_vec(request)?;
    Ok(hex::encode(Sha256::digest(&canonical)))
}

pub struct Guard {
    pub user_id: UserId,
    pub scope: &'static str,
    pub key: String,
    pub hash: String,
}

impl Guard {
    pub fn write(
        &self,
        response: &impl Serialize,
        now: Timestamp,
    ) -> ServiceResult<IdempotencyWrite> {
        Ok(IdempotencyWrite {
            user_id: self.user_id,
            scope: self.scope,
            key: self.key.clone(),
            request_hash: self.hash.clone(),
            response: serde_json::to_value(response)?,
            created_at: now,
        })
    }
}

impl Services {
    /// The saved first response for this key, if any; a different request
    /// under the same key is refused.
    pub(crate) async fn replay<T: DeserializeOwned>(
        &self,
        guard: &Guard,
    ) -> ServiceResult<Option<T>> {
        let Some(record) = self
            .store
            .get_idempotency(guard.user_id, guard.scope, &guard.key)
            .await?
        else {
            return Ok(None);
        };
        if record.request_hash != guard.hash {
            return Err(ServiceError::IdempotencyMismatch);
        }
        Ok(Some(serde_json::from_value(record.response)?))
    }
}

//! Merchant media uploads: images and short videos, stored under the data
//! dir and served at `/media/<file>`. The type is read from the bytes
//! (magic numbers), not trusted from the request, and sizes are bounded.

use tracing::instrument;
use yc_domain::ValidationError;
use yc_domain::account::User;
use yc_domain::aftersales::Evidence;

use crate::auth::require_merchant;
use crate::{ServiceError, ServiceResult, Services};

pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_VIDEO_BYTES: usize = 50 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Jpeg,
    Png,
    Webp,
    Mp4,
}

impl MediaKind {
    /// Recognises the file from its first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<MediaKind> {
        let at = |range: std::ops::Range<usize>| bytes.get(range);
        if at(0..3) == Some(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaKind::Jpeg)
        } else if at(0..8) == Some(b"\x89PNG\r\n\x1a\n") {
            Some(MediaKind::Png)
        } else if at(0..4) == Some(b"RIFF") && at(8..12) == Some(b"WEBP") {
            Some(MediaKind::Webp)
        } else if at(4..8) == Some(b"ftyp") {
            Some(MediaKind::Mp4)
        } else {
            None
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "jpg",
            MediaKind::Png => "png",
            MediaKind::Webp => "webp",
            MediaKind::Mp4 => "mp4",
        }
    }
    pub fn max_bytes(self) -> usize {
        match self {
            MediaKind::Jpeg | MediaKind::Png | MediaKind::Webp => MAX_IMAGE_BYTES,
            MediaKind::Mp4 => MAX_VIDEO_BYTES,
        }
    }
}

impl MediaKind {
    pub fn content_type(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
            MediaKind::Webp => "image/webp",
            MediaKind::Mp4 => "video/mp4",
        }
    }
}

impl Services {
    /// Stores an uploaded file and returns its public path (`/media/…`).
    #[instrument(skip_all)]
    pub async fn upload_media(&self, actor: &User, bytes: &[u8]) -> ServiceResult<String> {
        require_merchant(actor)?;
        self.store_media(bytes).await
    }

    /// A buyer's after-sales photo: images only, read back as the domain's
    /// `Evidence` (type and size from the bytes).
    #[instrument(skip_all)]
    pub async fn upload_evidence(&self, _actor: &User, bytes: &[u8]) -> ServiceResult<Evidence> {
        match MediaKind::sniff(bytes) {
            Some(MediaKind::Jpeg | MediaKind::Png | MediaKind::Webp) => {}
            Some(MediaKind::Mp4) | None => {
                return Err(ValidationError::new(
                    "file",
                    "unsupported_type",
                    "JPEG, PNG or WebP photos only",
                )
                .into());
            }
        }
        let url = self.store_media(bytes).await?;
        self.evidence_file(&url).await
    }

    /// Reads an uploaded photo back by its public path.
    pub async fn evidence_file(&self, url: &str) -> ServiceResult<Evidence> {
        let unknown = || ValidationError::new("evidence", "unknown_file", "upload the photo first");
        let name = url.strip_prefix("/media/").ok_or_else(unknown)?;
        let safe = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
            && !name.starts_with('.');
        let dir = self.config.media_dir.as_ref().ok_or_else(unknown)?;
        if !safe {
            return Err(unknown().into());
        }
        let bytes = tokio::fs::read(dir.join(name))
            .await
            .map_err(|_| unknown())?;
        let kind = MediaKind::sniff(&bytes).ok_or_else(unknown)?;
        Ok(Evidence {
            url: url.to_owned(),
            content_type: kind.content_type().to_owned(),
            size_bytes: bytes.len() as u64,
        })
    }

    async fn store_media(&self, bytes: &[u8]) -> ServiceResult<String> {
        let dir = self
            .config
            .media_dir
            .as_ref()
            .ok_or(ServiceError::Conflict("uploads_disabled"))?;
        let kind = MediaKind::sniff(bytes).ok_or_else(|| {
            ValidationError::new("file", "unsupported_type", "JPEG, PNG, WebP or MP4 only")
        })?;
        if bytes.len() > kind.max_bytes() {
            return Err(ValidationError::new(
                "file",
                "too_large",
                format!("at most {} MB", kind.max_bytes() / 1024 / 1024),
            )
            .into());
        }
        let name = format!("{}.{}", uuid::Uuid::now_v7().simple(), kind.extension());
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| ServiceError::Internal(format!("media dir: {e}")))?;
        // Write to a temporary name first so a half-written file is never served.
        let tmp = dir.join(format!(".{name}.part"));
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(|e| ServiceError::Internal(format!("media write: {e}")))?;
        tokio::fs::rename(&tmp, dir.join(&name))
            .await
            .map_err(|e| ServiceError::Internal(format!("media rename: {e}")))?;
        Ok(format!("/media/{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(
            MediaKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(MediaKind::Jpeg)
        );
        assert_eq!(
            MediaKind::sniff(b"\x89PNG\r\n\x1a\nxxxx"),
            Some(MediaKind::Png)
        );
        assert_eq!(
            MediaKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(MediaKind::Webp)
        );
        assert_eq!(
            MediaKind::sniff(b"\0\0\0\x20ftypisom"),
            Some(MediaKind::Mp4)
        );
        assert_eq!(MediaKind::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(MediaKind::sniff(b""), None);
    }
}

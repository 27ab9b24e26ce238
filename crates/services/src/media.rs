//! Merchant media uploads: images and short videos, stored under the data
//! dir and served at `/media/<file>`. The type is read from the bytes
//! (magic numbers), not trusted from the request, and sizes are bounded.

use tracing::instrument;
use yc_domain::ValidationError;
use yc_domain::account::User;

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

impl Services {
    /// Stores an uploaded file and returns its public path (`/media/…`).
    #[instrument(skip_all)]
    pub async fn upload_media(&self, actor: &User, bytes: &[u8]) -> ServiceResult<String> {
        require_merchant(actor)?;
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

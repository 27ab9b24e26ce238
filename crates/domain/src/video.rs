use crate::catalog::parse_media_url;
use crate::error::bounded_text;
use crate::{MerchantId, ProductId, Timestamp, ValidationError, VideoId};
use serde::{Deserialize, Serialize};

pub const MAX_VIDEO_PRODUCTS: usize = 10;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Video {
    pub id: VideoId,
    pub merchant_id: MerchantId,
    pub title: String,
    pub video_url: String,
    pub poster_url: String,
    /// The products behind the yellow cart, in display order.
    pub product_ids: Vec<ProductId>,
    pub created_at: Timestamp,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
pub struct VideoDraft {
    pub title: String,
    pub video_url: String,
    pub poster_url: String,
    pub product_ids: Vec<ProductId>,
}

impl VideoDraft {
    pub fn parse(self, merchant_id: MerchantId, now: Timestamp) -> Result<Video, ValidationError> {
        let product_ids = parse_product_ids(self.product_ids)?;
        Ok(Video {
            id: VideoId::new(),
            merchant_id,
            title: bounded_text("title", &self.title, 1, 100)?,
            video_url: parse_media_url("video_url", &self.video_url)?,
            poster_url: parse_media_url("poster_url", &self.poster_url)?,
            product_ids,
            created_at: now,
        })
    }
}

pub fn parse_product_ids(ids: Vec<ProductId>) -> Result<Vec<ProductId>, ValidationError> {
    if ids.len() > MAX_VIDEO_PRODUCTS {
        return Err(ValidationError::new(
            "product_ids",
            "too_many",
            format!("at most {MAX_VIDEO_PRODUCTS} products per video"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if !ids.iter().all(|id| seen.insert(*id)) {
        return Err(ValidationError::new(
            "product_ids",
            "duplicate",
            "a product is attached twice",
        ));
    }
    Ok(ids)
}

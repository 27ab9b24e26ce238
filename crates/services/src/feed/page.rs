//! One page of the personalized feed, with why each video is there.

use serde::Serialize;
use std::collections::HashSet;
use tracing::instrument;
use uuid::Uuid;
use yc_domain::VideoId;
use yc_domain::account::User;
use yc_domain::fulfilment::Province;
use yc_domain::page::{PageRequest, PageSize};
use yc_feed::{FeedRequest, UserKey};

use crate::catalog::FeedItem;
use crate::{ServiceResult, Services};

/// Already-shown videos a client may send back; bounds the request.
pub const MAX_SEEN: usize = 300;
pub const MAX_PAGE: usize = 20;

/// Who is scrolling, as far as the feed may know.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<User>,
    pub device: Option<Uuid>,
    /// A coarse region the viewer chose (no IP lookup); else the default
    /// address's province.
    pub region: Option<Province>,
    /// Onboarding picks, used while there is little history.
    pub interests: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ReasonView {
    /// Stable, for debugging and analytics (e.g. `Interest{category:"女装"}`).
    pub code: String,
    /// What the viewer reads (e.g. "因为你常看 女装").
    pub text: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PersonalItem {
    #[serde(flatten)]
    pub item: FeedItem,
    pub reasons: Vec<ReasonView>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PersonalFeed {
    pub items: Vec<PersonalItem>,
}

impl Services {
    #[instrument(skip_all)]
    pub async fn personal_feed(
        &self,
        viewer: &Viewer,
        seen: &[VideoId],
        limit: usize,
    ) -> ServiceResult<PersonalFeed> {
        if !self.feed.is_loaded() {
            self.feed_load().await?;
        }
        let limit = limit.clamp(1, MAX_PAGE);
        // The newest shown matter most to what comes next.
        let seen: Vec<VideoId> = seen[seen.len().saturating_sub(MAX_SEEN)..].to_vec();
        let user = match (&viewer.user, viewer.device) {
            (Some(u), _) => UserKey::User(u.id.as_uuid()),
            (None, Some(d)) => UserKey::Device(d),
            (None, None) => UserKey::Device(Uuid::nil()),
        };
        let mut req = FeedRequest::new(user, self.now().millis());
        req.region = match viewer.region {
            Some(r) => Some(r),
            None => self.home_province(viewer.user.as_ref()).await?,
        };
        req.onboarding = viewer.interests.iter().take(10).cloned().collect();
        // Ask for more than a page: some may fail the store re-check.
        req.page_size = limit + 5;
        req.exclude = seen.iter().map(|v| v.as_uuid()).collect();
        let picks = self.feed.model.read().await.recommend(&req);
        let mut items = Vec::with_capacity(limit);
        let mut chosen: HashSet<VideoId> = seen.iter().copied().collect();
        for pick in picks {
            let id = VideoId(pick.item);
            let Some(video) = self.store.get_video(id).await? else {
                continue;
            };
            let Some(item) = self.feed_items(vec![video]).await?.pop() else {
                continue;
            };
            // The hard guarantee: no active product, no slot.
            if item.products.is_empty() || !chosen.insert(id) {
                continue;
            }
            let reasons = pick
                .reasons
                .iter()
                .map(|r| ReasonView {
                    code: r.debug_string(),
                    text: r.text_zh(),
                })
                .collect();
            items.push(PersonalItem { item, reasons });
            if items.len() == limit {
                break;
            }
        }
        if items.len() < limit {
            self.top_up_newest(&mut items, &mut chosen, limit).await?;
        }
        Ok(PersonalFeed { items })
    }

    /// A young catalog or model may not fill a page: newest videos fill it.
    async fn top_up_newest(
        &self,
        items: &mut Vec<PersonalItem>,
        chosen: &mut HashSet<VideoId>,
        limit: usize,
    ) -> ServiceResult<()> {
        let page = PageRequest {
            size: PageSize::parse(Some(50))?,
            after: None,
        };
        let newest = self.feed(page).await?;
        for item in newest.items {
            if items.len() >= limit {
                break;
            }
            if item.products.is_empty() || !chosen.insert(item.video.id) {
                continue;
            }
            items.push(PersonalItem {
                item,
                reasons: vec![ReasonView {
                    code: "Newest".into(),
                    text: "最新发布".into(),
                }],
            });
        }
        Ok(())
    }

    async fn home_province(&self, user: Option<&User>) -> ServiceResult<Option<Province>> {
        let Some(user) = user else {
            return Ok(None);
        };
        let addresses = self.store.default_addresses(&[user.id]).await?;
        Ok(addresses
            .first()
            .and_then(|a| Province::from_region_text(&a.province)))
    }
}

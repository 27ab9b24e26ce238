//! Tunables (`FeedParams`, per request if need be) and bounds (`bounds`,
//! fixed: every structure has one, so memory and per-request work have a
//! ceiling that does not move with traffic).

use serde::{Deserialize, Serialize};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Hard ceilings. Profiles, lists and pools never grow past these; the
/// structures assert it in debug builds and the tests check it.
pub mod bounds {
    /// Interest profile: categories and tags kept per user (lowest decayed
    /// affinity evicted).
    pub const PROFILE_CATEGORIES: usize = 16;
    pub const PROFILE_TAGS: usize = 32;
    /// Last positive items per user (co-visitation sources, kNN history).
    pub const RECENT_ITEMS: usize = 32;
    /// Last impressions per user, for the "seen just now" push-down.
    pub const SEEN_ITEMS: usize = 64;
    /// Per-user "不感兴趣" items honoured as a hard block (oldest forgotten).
    pub const NOT_INTERESTED: usize = 512;
    /// Per-user single-purchase items bought (oldest forgotten).
    pub const PURCHASED: usize = 256;
    /// Co-visitation: neighbours stored per item (space-saving slots) and
    /// the top ones read per item.
    pub const COVISIT_SLOTS: usize = 48;
    pub const COVISIT_READ: usize = 32;
    /// Prior items one positive event pairs with.
    pub const PAIRS_PER_EVENT: usize = 8;
    /// Recent items a request expands through co-visitation.
    pub const COVISIT_SOURCES: usize = 12;
    /// Latest positives that make up the short-term (session) interest.
    pub const SESSION_ITEMS: usize = 12;
    /// Profile entries a request expands into candidate pools.
    pub const EXPAND_CATEGORIES: usize = 8;
    pub const EXPAND_TAGS: usize = 8;
    pub const ONBOARDING: usize = 8;
    /// Candidate pools rebuilt by `refresh`.
    pub const POOL_CATEGORY: usize = 200;
    pub const POOL_TAG: usize = 48;
    pub const POOL_PROVINCE: usize = 120;
    pub const POOL_REGION: usize = 120;
    pub const POOL_TRENDING: usize = 200;
    pub const POOL_FRESH: usize = 200;
    pub const POOL_POPULAR: usize = 300;
    /// Items from each explored category; explored categories per request.
    pub const EXPLORE_PER_CATEGORY: usize = 6;
    pub const EXPLORE_CATEGORIES: usize = 24;
    /// Scored candidates per request: the per-request work ceiling.
    pub const MAX_CANDIDATES: usize = 6_000;
    /// `FeedRequest::exclude` entries honoured (50 pages of 20).
    pub const EXCLUDE: usize = 1_000;
    pub const TAGS_PER_ITEM: usize = 8;
}

/// Model-wide capacity. Items beyond `max_items` are refused; users beyond
/// `max_users` evict the least recently active of a small sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    pub max_items: usize,
    pub max_users: usize,
    pub max_categories: usize,
    pub max_tags: usize,
    pub max_merchants: usize,
}

impl Default for Capacity {
    fn default() -> Self {
        Capacity {
            max_items: 2_000_000,
            max_users: 2_000_000,
            max_categories: 10_000,
            max_tags: 200_000,
            max_merchants: 1_000_000,
        }
    }
}

/// Ranking knobs; `Default` is what the evaluation was tuned with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedParams {
    pub interest_half_life_ms: i64,
    pub popularity_half_life_ms: i64,
    /// The "last few hours" of trending, compared with the popularity rate.
    pub trend_half_life_ms: i64,
    pub covisit_half_life_ms: i64,
    /// Two positive items of one user this close in time are co-visited.
    pub covisit_window_ms: i64,
    pub fresh_half_life_ms: i64,
    /// Videos older than this get no freshness score.
    pub fresh_window_ms: i64,
    /// Impressions this recent push the video down by `seen_penalty`.
    pub seen_window_ms: i64,
    pub seen_penalty: f32,

    /// Exponent on P(category | viewer): 1 trusts the profile as is, 0
    /// ignores it.
    pub w_interest: f32,
    /// Share of the latest positives (this session) in the viewer's
    /// category distribution, against long-term affinity.
    pub session_share: f32,
    /// Share of the platform-wide category mix blended into every viewer's
    /// distribution, so no category is ever impossible.
    pub category_floor: f32,
    /// Exponent on the video's share of its category's engagement.
    pub w_popular: f32,
    /// Lift strengths: a source at full strength multiplies the odds by
    /// 1 + w.
    pub w_tag: f32,
    pub w_covisit: f32,
    pub w_local: f32,
    pub w_trending: f32,
    pub w_fresh: f32,

    /// MMR discount per video of the same category already on the page.
    pub category_penalty: f32,
    /// Hard caps per page of 20 (scaled for other sizes, at least 1).
    pub max_per_category: usize,
    pub max_per_merchant: usize,
    /// Let a category the viewer's own distribution gives more than the cap
    /// (say 60% of their engagement) fill that share of the page instead.
    pub calibrated_caps: bool,
    /// Share of the page reserved for categories outside the profile;
    /// clamped to 0.0..=0.5.
    pub exploration_share: f32,
    /// A category is "in the profile" when its affinity is at least this
    /// share of the top category's.
    pub core_category_share: f32,
    /// Drop sold-out videos instead of showing them after the rest.
    pub drop_sold_out: bool,
}

impl Default for FeedParams {
    fn default() -> Self {
        FeedParams {
            interest_half_life_ms: 7 * DAY_MS,
            popularity_half_life_ms: 3 * DAY_MS,
            trend_half_life_ms: 3 * HOUR_MS,
            covisit_half_life_ms: 14 * DAY_MS,
            covisit_window_ms: 6 * HOUR_MS,
            fresh_half_life_ms: DAY_MS,
            fresh_window_ms: 3 * DAY_MS,
            seen_window_ms: HOUR_MS / 2,
            seen_penalty: 0.3,
            w_interest: 1.0,
            session_share: 0.5,
            category_floor: 0.1,
            w_tag: 1.0,
            w_covisit: 3.0,
            w_local: 0.5,
            w_trending: 0.3,
            w_fresh: 0.3,
            w_popular: 1.0,
            category_penalty: 0.1,
            max_per_category: 3,
            max_per_merchant: 2,
            calibrated_caps: true,
            exploration_share: 0.15,
            core_category_share: 0.2,
            drop_sold_out: false,
        }
    }
}

impl FeedParams {
    /// The same knobs with every value forced into its legal range.
    pub fn sanitized(&self) -> FeedParams {
        let mut p = self.clone();
        let pos = |v: i64| v.max(1);
        p.interest_half_life_ms = pos(p.interest_half_life_ms);
        p.popularity_half_life_ms = pos(p.popularity_half_life_ms);
        p.trend_half_life_ms = pos(p.trend_half_life_ms);
        p.covisit_half_life_ms = pos(p.covisit_half_life_ms);
        p.fresh_half_life_ms = pos(p.fresh_half_life_ms);
        let unit = |v: f32| {
            if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        let weight = |v: f32| {
            if v.is_finite() {
                v.clamp(0.0, 100.0)
            } else {
                0.0
            }
        };
        p.seen_penalty = unit(p.seen_penalty).max(1e-3);
        p.session_share = unit(p.session_share);
        p.category_floor = unit(p.category_floor).max(1e-3);
        p.core_category_share = unit(p.core_category_share);
        p.exploration_share = unit(p.exploration_share).min(0.5);
        for w in [
            &mut p.w_interest,
            &mut p.w_tag,
            &mut p.w_covisit,
            &mut p.w_local,
            &mut p.w_trending,
            &mut p.w_fresh,
            &mut p.w_popular,
        ] {
            *w = weight(*w);
        }
        p.category_penalty = weight(p.category_penalty);
        p.max_per_category = p.max_per_category.max(1);
        p.max_per_merchant = p.max_per_merchant.max(1);
        p
    }

    /// Caps for a page of `page` slots: the per-20 cap scaled, at least 1.
    pub fn caps_for_page(&self, page: usize) -> (usize, usize) {
        let scale = |cap: usize| (cap * page).div_ceil(20).max(1);
        (scale(self.max_per_category), scale(self.max_per_merchant))
    }

    /// Reserved exploration slots in a page of `page`.
    pub fn exploration_slots(&self, page: usize) -> usize {
        let share = f64::from(self.exploration_share.clamp(0.0, 0.5));
        (share * page as f64).round() as usize
    }
}

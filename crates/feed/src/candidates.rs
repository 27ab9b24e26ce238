//! Candidates of one request and their features. Candidates come only from
//! pools and neighbour lists (see `rank::gather`), so the work is bounded
//! by `bounds::MAX_CANDIDATES` whatever the catalog size.

use crate::fxhash::FxMap;
use crate::model::FeedModel;
use crate::params::{FeedParams, bounds};
use crate::signal::decay;
use crate::viewer::Viewer;
use yc_domain::fulfilment::{Lane, LaneClass, Province};

/// Per-candidate evidence. Probabilities drive the score; the 0..=1
/// source strengths drive the lifts and the reasons.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Features {
    /// P(next engagement is in this category) for this viewer, with the
    /// platform-wide share mixed in as a floor.
    pub cat_prob: f32,
    /// The category's platform-wide share of engagement.
    pub global_share: f32,
    /// The video's share of its category's recent engagement.
    pub item_prob: f32,
    /// Long-term category affinity / the viewer's top one (−1..=1).
    pub interest: f32,
    pub onboarding: f32,
    pub tag: f32,
    pub tag_id: Option<u32>,
    /// Σ over recent positives of recency × co-visitation similarity; not
    /// normalised per request, so a strong neighbour counts as strong
    /// whatever else is on the page.
    pub covisit: f32,
    /// The recent item that contributed most to `covisit`.
    pub because: Option<u32>,
    pub because_w: f32,
    pub local: f32,
    pub lane: Option<LaneClass>,
    pub trend: f32,
    pub fresh: f32,
    pub popular: f32,
    pub seen: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub item: u32,
    pub category: u32,
    pub merchant: u32,
    pub product: u32,
    pub sold_out: bool,
    pub f: Features,
    pub score: f32,
    /// Score without the viewer's own history: ranks exploration slots.
    pub explore_score: f32,
}

/// Lane preference: shorter lanes deliver sooner and cheaper.
pub(crate) fn lane_score(class: LaneClass) -> f32 {
    match class {
        LaneClass::SameProvince => 1.0,
        LaneClass::SameRegion => 0.5,
        LaneClass::CrossRegion => 0.15,
        LaneClass::Remote => 0.0,
    }
}

/// De-duplicating candidate set, bounded by `MAX_CANDIDATES`.
pub(crate) struct Gather {
    pub index: FxMap<u32, usize>,
    pub items: Vec<(u32, Features)>,
}

impl Gather {
    pub fn new() -> Self {
        Gather {
            index: FxMap::with_capacity_and_hasher(4096, Default::default()),
            items: Vec::with_capacity(4096),
        }
    }

    /// The candidate's features, admitting it if there is room.
    pub fn entry(&mut self, item: u32) -> Option<&mut Features> {
        let pos = match self.index.get(&item) {
            Some(&pos) => pos,
            None if self.items.len() < bounds::MAX_CANDIDATES => {
                self.items.push((item, Features::default()));
                self.index.insert(item, self.items.len() - 1);
                self.items.len() - 1
            }
            None => return None,
        };
        Some(&mut self.items[pos].1)
    }

    pub fn add_all(&mut self, list: &[u32]) {
        for &i in list {
            if self.entry(i).is_none() {
                return;
            }
        }
    }
}

/// Fills every candidate's features that depend only on the item, the
/// viewer and the clock (co-visitation is filled while gathering).
pub(crate) fn features(
    m: &FeedModel,
    v: &Viewer,
    region: Option<Province>,
    now_ms: i64,
    p: &FeedParams,
    g: &mut Gather,
) {
    let max_pop = m
        .pools
        .popular
        .first()
        .map_or(0.0, |&i| m.popularity.popularity(i, now_ms, p))
        .max(1.0);
    let seen: Vec<u32> = v.profile.map_or_else(Vec::new, |u| {
        u.seen
            .items
            .iter()
            .filter(|(_, at)| (now_ms - at).abs() <= p.seen_window_ms)
            .map(|s| s.0)
            .collect()
    });
    let total_mass = m.popularity.total_mass(now_ms, p);
    let n_categories = m.catalog.categories.len().max(1) as f32;
    let mut category_mass: FxMap<u32, f32> = FxMap::default();
    for (item, f) in g.items.iter_mut() {
        let row = m.catalog.row(*item);
        let c = row.category;
        let cat_mass = *category_mass
            .entry(c)
            .or_insert_with(|| m.popularity.category_mass(c, now_ms, p));
        let pop = m.popularity.popularity(*item, now_ms, p);
        // Smoothed so a silent category or video is unlikely, not impossible.
        f.global_share = (cat_mass + 1.0) / (total_mass + n_categories);
        f.item_prob = (pop + ITEM_PRIOR) / (cat_mass + ITEM_PRIOR * POOL_GUESS);
        f.cat_prob =
            v.personal_weight * v.personal_share(c) + (1.0 - v.personal_weight) * f.global_share;
        f.interest = v.categories.iter().find(|e| e.0 == c).map_or(0.0, |e| e.1);
        f.onboarding = v.onboarding.iter().find(|o| o.0 == c).map_or(0.0, |o| o.1);
        // A tag's share of its category's affinity: how much this viewer
        // prefers the style within the category, not the category again.
        let cat_raw = v
            .raw_categories
            .iter()
            .find(|e| e.0 == c)
            .map_or(0.0, |e| e.1);
        if cat_raw > 0.0 {
            for &t in row.tags.as_slice() {
                if let Some(&(_, a)) = v.raw_tags.iter().find(|e| e.0 == t) {
                    let share = (a / cat_raw).clamp(0.0, 1.0);
                    if share > f.tag {
                        f.tag = share;
                        f.tag_id = Some(t);
                    }
                }
            }
        }
        if let (Some(buyer), Some(origin)) = (region, row.origin) {
            let class = Lane::new(origin, buyer).class();
            f.local = lane_score(class);
            f.lane = Some(class);
        }
        if m.pools.max_trend > 0.0 {
            let t = m.pools.trend.get(*item as usize).copied().unwrap_or(0.0);
            f.trend = t / m.pools.max_trend;
        }
        let age = now_ms - row.created_at_ms;
        if (0..=p.fresh_window_ms).contains(&age) {
            f.fresh = decay(1.0, age, p.fresh_half_life_ms);
        }
        f.popular = pop.ln_1p() / max_pop.ln_1p();
        f.seen = seen.contains(item);
    }
}

/// Engagement mass every video starts with, and the category size it is
/// smoothed against: a new video competes before its first view.
const ITEM_PRIOR: f32 = 0.5;
const POOL_GUESS: f32 = 50.0;

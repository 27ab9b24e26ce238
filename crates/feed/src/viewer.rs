//! What one request knows about its viewer, derived once per request from
//! the bounded profile: where their next engagement is likely to fall
//! (a distribution over categories) and which categories are "theirs".

use crate::model::FeedModel;
use crate::params::{FeedParams, bounds};
use crate::profile::UserProfile;
use crate::types::FeedRequest;

pub(crate) struct Viewer<'a> {
    pub profile: Option<&'a UserProfile>,
    /// Long-term affinity / the top one (−1..=1), strongest first.
    pub categories: Vec<(u32, f32)>,
    /// Decayed affinity sums as stored.
    pub raw_categories: Vec<(u32, f32)>,
    pub raw_tags: Vec<(u32, f32)>,
    /// The viewer's own category distribution (sums to 1 when non-empty):
    /// long-term interest, latest positives and onboarding picks mixed.
    pub personal: Vec<(u32, f32)>,
    /// Weight of `personal` against the platform-wide category shares.
    pub personal_weight: f32,
    /// Onboarding categories and their fading weight.
    pub onboarding: Vec<(u32, f32)>,
    /// Categories that count as "in the profile" for exploration.
    pub core: Vec<u32>,
}

/// Positive parts scaled to sum to 1; empty when nothing is positive.
fn shares(v: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let total: f32 = v.iter().map(|e| e.1.max(0.0)).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    v.iter()
        .filter(|e| e.1 > 0.0)
        .map(|&(c, a)| (c, a / total))
        .collect()
}

/// `a·x + b·y` over two sparse distributions.
fn mix(x: &[(u32, f32)], a: f32, y: &[(u32, f32)], b: f32) -> Vec<(u32, f32)> {
    let mut out: Vec<(u32, f32)> = x.iter().map(|&(c, v)| (c, a * v)).collect();
    for &(c, v) in y {
        match out.iter_mut().find(|e| e.0 == c) {
            Some(e) => e.1 += b * v,
            None => out.push((c, b * v)),
        }
    }
    out
}

impl<'a> Viewer<'a> {
    pub fn new(m: &'a FeedModel, req: &FeedRequest, p: &FeedParams) -> Self {
        let profile = m.users.get(&req.user);
        let hl = p.interest_half_life_ms;
        let raw_categories = profile.map_or_else(Vec::new, |u| u.categories.ranked(req.now_ms, hl));
        let raw_tags = profile.map_or_else(Vec::new, |u| u.tags.ranked(req.now_ms, hl));
        let top = raw_categories.first().map_or(0.0, |e| e.1);
        let categories: Vec<(u32, f32)> = raw_categories
            .iter()
            .map(|&(c, a)| {
                (
                    c,
                    if top > 0.0 {
                        (a / top).clamp(-1.0, 1.0)
                    } else {
                        a.clamp(-1.0, 0.0)
                    },
                )
            })
            .collect();

        // The latest positives, newest weighing most: what this session is about.
        let mut session: Vec<(u32, f32)> = Vec::new();
        if let Some(u) = profile {
            for (rank, r) in u
                .recent
                .items
                .iter()
                .rev()
                .take(bounds::SESSION_ITEMS)
                .enumerate()
            {
                let w = 0.8f32.powi(rank as i32);
                let c = m.catalog.row(r.item).category;
                match session.iter_mut().find(|s| s.0 == c) {
                    Some(s) => s.1 += w,
                    None => session.push((c, w)),
                }
            }
        }
        let long = shares(&raw_categories);
        let session = shares(&session);
        let mut personal = match (long.is_empty(), session.is_empty()) {
            (true, _) => session,
            (false, true) => long,
            (false, false) => mix(&long, 1.0 - p.session_share, &session, p.session_share),
        };

        // Onboarding picks speak for a new viewer and fade as history grows.
        let positives = profile.map_or(0, |u| u.positives);
        let fade = 1.0 / (1.0 + positives as f32 / 5.0);
        let mut onboarding: Vec<(u32, f32)> = Vec::new();
        for name in req.onboarding.iter().take(bounds::ONBOARDING) {
            if let Some(c) = m.catalog.categories.get_str(name)
                && !onboarding.iter().any(|o| o.0 == c)
            {
                onboarding.push((c, fade));
            }
        }
        if !onboarding.is_empty() {
            let picked = shares(&onboarding);
            let o = if personal.is_empty() { 1.0 } else { fade };
            personal = mix(&personal, 1.0 - o, &picked, o);
        }
        let personal_weight = if personal.is_empty() {
            0.0
        } else {
            1.0 - p.category_floor
        };

        let mut core: Vec<u32> = categories
            .iter()
            .filter(|(_, a)| *a >= p.core_category_share && *a > 0.0)
            .map(|c| c.0)
            .collect();
        core.extend(onboarding.iter().map(|o| o.0));
        Viewer {
            profile,
            categories,
            raw_categories,
            raw_tags,
            personal,
            personal_weight,
            onboarding,
            core,
        }
    }

    pub fn is_core(&self, category: u32) -> bool {
        self.core.contains(&category)
    }

    pub fn personal_share(&self, category: u32) -> f32 {
        self.personal
            .iter()
            .find(|e| e.0 == category)
            .map_or(0.0, |e| e.1)
    }
}

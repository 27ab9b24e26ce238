//! One request end to end: gather → features → blend → filter → re-rank →
//! reasons. The exclusion rules live in `admissible`, which every
//! candidate passes through, so no source can smuggle a blocked video in.

use crate::candidates::{Candidate, Features, Gather, features};
use crate::fxhash::FxSet;
use crate::model::FeedModel;
use crate::params::{FeedParams, bounds};
use crate::reason::Reason;
use crate::rerank::{Placed, rerank};
use crate::types::{FeedRequest, Recommendation, UserKey};
use crate::viewer::Viewer;
use yc_domain::fulfilment::LaneClass;

pub(crate) fn recommend(m: &FeedModel, req: &FeedRequest) -> Vec<Recommendation> {
    let p = match &req.params {
        Some(over) => over.sanitized(),
        None => m.params.clone(),
    };
    let now = req.now_ms;
    let page = req.page_size();
    let v = Viewer::new(m, req, &p);

    let mut g = Gather::new();
    gather(m, req, &v, &p, &mut g);
    features(m, &v, req.region, now, &p, &mut g);

    let (blocked, bought) = excluded(m, req, &v);
    let mut cands: Vec<Candidate> = g
        .items
        .iter()
        .filter(|(i, _)| admissible(m, *i, now, (&blocked, &bought), &p))
        .map(|&(item, f)| blend(m, item, f, &p))
        .collect();
    cands.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));

    let placed = rerank(&cands, &v, &p, page);
    let out: Vec<Recommendation> = placed
        .iter()
        .map(|pl| Recommendation {
            item: m.catalog.row(pl.cand.item).key,
            // Relative odds of engagement (>0, higher is better).
            score: pl.cand.score.exp(),
            reasons: reasons(m, pl, &p),
        })
        .collect();
    debug_assert!(out.len() <= page);
    out
}

/// Videos this viewer must never get, and single-purchase products they
/// bought (every video of such a product is out), as dense indices.
fn excluded(m: &FeedModel, req: &FeedRequest, v: &Viewer) -> (FxSet<u32>, FxSet<u32>) {
    let mut set = FxSet::default();
    let mut bought = FxSet::default();
    if let Some(u) = v.profile {
        set.extend(u.not_interested.items.iter().copied());
        bought.extend(u.purchased.items.iter().copied());
    }
    set.extend(
        req.exclude
            .iter()
            .take(bounds::EXCLUDE)
            .filter_map(|k| m.catalog.index(k)),
    );
    (set, bought)
}

fn admissible(
    m: &FeedModel,
    item: u32,
    now: i64,
    (blocked, bought): (&FxSet<u32>, &FxSet<u32>),
    p: &FeedParams,
) -> bool {
    let row = m.catalog.row(item);
    let gone = row.avail.blocked_or_deleted || (p.drop_sold_out && row.avail.sold_out);
    let unpublished = row.created_at_ms > now;
    let refused = blocked.contains(&item) || (row.single_purchase && bought.contains(&row.product));
    !(gone || unpublished || refused)
}

/// Log-odds of engagement: ln P(category | viewer), plus ln P(video |
/// category), plus one ln-lift per source. Additive in logs so each source
/// multiplies the odds, and so the MMR discount in `rerank` is a factor.
fn blend(m: &FeedModel, item: u32, f: Features, p: &FeedParams) -> Candidate {
    let row = m.catalog.row(item);
    let lift = |w: f32, x: f32| if x > 0.0 { (w * x).ln_1p() } else { 0.0 };
    let prior = p.w_popular * f.item_prob.max(1e-9).ln()
        + lift(p.w_local, f.local)
        + lift(p.w_trending, f.trend)
        + lift(p.w_fresh, f.fresh);
    let seen = if f.seen { p.seen_penalty.ln() } else { 0.0 };
    let score = p.w_interest * f.cat_prob.max(1e-9).ln()
        + lift(p.w_tag, f.tag)
        + lift(p.w_covisit, f.covisit)
        + prior
        + seen;
    // Exploration ranks as a newcomer would see it: platform-wide category
    // shares, no personal taste but what co-visitation suggests.
    let explore_score = p.w_interest * f.global_share.max(1e-9).ln()
        + lift(0.5 * p.w_covisit, f.covisit)
        + prior
        + seen;
    Candidate {
        item,
        category: row.category,
        merchant: row.merchant,
        product: row.product,
        sold_out: row.avail.sold_out,
        f,
        score,
        explore_score,
    }
}

fn gather(m: &FeedModel, req: &FeedRequest, v: &Viewer, p: &FeedParams, g: &mut Gather) {
    let now = req.now_ms;
    if let Some(u) = v.profile {
        for (rank, r) in u
            .recent
            .items
            .iter()
            .rev()
            .take(bounds::COVISIT_SOURCES)
            .enumerate()
        {
            let rw = 0.85f32.powi(rank as i32) * (0.5 + r.weight / 16.0);
            for (n, sim) in m.covisits.neighbours(r.item, now, p.covisit_half_life_ms) {
                let Some(f) = g.entry(n) else { break };
                let contribution = rw * sim;
                if f.because.is_none() || contribution > f.because_w {
                    f.because = Some(r.item);
                    f.because_w = contribution;
                }
                f.covisit += contribution;
            }
        }
    }
    let mut likely = v.personal.clone();
    likely.sort_by(|a, b| b.1.total_cmp(&a.1));
    for &(c, _) in likely.iter().take(bounds::EXPAND_CATEGORIES) {
        g.add_all(m.pools.category(c));
    }
    for &(c, _) in &v.onboarding {
        g.add_all(m.pools.category(c));
    }
    for &(t, a) in v.raw_tags.iter().take(bounds::EXPAND_TAGS) {
        if a > 0.0 {
            g.add_all(m.pools.tag(t));
        }
    }
    if let Some(buyer) = req.region {
        g.add_all(m.pools.province(buyer));
        g.add_all(m.pools.region(buyer.region()));
    }
    g.add_all(&m.pools.trending);
    g.add_all(&m.pools.fresh);
    g.add_all(&m.pools.popular);
    // Exploration: the head of a rotating sample of other categories, so
    // exploration slots are not always the same blockbusters.
    let n_cat = m.catalog.categories.len() as u64;
    let mut rng = SplitMix(user_seed(&req.user) ^ (now / 900_000) as u64);
    for _ in 0..bounds::EXPLORE_CATEGORIES.min(n_cat as usize) {
        let c = (rng.next() % n_cat.max(1)) as u32;
        if !v.is_core(c) {
            let pool = m.pools.category(c);
            g.add_all(&pool[..pool.len().min(bounds::EXPLORE_PER_CATEGORY)]);
        }
    }
}

fn user_seed(u: &UserKey) -> u64 {
    let (tag, id) = match u {
        UserKey::User(id) => (1u64, id.as_u128()),
        UserKey::Device(id) => (2u64, id.as_u128()),
    };
    (id as u64) ^ ((id >> 64) as u64) ^ tag.rotate_left(61)
}

/// splitmix64: tiny, seedable, good enough to rotate exploration.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Contributions above this fraction of the score are worth telling.
const REASON_SHARE: f32 = 0.15;

fn reasons(m: &FeedModel, pl: &Placed, p: &FeedParams) -> Vec<Reason> {
    let f = &pl.cand.f;
    let row = m.catalog.row(pl.cand.item);
    let lift = |w: f32, x: f32| (w * x.max(0.0)).ln_1p();
    let mut parts: Vec<(f32, Reason)> = Vec::new();
    let category = || m.catalog.category_name(row.category).to_string();
    // How much likelier this viewer is than the average one to want the category.
    let taste = p.w_interest * (f.cat_prob / f.global_share.max(1e-9)).max(1e-9).ln();
    if f.onboarding > 0.0 && f.onboarding >= f.interest {
        parts.push((
            taste,
            Reason::Onboarding {
                category: category(),
            },
        ));
    } else if f.interest > 0.0 {
        parts.push((
            taste,
            Reason::Interest {
                category: category(),
            },
        ));
    }
    if let Some(t) = f.tag_id {
        let tag = m.catalog.tag_name(t).to_string();
        parts.push((lift(p.w_tag, f.tag), Reason::Tag { tag }));
    }
    if let Some(b) = f.because {
        let because = m.catalog.row(b).key;
        parts.push((lift(p.w_covisit, f.covisit), Reason::AlsoViewed { because }));
    }
    if let (Some(origin), Some(lane)) = (row.origin, f.lane)
        && matches!(lane, LaneClass::SameProvince | LaneClass::SameRegion)
    {
        parts.push((
            lift(p.w_local, f.local),
            Reason::Local {
                province: origin,
                lane,
            },
        ));
    }
    parts.push((lift(p.w_trending, f.trend), Reason::Trending));
    parts.push((lift(p.w_fresh, f.fresh), Reason::Fresh));
    parts.push((p.w_popular * 0.5 * f.popular, Reason::Popular));
    let total: f32 = parts.iter().map(|x| x.0.max(0.0)).sum();
    parts.retain(|x| x.0 > 0.0 && x.0 >= REASON_SHARE * total);
    parts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<Reason> = Vec::with_capacity(4);
    if pl.explore {
        out.push(Reason::Explore);
    }
    out.extend(parts.into_iter().take(3).map(|x| x.1));
    if out.is_empty() {
        out.push(Reason::Popular);
    }
    out
}

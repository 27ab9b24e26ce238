//! How a synthetic user scrolls: sessions focused on one category (mostly
//! a favourite), exposures skewed to popular and new videos, and a funnel
//! impression → watch → cart tap → sheet → add-to-cart → purchase whose
//! odds rise with taste (category, style tag), a short delivery lane and
//! the video's appeal.

use super::synthetic::{DAY_MS, SyntheticUser, Taste};
use super::world::{Cdf, World};
use crate::signal::Signal;
use crate::types::Event;
use rand::Rng;
use rand::rngs::StdRng;
use yc_domain::fulfilment::{Lane, LaneClass};

/// Exposures per session, and events per exposure, are small; this is the
/// average the session count is planned with.
const EVENTS_PER_SESSION: usize = 14;

pub(crate) fn simulate_user(
    w: &World,
    user: &SyntheticUser,
    taste: &Taste,
    rng: &mut StdRng,
    out: &mut Vec<Event>,
) {
    let budget = ((w.cfg.events_per_user as f32 * user.activity).round() as usize).max(4);
    let mut starts: Vec<i64> = (0..budget.div_ceil(EVENTS_PER_SESSION))
        .map(|_| rng.gen_range(w.start_ms..w.end_ms))
        .collect();
    starts.sort_unstable();
    let favourites = Cdf::new(taste.favourites.iter().map(|f| f64::from(f.1)));
    let favourite = |rng: &mut StdRng| {
        favourites
            .sample(rng)
            .map(|i| taste.favourites[i].0)
            .or_else(|| w.category_cdf.sample(rng))
            .unwrap_or(0)
    };
    let mut bought: Vec<u32> = Vec::new();
    let mut emitted = 0;
    'sessions: for start in starts {
        let focus = if rng.gen_bool(1.0 - w.cfg.explore_rate.clamp(0.0, 1.0)) {
            favourite(rng)
        } else {
            w.category_cdf.sample(rng).unwrap_or(0)
        };
        let mut t = start;
        for _ in 0..rng.gen_range(4..16) {
            if emitted >= budget {
                break 'sessions;
            }
            let c = match rng.r#gen::<f64>() {
                x if x < 0.75 => focus,
                x if x < 0.9 => favourite(rng),
                _ => w.category_cdf.sample(rng).unwrap_or(0),
            };
            let Some(item) = pick_item(w, c, t, rng) else {
                continue;
            };
            let before = out.len();
            expose(w, user, taste, item, t, rng, out, &mut bought);
            let n = out.len() - before;
            emitted += n;
            t += rng.gen_range(5_000..40_000) + n as i64 * 8_000;
        }
    }
}

/// A video of category `c` already published at `t`, by appeal, newer
/// ones more likely (a video's reach fades over its first weeks).
fn pick_item(w: &World, c: usize, t: i64, rng: &mut StdRng) -> Option<u32> {
    let (items, cdf) = w.category_items.get(c)?;
    for _ in 0..12 {
        let item = items[cdf.sample(rng)?];
        let age = t - w.items[item as usize].created_at_ms;
        if age < 0 {
            continue;
        }
        let reach = 0.5f64.powf(age as f64 / (10 * DAY_MS) as f64).max(0.25);
        if rng.gen_bool(reach) {
            return Some(item);
        }
    }
    None
}

/// The user's propensity to engage with `item`, 0.01..=0.95.
fn propensity(w: &World, user: &SyntheticUser, taste: &Taste, item: u32) -> (f32, bool) {
    let i = item as usize;
    let c = w.item_category[i];
    let fav = taste.favourites.iter().find(|f| f.0 == c).map(|f| f.1);
    let base = fav.map_or(0.06, |f| 0.35 + 0.65 * f);
    let tag = if w.item_tags[i].iter().any(|&t| taste.tags.contains(&(c, t))) {
        1.6
    } else {
        0.75
    };
    let local = match w.items[i].origin.map(|o| Lane::new(o, user.home).class()) {
        Some(LaneClass::SameProvince) => 1.6,
        Some(LaneClass::SameRegion) => 1.25,
        Some(LaneClass::CrossRegion) | None => 1.0,
        Some(LaneClass::Remote) => 0.8,
    };
    let quality = 0.6 + 0.8 * w.appeal_pct[i];
    (
        (base * tag * local * quality).clamp(0.01, 0.95),
        fav.is_some(),
    )
}

#[allow(clippy::too_many_arguments)]
fn expose(
    w: &World,
    user: &SyntheticUser,
    taste: &Taste,
    item: u32,
    t: i64,
    rng: &mut StdRng,
    out: &mut Vec<Event>,
    bought: &mut Vec<u32>,
) {
    let meta = &w.items[item as usize];
    let (p, favourite) = propensity(w, user, taste, item);
    let mut emit = |kind: Signal, at_ms: i64| {
        out.push(Event {
            user: user.key,
            item: meta.key,
            kind,
            at_ms,
        })
    };
    emit(Signal::Impression, t);
    let completion = (p * 100.0 + rng.gen_range(-25.0..25.0)).clamp(0.0, 100.0);
    if completion < 15.0 {
        emit(Signal::Skip, t + 1_500);
        if !favourite && rng.gen_bool(0.04) {
            emit(Signal::NotInterested, t + 2_500);
        }
        return;
    }
    let watched = t + 2_000 + (completion * 150.0) as i64;
    emit(
        Signal::Watch {
            completion_pct: completion as u8,
        },
        watched,
    );
    if completion < 50.0 {
        return;
    }
    let p = f64::from(p);
    if rng.gen_bool(p * 0.55) {
        emit(Signal::CartTap, watched + 5_000);
        if rng.gen_bool(0.7) {
            emit(Signal::SheetOpen, watched + 9_000);
        }
        if rng.gen_bool(p * 0.6) {
            emit(Signal::AddToCart, watched + 20_000);
            let repeat = meta.single_purchase && bought.contains(&item);
            if !repeat && rng.gen_bool(0.5) {
                emit(Signal::Purchase, watched + 45_000);
                bought.push(item);
            }
        }
    }
    if rng.gen_bool(p * 0.12) {
        emit(Signal::Favorite, watched + 3_000);
    }
    if rng.gen_bool(p * 0.04) {
        emit(Signal::Share, watched + 4_000);
    }
}

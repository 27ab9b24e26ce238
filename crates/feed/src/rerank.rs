//! Diversity re-rank: greedy MMR — each slot takes the video with the best
//! score minus `category_penalty` × videos of its category already on the
//! page — under hard per-page caps on category, merchant and product, with
//! evenly spaced exploration slots taken by the best videos from
//! categories outside the viewer's profile. Caps only tighten as the page
//! fills, so a candidate skipped once stays skipped and each queue is
//! walked once: O(candidates + page × categories).

use crate::candidates::Candidate;
use crate::fxhash::FxMap;
use crate::params::FeedParams;
use crate::viewer::Viewer;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub cand: Candidate,
    /// Took an exploration slot.
    pub explore: bool,
}

struct Page<'a> {
    cands: &'a [Candidate],
    used: Vec<bool>,
    per_category: FxMap<u32, usize>,
    per_merchant: FxMap<u32, usize>,
    /// One video per product per page: two videos of one product are one
    /// choice for the viewer.
    products: Vec<u32>,
    cap_category: usize,
    /// Raised caps for categories the viewer's own distribution favours.
    calibrated: Vec<(u32, usize)>,
    cap_merchant: usize,
    out: Vec<Placed>,
}

impl Page<'_> {
    fn fits(&self, c: &Candidate) -> bool {
        let cap = self
            .calibrated
            .iter()
            .find(|e| e.0 == c.category)
            .map_or(self.cap_category, |e| e.1);
        self.per_category.get(&c.category).copied().unwrap_or(0) < cap
            && self.per_merchant.get(&c.merchant).copied().unwrap_or(0) < self.cap_merchant
            && !self.products.contains(&c.product)
    }

    fn place(&mut self, i: usize, explore: bool) {
        let c = self.cands[i];
        self.used[i] = true;
        *self.per_category.entry(c.category).or_default() += 1;
        *self.per_merchant.entry(c.merchant).or_default() += 1;
        self.products.push(c.product);
        self.out.push(Placed { cand: c, explore });
    }

    /// Advances `cursor` over `queue` to the first entry that is unused,
    /// within caps and accepted by `extra`.
    fn next(
        &self,
        queue: &[usize],
        cursor: &mut usize,
        extra: impl Fn(&Candidate) -> bool,
    ) -> Option<usize> {
        while let Some(&i) = queue.get(*cursor) {
            let c = &self.cands[i];
            if !self.used[i] && self.fits(c) && extra(c) {
                return Some(i);
            }
            *cursor += 1;
        }
        None
    }
}

/// `cands` must be sorted by score, best first.
pub(crate) fn rerank(cands: &[Candidate], v: &Viewer, p: &FeedParams, page: usize) -> Vec<Placed> {
    let (cap_category, cap_merchant) = p.caps_for_page(page);
    let mut pg = Page {
        cands,
        used: vec![false; cands.len()],
        per_category: FxMap::default(),
        per_merchant: FxMap::default(),
        products: Vec::with_capacity(page),
        cap_category,
        calibrated: if p.calibrated_caps {
            let personal_slots = page as f32 * (1.0 - p.exploration_share);
            v.personal
                .iter()
                .map(|&(c, share)| {
                    (
                        c,
                        ((personal_slots * share).round() as usize).max(cap_category),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        cap_merchant,
        out: Vec::with_capacity(page),
    };
    let available: Vec<usize> = (0..cands.len()).filter(|&i| !cands[i].sold_out).collect();
    let mut explore: Vec<usize> = available
        .iter()
        .copied()
        .filter(|&i| !v.is_core(cands[i].category) && cands[i].f.interest >= 0.0)
        .collect();
    explore.sort_by(|&a, &b| cands[b].explore_score.total_cmp(&cands[a].explore_score));

    let n_explore = p.exploration_slots(page);
    let explore_at: Vec<usize> = (1..=n_explore)
        .map(|k| k * page / (n_explore + 1))
        .collect();
    let mut explored: Vec<u32> = Vec::with_capacity(n_explore);
    let (mut explore_cur, mut explore_again) = (0, 0);
    // Per category, its available videos in score order, with a cursor.
    let mut groups: Vec<(u32, Vec<usize>, usize)> = Vec::new();
    let mut group_of: FxMap<u32, usize> = FxMap::default();
    for &i in &available {
        let c = cands[i].category;
        let g = *group_of.entry(c).or_insert_with(|| {
            groups.push((c, Vec::new(), 0));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    while pg.out.len() < page {
        let pos = pg.out.len();
        let wants_explore = explored.len() < n_explore
            && (explore_at.contains(&pos) || page - pos <= n_explore - explored.len());
        // A new category per exploration slot while there are any, then
        // more of the explored ones (caps still apply).
        let pick = if wants_explore {
            pg.next(&explore, &mut explore_cur, |c| {
                !explored.contains(&c.category)
            })
            .or_else(|| pg.next(&explore, &mut explore_again, |_| true))
        } else {
            None
        };
        if let Some(i) = pick {
            explored.push(cands[i].category);
            pg.place(i, true);
            continue;
        }
        // Greedy MMR over categories: the best remaining video of each
        // category, discounted by how many of that category are placed.
        let mut best: Option<(f32, usize)> = None;
        for (cat, queue, cursor) in groups.iter_mut() {
            if let Some(i) = pg.next(queue, cursor, |_| true) {
                let placed = pg.per_category.get(cat).copied().unwrap_or(0);
                let value = cands[i].score - p.category_penalty * placed as f32;
                if best.is_none_or(|b| value > b.0) {
                    best = Some((value, i));
                }
            }
        }
        match best {
            Some((_, i)) => pg.place(i, false),
            None => break,
        }
    }

    // Top-up when caps left the page short (small catalogs): available
    // videos first, then sold-out ones, which always rank below them.
    let sold_out: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].sold_out).collect();
    for i in available {
        if pg.out.len() >= page {
            break;
        }
        if !pg.used[i] && !pg.products.contains(&cands[i].product) {
            pg.place(i, false);
        }
    }
    let mut cur = 0;
    while pg.out.len() < page {
        match pg.next(&sold_out, &mut cur, |_| true) {
            Some(i) => pg.place(i, false),
            None => break,
        }
    }
    for i in sold_out {
        if pg.out.len() >= page {
            break;
        }
        if !pg.used[i] && !pg.products.contains(&cands[i].product) {
            pg.place(i, false);
        }
    }
    pg.out
}

//! Candidate pools: short ranked lists per category, tag, province and
//! region, plus global popular / trending / fresh lists. A request reads a
//! few of them instead of scanning the catalog. `refresh` rebuilds them in
//! one sort of the catalog; between refreshes new videos are appended where
//! there is room so a small or young catalog needs no refresh at all.

use crate::catalog::{Catalog, ItemRow};
use crate::params::{FeedParams, bounds};
use crate::popularity::Popularity;
use yc_domain::fulfilment::{Province, Region};

pub(crate) const REGIONS: usize = 7;

pub(crate) fn region_index(r: Region) -> usize {
    match r {
        Region::East => 0,
        Region::South => 1,
        Region::North => 2,
        Region::Central => 3,
        Region::Southwest => 4,
        Region::Northwest => 5,
        Region::Northeast => 6,
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Pools {
    pub by_category: Vec<Vec<u32>>,
    pub by_tag: Vec<Vec<u32>>,
    pub by_province: Vec<Vec<u32>>,
    pub by_region: Vec<Vec<u32>>,
    pub popular: Vec<u32>,
    pub trending: Vec<u32>,
    pub fresh: Vec<u32>,
    /// Trend per item as of the last refresh (0 for items added since).
    pub trend: Vec<f32>,
    pub max_trend: f32,
    pub refreshed_at_ms: Option<i64>,
}

fn push_capped(list: &mut Vec<u32>, item: u32, cap: usize) {
    if list.len() < cap {
        list.push(item);
    }
}

fn slot(lists: &mut Vec<Vec<u32>>, i: usize) -> &mut Vec<u32> {
    if lists.len() <= i {
        lists.resize_with(i + 1, Vec::new);
    }
    &mut lists[i]
}

impl Pools {
    fn place(&mut self, idx: u32, row: &ItemRow) {
        push_capped(
            slot(&mut self.by_category, row.category as usize),
            idx,
            bounds::POOL_CATEGORY,
        );
        for &t in row.tags.as_slice() {
            push_capped(slot(&mut self.by_tag, t as usize), idx, bounds::POOL_TAG);
        }
        if let Some(origin) = row.origin {
            push_capped(
                slot(&mut self.by_province, origin as usize),
                idx,
                bounds::POOL_PROVINCE,
            );
            push_capped(
                slot(&mut self.by_region, region_index(origin.region())),
                idx,
                bounds::POOL_REGION,
            );
        }
        push_capped(&mut self.popular, idx, bounds::POOL_POPULAR);
    }

    /// A video just upserted: room permitting, it joins its pools now.
    pub fn on_new_item(&mut self, idx: u32, cat: &Catalog) {
        let row = cat.row(idx);
        self.place(idx, row);
        self.trend
            .resize(self.trend.len().max(idx as usize + 1), 0.0);
        self.fresh.push(idx);
        if self.fresh.len() > bounds::POOL_FRESH {
            // Newest-first order is restored by the next refresh; here only
            // the oldest entry needs to go.
            let oldest = self
                .fresh
                .iter()
                .enumerate()
                .min_by_key(|&(_, &i)| cat.row(i).created_at_ms)
                .map(|(pos, _)| pos);
            if let Some(pos) = oldest {
                self.fresh.swap_remove(pos);
            }
        }
    }

    pub fn refresh(&mut self, cat: &Catalog, pop: &Popularity, now_ms: i64, p: &FeedParams) {
        let n = cat.len();
        let mut live: Vec<(f32, u32)> = (0..n as u32)
            .filter(|&i| {
                let r = cat.row(i);
                !r.blocked() && r.created_at_ms <= now_ms
            })
            .map(|i| (pop.popularity(i, now_ms, p), i))
            .collect();
        live.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));

        self.by_category.iter_mut().for_each(Vec::clear);
        self.by_tag.iter_mut().for_each(Vec::clear);
        self.by_province = vec![Vec::new(); Province::ALL.len()];
        self.by_region = vec![Vec::new(); REGIONS];
        self.popular.clear();
        for &(_, i) in &live {
            self.place(i, cat.row(i));
        }

        self.trend = vec![0.0; n];
        let mut trending: Vec<(f32, u32)> = Vec::new();
        for &(_, i) in &live {
            let t = pop.trend(i, now_ms, p);
            self.trend[i as usize] = t;
            if t > 0.0 {
                trending.push((t, i));
            }
        }
        keep_top(&mut trending, bounds::POOL_TRENDING);
        self.max_trend = trending.first().map_or(0.0, |t| t.0);
        self.trending = trending.into_iter().map(|t| t.1).collect();

        let mut fresh: Vec<(i64, u32)> = live
            .iter()
            .map(|&(_, i)| (cat.row(i).created_at_ms, i))
            .filter(|&(c, _)| now_ms - c <= p.fresh_window_ms)
            .collect();
        fresh.sort_unstable_by(|a, b| b.cmp(a));
        fresh.truncate(bounds::POOL_FRESH);
        self.fresh = fresh.into_iter().map(|f| f.1).collect();
        self.refreshed_at_ms = Some(now_ms);
        debug_assert!(self.check_bounds());
    }

    pub fn check_bounds(&self) -> bool {
        self.by_category
            .iter()
            .all(|l| l.len() <= bounds::POOL_CATEGORY)
            && self.by_tag.iter().all(|l| l.len() <= bounds::POOL_TAG)
            && self
                .by_province
                .iter()
                .all(|l| l.len() <= bounds::POOL_PROVINCE)
            && self
                .by_region
                .iter()
                .all(|l| l.len() <= bounds::POOL_REGION)
            && self.popular.len() <= bounds::POOL_POPULAR
            && self.trending.len() <= bounds::POOL_TRENDING
            && self.fresh.len() <= bounds::POOL_FRESH
    }

    pub fn category(&self, c: u32) -> &[u32] {
        self.by_category.get(c as usize).map_or(&[], Vec::as_slice)
    }

    pub fn tag(&self, t: u32) -> &[u32] {
        self.by_tag.get(t as usize).map_or(&[], Vec::as_slice)
    }

    pub fn province(&self, p: Province) -> &[u32] {
        self.by_province.get(p as usize).map_or(&[], Vec::as_slice)
    }

    pub fn region(&self, r: Region) -> &[u32] {
        self.by_region
            .get(region_index(r))
            .map_or(&[], Vec::as_slice)
    }
}

/// Keeps the `k` largest, sorted descending.
fn keep_top(v: &mut Vec<(f32, u32)>, k: usize) {
    if v.len() > k {
        v.select_nth_unstable_by(k, |a, b| b.0.total_cmp(&a.0));
        v.truncate(k);
    }
    v.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
}

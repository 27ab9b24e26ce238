//! The two baselines, scored at the same moments as the feed: global
//! popularity (positive events so far) and item-kNN over the model's own
//! co-visitation lists (the user's recent positives, summed similarity,
//! no profile, no diversity, no padding).

use super::dataset::Dataset;
use crate::model::FeedModel;
use std::collections::HashMap;
use uuid::Uuid;

/// Top `k` by count, skipping `seen` and unpublished items.
pub(crate) fn most_popular(
    counts: &[u32],
    seen: &[u32],
    k: usize,
    published: impl Fn(u32) -> bool,
) -> Vec<u32> {
    let mut best: Vec<(u32, u32)> = Vec::with_capacity(k + 1);
    for (i, &c) in counts.iter().enumerate() {
        let i = i as u32;
        if c == 0 || (best.len() == k && c <= best[k - 1].0) {
            continue;
        }
        if seen.contains(&i) || !published(i) {
            continue;
        }
        let pos = best.partition_point(|b| b.0 >= c);
        best.insert(pos, (c, i));
        best.truncate(k);
    }
    best.into_iter().map(|b| b.1).collect()
}

pub(crate) fn item_knn(
    model: &FeedModel,
    ds: &Dataset,
    item_of: &HashMap<Uuid, u32>,
    history: &[u32],
    seen: &[u32],
    now_ms: i64,
    k: usize,
) -> Vec<u32> {
    let mut scores: HashMap<u32, f32> = HashMap::new();
    for &j in history {
        for (n, sim) in model.similar(ds.items[j as usize].key, now_ms, usize::MAX) {
            if let Some(&i) = item_of.get(&n)
                && !seen.contains(&i)
            {
                *scores.entry(i).or_default() += sim;
            }
        }
    }
    let mut ranked: Vec<(u32, f32)> = scores.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(k).map(|r| r.0).collect()
}

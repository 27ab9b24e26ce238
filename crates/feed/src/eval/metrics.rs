//! Accuracy and beyond-accuracy metrics over the recorded top-k lists.
//!
//! - recall@k: held-out items found / held-out items.
//! - NDCG@k: binary relevance, ideal = all held-out items on top.
//! - coverage: distinct items in any list / catalog size.
//! - diversity: intra-list diversity, the share of pairs in a list whose
//!   categories differ (0 = one category, 1 = all different), averaged
//!   over lists with at least two items.
//! - novelty: mean −log2 p(i) over recommended items, p(i) = (users with a
//!   training positive on i + 1) / (users + 1).

use super::dataset::Dataset;
use super::report::MethodMetrics;
use crate::types::UserKey;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub(crate) struct Accumulator {
    lists: Vec<Vec<u32>>,
    recall: f64,
    ndcg: f64,
}

impl Accumulator {
    pub fn record(&mut self, mut list: Vec<u32>, holdout: &[u32], k: usize) {
        list.truncate(k);
        let mut dcg = 0.0;
        let mut hits = 0usize;
        for (rank, i) in list.iter().enumerate() {
            if holdout.contains(i) {
                hits += 1;
                dcg += 1.0 / (rank as f64 + 2.0).log2();
            }
        }
        let ideal: f64 = (0..holdout.len().min(k))
            .map(|r| 1.0 / (r as f64 + 2.0).log2())
            .sum();
        if !holdout.is_empty() {
            self.recall += hits as f64 / holdout.len() as f64;
        }
        if ideal > 0.0 {
            self.ndcg += dcg / ideal;
        }
        self.lists.push(list);
    }

    pub fn finish(&self, method: String, facts: &ItemFacts) -> MethodMetrics {
        let n = self.lists.len().max(1) as f64;
        let distinct: HashSet<u32> = self.lists.iter().flatten().copied().collect();
        let (mut ild_sum, mut ild_n) = (0.0, 0usize);
        for list in self.lists.iter().filter(|l| l.len() >= 2) {
            let mut differ = 0usize;
            let mut pairs = 0usize;
            for (a, &x) in list.iter().enumerate() {
                for &y in &list[a + 1..] {
                    pairs += 1;
                    if facts.category[x as usize] != facts.category[y as usize] {
                        differ += 1;
                    }
                }
            }
            ild_sum += differ as f64 / pairs as f64;
            ild_n += 1;
        }
        let recommended: Vec<u32> = self.lists.iter().flatten().copied().collect();
        let novelty = if recommended.is_empty() {
            0.0
        } else {
            recommended
                .iter()
                .map(|&i| -facts.popularity[i as usize].log2())
                .sum::<f64>()
                / recommended.len() as f64
        };
        MethodMetrics {
            method,
            recall_at_k: self.recall / n,
            ndcg_at_k: self.ndcg / n,
            coverage: distinct.len() as f64 / facts.category.len().max(1) as f64,
            diversity: if ild_n == 0 {
                0.0
            } else {
                ild_sum / ild_n as f64
            },
            novelty,
            mean_list_len: recommended.len() as f64 / n,
        }
    }
}

/// Per-item facts the metrics need: category id and training popularity.
pub(crate) struct ItemFacts {
    pub category: Vec<u32>,
    pub popularity: Vec<f64>,
}

impl ItemFacts {
    pub fn new(
        ds: &Dataset,
        item_of: &HashMap<Uuid, u32>,
        user_of: &HashMap<UserKey, usize>,
        split: &[Option<i64>],
    ) -> Self {
        let mut names: HashMap<&str, u32> = HashMap::new();
        let category = ds
            .items
            .iter()
            .map(|it| {
                let next = names.len() as u32;
                *names.entry(it.category.as_str()).or_insert(next)
            })
            .collect();
        let mut pairs: HashSet<(usize, u32)> = HashSet::new();
        for ev in ds.events.iter().filter(|e| e.kind.is_positive()) {
            if let (Some(&i), Some(&u)) = (item_of.get(&ev.item), user_of.get(&ev.user))
                && split[u].is_none_or(|t| ev.at_ms < t)
            {
                pairs.insert((u, i));
            }
        }
        let mut users_per_item = vec![0u32; ds.items.len()];
        for (_, i) in pairs {
            users_per_item[i as usize] += 1;
        }
        let denom = ds.users.len() as f64 + 1.0;
        ItemFacts {
            category,
            popularity: users_per_item
                .iter()
                .map(|&c| (f64::from(c) + 1.0) / denom)
                .collect(),
        }
    }
}

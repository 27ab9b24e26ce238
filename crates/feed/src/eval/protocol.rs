//! The offline protocol. Events are replayed in global time order into one
//! model. For each evaluated user the split time T is the start of the
//! exposure that led to the first of their last `holdout` positive items;
//! the user's events from T on are withheld, and at T (interleaved with
//! everyone else's replay, so no method sees the future) the feed and both
//! baselines each produce a top-k that excludes items the user already
//! engaged with. Hits are held-out items found in the list.

use super::baselines::{item_knn, most_popular};
use super::dataset::Dataset;
use super::metrics::{Accumulator, ItemFacts};
use super::report::EvalReport;
use crate::model::FeedModel;
use crate::params::FeedParams;
use crate::types::{FeedRequest, UserKey};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// The exposure that led to a positive starts at most this long before it.
const EXPOSURE_LEAD_MS: i64 = 10 * 60_000;
/// History the kNN baseline expands (the feed reads at most as many).
const KNN_HISTORY: usize = 32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvalConfig {
    /// Last positive items held out per user. 5: enough hits to rank with,
    /// few enough that light users still qualify.
    pub holdout: usize,
    pub top_k: usize,
    /// Distinct positive items a user needs before the split to be scored.
    pub min_train_items: usize,
    /// Simulated time between `FeedModel::refresh` calls.
    pub refresh_every_ms: i64,
    pub params: FeedParams,
    /// Extra feed arms scored in the same replay, e.g. other exploration.
    pub variants: Vec<(String, FeedParams)>,
    /// 0 = every qualifying user.
    pub max_eval_users: usize,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            holdout: 5,
            top_k: 20,
            min_train_items: 2,
            refresh_every_ms: 3_600_000,
            params: FeedParams::default(),
            variants: Vec::new(),
            max_eval_users: 0,
        }
    }
}

struct Query {
    user: usize,
    at_ms: i64,
    train: Vec<u32>,
    holdout: Vec<u32>,
}

pub fn evaluate(ds: &Dataset, cfg: &EvalConfig) -> EvalReport {
    let item_of: HashMap<Uuid, u32> = ds
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.key, i as u32))
        .collect();
    let user_of: HashMap<UserKey, usize> =
        ds.users.iter().enumerate().map(|(i, u)| (u.0, i)).collect();
    let (queries, split) = plan(ds, cfg, &item_of, &user_of);

    let mut model = FeedModel::new(cfg.params.clone());
    for it in &ds.items {
        // Items are unique by key in a Dataset; nothing here can overflow
        // the default capacity for an evaluation-sized catalog.
        let _ = model.upsert_item(it);
    }
    let mut methods: Vec<(String, Option<FeedParams>)> = vec![("feed".into(), None)];
    methods.extend(
        cfg.variants
            .iter()
            .map(|(n, p)| (n.clone(), Some(p.clone()))),
    );
    let mut acc: Vec<Accumulator> = (0..methods.len() + 2)
        .map(|_| Accumulator::default())
        .collect();
    let mut pop_counts = vec![0u32; ds.items.len()];
    let mut history: Vec<Vec<u32>> = vec![Vec::new(); ds.users.len()];
    let mut last_refresh = i64::MIN;
    let mut next_query = 0;
    let k = cfg.top_k;

    let mut run_queries_until = |t: i64,
                                 model: &mut FeedModel,
                                 pop_counts: &[u32],
                                 history: &[Vec<u32>],
                                 last_refresh: &mut i64| {
        while let Some(q) = queries.get(next_query).filter(|q| q.at_ms <= t) {
            next_query += 1;
            if q.at_ms.saturating_sub(*last_refresh) >= cfg.refresh_every_ms {
                model.refresh(q.at_ms);
                *last_refresh = q.at_ms;
            }
            let (key, region) = ds.users[q.user];
            let mut req = FeedRequest::new(key, q.at_ms);
            req.region = region;
            req.page_size = k;
            req.exclude = q
                .train
                .iter()
                .rev()
                .map(|&i| ds.items[i as usize].key)
                .collect();
            for (m, (_, params)) in methods.iter().enumerate() {
                req.params = params.clone();
                let list: Vec<u32> = model
                    .recommend(&req)
                    .iter()
                    .filter_map(|r| item_of.get(&r.item).copied())
                    .collect();
                acc[m].record(list, &q.holdout, k);
            }
            let n = methods.len();
            let created = |i: u32| ds.items[i as usize].created_at_ms <= q.at_ms;
            acc[n].record(
                most_popular(pop_counts, &q.train, k, created),
                &q.holdout,
                k,
            );
            let knn = item_knn(model, ds, &item_of, &history[q.user], &q.train, q.at_ms, k);
            acc[n + 1].record(knn, &q.holdout, k);
        }
    };

    for ev in &ds.events {
        run_queries_until(
            ev.at_ms,
            &mut model,
            &pop_counts,
            &history,
            &mut last_refresh,
        );
        let (Some(&item), Some(&user)) = (item_of.get(&ev.item), user_of.get(&ev.user)) else {
            continue;
        };
        if split[user].is_some_and(|t| ev.at_ms >= t) {
            continue;
        }
        if ev.at_ms.saturating_sub(last_refresh) >= cfg.refresh_every_ms {
            model.refresh(ev.at_ms);
            last_refresh = ev.at_ms;
        }
        let _ = model.observe(ev);
        if ev.kind.is_positive() {
            pop_counts[item as usize] += 1;
            let h = &mut history[user];
            h.retain(|&i| i != item);
            h.push(item);
            if h.len() > KNN_HISTORY {
                h.remove(0);
            }
        }
    }
    run_queries_until(
        i64::MAX,
        &mut model,
        &pop_counts,
        &history,
        &mut last_refresh,
    );

    let facts = ItemFacts::new(ds, &item_of, &user_of, &split);
    let mut names: Vec<String> = methods.into_iter().map(|m| m.0).collect();
    names.push("popularity".into());
    names.push("item_knn".into());
    EvalReport {
        dataset: ds.name.clone(),
        users: ds.users.len(),
        items: ds.items.len(),
        events: ds.events.len(),
        eval_users: queries.len(),
        holdout: cfg.holdout,
        k,
        methods: names
            .into_iter()
            .zip(acc.iter())
            .map(|(name, a)| a.finish(name, &facts))
            .collect(),
    }
}

/// Holdout and split time per qualifying user, queries sorted by time.
fn plan(
    ds: &Dataset,
    cfg: &EvalConfig,
    item_of: &HashMap<Uuid, u32>,
    user_of: &HashMap<UserKey, usize>,
) -> (Vec<Query>, Vec<Option<i64>>) {
    // Distinct positive items per user in order of their first positive.
    let mut firsts: Vec<Vec<(u32, i64)>> = vec![Vec::new(); ds.users.len()];
    for ev in ds.events.iter().filter(|e| e.kind.is_positive()) {
        if let (Some(&i), Some(&u)) = (item_of.get(&ev.item), user_of.get(&ev.user))
            && !firsts[u].iter().any(|f| f.0 == i)
        {
            firsts[u].push((i, ev.at_ms));
        }
    }
    let hold = cfg.holdout.max(1);
    let mut starts: Vec<Option<(u32, i64)>> = firsts
        .iter()
        .map(|f| (f.len() >= hold + cfg.min_train_items).then(|| f[f.len() - hold]))
        .collect();
    if cfg.max_eval_users > 0 {
        let mut kept = 0;
        for s in starts.iter_mut().filter(|s| s.is_some()) {
            kept += 1;
            if kept > cfg.max_eval_users {
                *s = None;
            }
        }
    }
    // Pull the split back to the start of that item's exposure.
    let mut split: Vec<Option<i64>> = starts.iter().map(|s| s.map(|x| x.1)).collect();
    for ev in &ds.events {
        if let (Some(&i), Some(&u)) = (item_of.get(&ev.item), user_of.get(&ev.user))
            && let Some((h0, f0)) = starts[u]
            && i == h0
            && (f0 - EXPOSURE_LEAD_MS..f0).contains(&ev.at_ms)
            && let Some(t) = split[u].as_mut()
        {
            *t = (*t).min(ev.at_ms);
        }
    }
    let mut queries: Vec<Query> = (0..ds.users.len())
        .filter_map(|u| {
            let t = split[u]?;
            let f = &firsts[u];
            Some(Query {
                user: u,
                at_ms: t,
                train: f.iter().filter(|x| x.1 < t).map(|x| x.0).collect(),
                holdout: f[f.len() - hold..].iter().map(|x| x.0).collect(),
            })
        })
        .collect();
    queries.sort_by_key(|q| (q.at_ms, q.user));
    (queries, split)
}

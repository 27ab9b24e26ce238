//! The evaluation result: one row per method, printable as a table for
//! people and as one JSON line for machines.

use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodMetrics {
    pub method: String,
    pub recall_at_k: f64,
    pub ndcg_at_k: f64,
    pub coverage: f64,
    pub diversity: f64,
    pub novelty: f64,
    pub mean_list_len: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub dataset: String,
    pub users: usize,
    pub items: usize,
    pub events: usize,
    /// Users with enough history to hold out `holdout` items.
    pub eval_users: usize,
    pub holdout: usize,
    pub k: usize,
    /// The feed first, then its variants, then `popularity`, `item_knn`.
    pub methods: Vec<MethodMetrics>,
}

impl EvalReport {
    pub fn method(&self, name: &str) -> Option<&MethodMetrics> {
        self.methods.iter().find(|m| m.method == name)
    }

    pub fn json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} users ({} evaluated), {} items, {} events; last {} positives held out, top-{}",
            self.dataset,
            self.users,
            self.eval_users,
            self.items,
            self.events,
            self.holdout,
            self.k
        );
        let k = self.k;
        let _ = writeln!(
            s,
            "{:<18} {:>10} {:>10} {:>9} {:>9} {:>8} {:>6}",
            "method",
            format!("recall@{k}"),
            format!("ndcg@{k}"),
            "coverage",
            "diversity",
            "novelty",
            "len"
        );
        for m in &self.methods {
            let _ = writeln!(
                s,
                "{:<18} {:>10.4} {:>10.4} {:>9.4} {:>9.4} {:>8.3} {:>6.1}",
                m.method,
                m.recall_at_k,
                m.ndcg_at_k,
                m.coverage,
                m.diversity,
                m.novelty,
                m.mean_list_len
            );
        }
        s
    }
}

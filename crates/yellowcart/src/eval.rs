//! `yellowcart eval …`: offline evaluations. Each returns its printed
//! report; the last line is one JSON object.

use std::fmt::Write;
use yc_domain::fulfilment::eval::{EtaEvalConfig, evaluate};

/// ETA mean absolute error (hours) on simulated lanes, overall and per lane
/// class, against the carrier's fixed promise.
pub fn eta(cfg: &EtaEvalConfig) -> anyhow::Result<String> {
    let r = evaluate(cfg);
    let mut out = String::new();
    writeln!(
        out,
        "ETA evaluation: {} parcels over {} days, {} measured (seed {})",
        r.parcels, cfg.days, r.measured, cfg.seed
    )?;
    writeln!(
        out,
        "{:<16} {:>8} {:>14} {:>16}",
        "lane class", "parcels", "MAE h (ours)", "MAE h (promise)"
    )?;
    for c in &r.by_class {
        let name = serde_json::to_value(c.class)?;
        writeln!(
            out,
            "{:<16} {:>8} {:>14.2} {:>16.2}",
            name.as_str().unwrap_or("?"),
            c.count,
            c.mae_hours,
            c.baseline_mae_hours
        )?;
    }
    writeln!(
        out,
        "{:<16} {:>8} {:>14.2} {:>16.2}",
        "all", r.measured, r.mae_hours, r.baseline_mae_hours
    )?;
    writeln!(
        out,
        "re-predicted when out for delivery: MAE {:.2} h",
        r.out_for_delivery_mae_hours
    )?;
    let mut by_class = serde_json::Map::new();
    let mut baseline_by_class = serde_json::Map::new();
    for c in &r.by_class {
        let key = serde_json::to_value(c.class)?
            .as_str()
            .unwrap_or("?")
            .to_owned();
        by_class.insert(key.clone(), round2(c.mae_hours));
        baseline_by_class.insert(key, round2(c.baseline_mae_hours));
    }
    let json = serde_json::json!({
        "parcels": r.parcels,
        "measured": r.measured,
        "mae_hours": round2(r.mae_hours),
        "mae_hours_by_class": by_class,
        "baseline_mae_hours": round2(r.baseline_mae_hours),
        "baseline_mae_hours_by_class": baseline_by_class,
        "out_for_delivery_mae_hours": round2(r.out_for_delivery_mae_hours),
    });
    write!(out, "{json}")?;
    Ok(out)
}

fn round2(x: f64) -> serde_json::Value {
    serde_json::json!((x * 100.0).round() / 100.0)
}

/// Options of `yellowcart eval feed`.
pub struct FeedEval {
    pub users: usize,
    pub items: usize,
    pub categories: usize,
    pub events_per_user: usize,
    pub seed: u64,
    pub exploration: f32,
    pub interactions: Option<std::path::PathBuf>,
    pub catalog: Option<std::path::PathBuf>,
}

/// The feed and two baselines (global popularity, item-kNN), plus the feed
/// at exploration 0 and 0.3 so the effect of exploration shows.
pub fn feed(opts: &FeedEval) -> anyhow::Result<String> {
    use yc_feed::eval::{EvalConfig, PopulationConfig, evaluate, load_interactions, run_synthetic};
    let mut cfg = EvalConfig::default();
    cfg.params.exploration_share = opts.exploration.clamp(0.0, 0.5);
    for share in [0.0_f32, 0.3] {
        let mut p = cfg.params.clone();
        p.exploration_share = share;
        cfg.variants.push((format!("feed_exploration_{share}"), p));
    }
    let report = match &opts.interactions {
        Some(path) => {
            let ds = load_interactions(path, opts.catalog.as_deref())
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            evaluate(&ds, &cfg)
        }
        None => {
            let world = PopulationConfig {
                users: opts.users,
                items: opts.items,
                categories: opts.categories,
                events_per_user: opts.events_per_user,
                seed: opts.seed,
                ..PopulationConfig::default()
            };
            run_synthetic(&world, &cfg)
        }
    };
    Ok(format!("{}\n{}", report.table(), report.json_line()))
}

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

//! Interactions from a file, so the same metrics run on public data.
//!
//! Interactions: `user,item,timestamp[,weight]`, one per line. The
//! delimiter is `,` (quotes allowed), tab or `::` (MovieLens .dat), taken
//! from the first line. A header is optional; when present its column
//! names are matched (`user|userId|user_id`, `item|itemId|item_id|movieId`,
//! `timestamp|time|ts`, `weight|rating|score`), so MovieLens `ratings.csv`
//! reads as is. Timestamps below 10^11 are seconds, otherwise
//! milliseconds. Without a weight an interaction is a full watch; with one,
//! `weight / max weight` becomes the watch completion (so a 5-star scale
//! makes 2.5★ and up positive) and a weight ≤ 0 a skip.
//!
//! Catalog (optional): `item,category[,tags]`, tags separated by `|`; a
//! header may name `genres` (MovieLens `movies.csv`: first genre is the
//! category, all genres are tags). Without a catalog every item is its own
//! category (`item:<id>`): caps and diversity then say nothing, so compare
//! recall, NDCG, coverage and novelty only. Items missing from a given
//! catalog get category `unknown`. Every item is its own merchant, has no
//! origin, and is published at its first interaction.

use super::csv::{Columns, Delim, data_lines, find};
use super::dataset::Dataset;
use crate::signal::Signal;
use crate::types::{Event, ItemMeta, UserKey};
use std::collections::HashMap;
use std::path::Path;
use thiserror::Error;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CsvError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{file} line {line}: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
}

pub fn load_interactions(path: &Path, catalog: Option<&Path>) -> Result<Dataset, CsvError> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| CsvError::Io {
            path: p.display().to_string(),
            message: e.to_string(),
        })
    };
    let text = read(path)?;
    let cat_text = catalog.map(read).transpose()?;
    let name = path.display().to_string();
    parse_interactions(&name, &text, cat_text.as_deref())
}

struct Row {
    user: String,
    item: String,
    ts: f64,
    weight: Option<f64>,
}

pub fn parse_interactions(
    name: &str,
    text: &str,
    catalog: Option<&str>,
) -> Result<Dataset, CsvError> {
    let err = |line: usize, message: String| CsvError::Parse {
        file: name.to_string(),
        line,
        message,
    };
    let mut lines = data_lines(text);
    let Some((first_no, first)) = lines.next() else {
        return Err(err(0, "no interactions".into()));
    };
    let delim = Delim::detect(first);
    let head = delim.split(first);
    let cols = Columns::from_header(&head);
    let mut rows = Vec::new();
    let first_is_data = cols.is_none();
    let body = std::iter::once((first_no, first))
        .filter(|_| first_is_data)
        .chain(lines);
    let cols = cols.unwrap_or(Columns {
        user: 0,
        item: 1,
        ts: 2,
        weight: Some(3),
    });
    for (no, line) in body {
        let f = delim.split(line);
        let need = cols.user.max(cols.item).max(cols.ts) + 1;
        if f.len() < need {
            return Err(err(
                no,
                format!(
                    "expected at least {need} fields (user,item,timestamp[,weight]), found {}",
                    f.len()
                ),
            ));
        }
        let (user, item) = (f[cols.user].trim(), f[cols.item].trim());
        if user.is_empty() || item.is_empty() {
            return Err(err(no, "empty user or item id".into()));
        }
        let raw_ts = f[cols.ts].trim();
        let ts: f64 = raw_ts
            .parse()
            .ok()
            .filter(|t: &f64| t.is_finite())
            .ok_or_else(|| err(no, format!("timestamp {raw_ts:?} is not a number")))?;
        let weight = match cols.weight.and_then(|w| f.get(w)).map(|w| w.trim()) {
            None | Some("") => None,
            Some(w) => Some(
                w.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| err(no, format!("weight {w:?} is not a number")))?,
            ),
        };
        rows.push(Row {
            user: user.into(),
            item: item.into(),
            ts,
            weight,
        });
    }
    if rows.is_empty() {
        return Err(err(first_no, "no interactions".into()));
    }
    let cat = match catalog {
        Some(t) => Some(parse_catalog(&format!("{name} (catalog)"), t)?),
        None => None,
    };
    Ok(build(name, rows, cat.as_ref()))
}

fn parse_catalog(
    name: &str,
    text: &str,
) -> Result<HashMap<String, (String, Vec<String>)>, CsvError> {
    let mut lines = data_lines(text).peekable();
    let Some(&(_, first)) = lines.peek() else {
        return Ok(HashMap::new());
    };
    let delim = Delim::detect(first);
    let head = delim.split(first);
    let named_item = find(&head, &["item", "itemid", "item_id", "movieid"]);
    let (item_col, cat_col, tag_col, genres) = match named_item {
        Some(item) => {
            lines.next();
            let genres = find(&head, &["genres", "genre"]);
            let cat = find(&head, &["category"]).or(genres).unwrap_or(1);
            (
                item,
                cat,
                find(&head, &["tags"]).or(genres),
                genres.is_some(),
            )
        }
        None => (0, 1, Some(2), false),
    };
    let mut out = HashMap::new();
    for (no, line) in lines {
        let f = delim.split(line);
        let (Some(item), Some(cat)) = (f.get(item_col), f.get(cat_col)) else {
            return Err(CsvError::Parse {
                file: name.to_string(),
                line: no,
                message: format!("expected item,category[,tags], found {} fields", f.len()),
            });
        };
        let tags: Vec<String> = tag_col
            .and_then(|t| f.get(t))
            .map(|t| {
                t.split('|')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let category = if genres {
            cat.split('|')
                .next()
                .unwrap_or("unknown")
                .trim()
                .to_string()
        } else {
            cat.trim().to_string()
        };
        out.insert(item.trim().to_string(), (category, tags));
    }
    Ok(out)
}

fn build(
    name: &str,
    rows: Vec<Row>,
    cat: Option<&HashMap<String, (String, Vec<String>)>>,
) -> Dataset {
    let seconds = rows.iter().all(|r| r.ts.abs() < 1e11);
    let max_w = rows.iter().filter_map(|r| r.weight).fold(0.0f64, f64::max);
    let mut users: HashMap<String, UserKey> = HashMap::new();
    let mut user_list = Vec::new();
    let mut items: HashMap<String, usize> = HashMap::new();
    let mut metas: Vec<ItemMeta> = Vec::new();
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        let at_ms = if seconds {
            (r.ts * 1000.0) as i64
        } else {
            r.ts as i64
        };
        let n_users = users.len() as u128;
        let user = *users.entry(r.user).or_insert_with(|| {
            let key = UserKey::User(Uuid::from_u128((1 << 120) | n_users));
            user_list.push((key, None));
            key
        });
        let idx = *items.entry(r.item.clone()).or_insert_with(|| {
            let i = metas.len();
            let (category, tags) = match cat {
                None => (format!("item:{}", r.item), Vec::new()),
                Some(c) => c
                    .get(&r.item)
                    .cloned()
                    .unwrap_or_else(|| ("unknown".into(), Vec::new())),
            };
            metas.push(ItemMeta {
                key: Uuid::from_u128((2 << 120) | i as u128),
                product: Uuid::from_u128((3 << 120) | i as u128),
                category,
                tags,
                merchant: Uuid::from_u128((4 << 120) | i as u128),
                origin: None,
                created_at_ms: at_ms,
                single_purchase: false,
            });
            i
        });
        let meta = &mut metas[idx];
        meta.created_at_ms = meta.created_at_ms.min(at_ms);
        let kind = match r.weight {
            None => Signal::Watch {
                completion_pct: 100,
            },
            Some(w) if w <= 0.0 || max_w <= 0.0 => Signal::Skip,
            Some(w) => Signal::Watch {
                completion_pct: (100.0 * w / max_w).round().clamp(0.0, 100.0) as u8,
            },
        };
        events.push(Event {
            user,
            item: meta.key,
            kind,
            at_ms,
        });
    }
    events.sort_by_key(|e| e.at_ms);
    Dataset {
        name: name.to_string(),
        items: metas,
        users: user_list,
        events,
    }
}

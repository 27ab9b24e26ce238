//! The product panel shared by the bottom sheet and the product page:
//! price, the spec matrix as chips, stock, reviews, and the SKU data app.js
//! drives the selection with.

use serde::Serialize;
use yc_domain::address::mask_name;
use yc_domain::catalog::{Product, Sku};
use yc_domain::{ProductId, SkuId};
use yc_services::catalog::ProductDetail;

use crate::error::WebError;
use crate::fmt;
use crate::i18n::{Lang, t};

pub struct ChipView {
    pub value: String,
    pub disabled: bool,
    pub checked: bool,
}

pub struct AxisView {
    pub index: usize,
    pub name: String,
    pub values: Vec<ChipView>,
}

pub struct ReviewView {
    pub name: String,
    pub rating: u8,
    pub stars: String,
    pub body: String,
    pub date: String,
}

pub struct ProductPanel {
    pub id: String,
    pub title: String,
    pub description: String,
    pub shop: String,
    pub ships_from: String,
    pub image: Option<String>,
    /// The selected SKU's price, or "¥x 起".
    pub price_text: String,
    pub stock_text: String,
    pub chosen_text: String,
    /// Set when there is exactly one SKU: nothing to choose.
    pub single_sku: String,
    pub sold_out: bool,
    pub favorite: bool,
    pub axes: Vec<AxisView>,
    pub review_count: u64,
    pub review_score: String,
    pub reviews: Vec<ReviewView>,
    /// JSON for `<script type="application/json">`, `<` escaped.
    pub sku_json: String,
    pub page_url: String,
}

#[derive(Serialize)]
struct SkuData<'a> {
    product: ProductId,
    axes: Vec<&'a str>,
    skus: Vec<SkuJson<'a>>,
    from_price: String,
    text: SheetText,
}

#[derive(Serialize)]
struct SkuJson<'a> {
    id: SkuId,
    spec: &'a [String],
    price: String,
    stock: i64,
}

/// The few strings app.js shows, in the page's language.
#[derive(Serialize)]
struct SheetText {
    choose: &'static str,
    chosen: &'static str,
    stock: &'static str,
    sold_out: &'static str,
    added: &'static str,
    favorited: &'static str,
    unfavorited: &'static str,
    fav_on: &'static str,
    fav_off: &'static str,
}

impl ProductPanel {
    pub fn build(d: &ProductDetail, lang: Lang) -> Result<ProductPanel, WebError> {
        let p = &d.product;
        let single = match p.skus.as_slice() {
            [only] => Some(only),
            _ => None,
        };
        let from_price = from_price(p, lang);
        let sold_out = p.total_stock() == 0;
        let price_text = single.map_or_else(|| from_price.clone(), |s| fmt::price(s.price));
        let stock_text = match single {
            _ if sold_out => t(lang, "sold_out").to_owned(),
            Some(s) => t(lang, "stock_n").replace("{n}", &s.stock.to_string()),
            None => String::new(),
        };
        let chosen_text = match single {
            Some(s) if !s.spec.is_empty() => {
                format!("{} {}", t(lang, "chosen"), s.spec.join(" / "))
            }
            Some(_) => String::new(),
            None => {
                let names: Vec<&str> = p.spec_axes.iter().map(|a| a.name.as_str()).collect();
                format!("{} {}", t(lang, "choose"), names.join(" "))
            }
        };
        Ok(ProductPanel {
            id: p.id.to_string(),
            title: p.title.clone(),
            description: p.description.clone(),
            shop: d.merchant.name.clone(),
            ships_from: t(lang, "ships_from").replace("{p}", &d.merchant.province),
            image: p.media.first().cloned(),
            price_text,
            stock_text,
            chosen_text,
            single_sku: single.map(|s| s.id.to_string()).unwrap_or_default(),
            sold_out,
            favorite: d.favorite,
            axes: axes(p, single),
            review_count: d.reviews.count,
            review_score: t(lang, "review_score")
                .replace("{avg}", &d.reviews.average_text())
                .replace("{pct}", &d.reviews.positive_percent.to_string()),
            reviews: d
                .top_reviews
                .iter()
                .take(3)
                .map(|r| ReviewView {
                    name: mask_name(&r.author_name),
                    rating: r.rating,
                    stars: fmt::stars(r.rating),
                    body: r.body.clone(),
                    date: fmt::date(r.created_at),
                })
                .collect(),
            sku_json: sku_json(p, from_price, lang)?,
            page_url: format!("/products/{}", p.id),
        })
    }
}

/// "¥99 起" (or just "¥99" when every SKU costs the same).
pub fn from_price(p: &Product, lang: Lang) -> String {
    let Some(min) = p.min_price() else {
        return String::new();
    };
    let same = p.skus.iter().all(|s| s.price == min);
    if same {
        fmt::price(min)
    } else {
        format!("{} {}", fmt::price(min), t(lang, "price_from"))
    }
}

/// A value is off when no SKU carrying it has stock.
fn axes(p: &Product, single: Option<&Sku>) -> Vec<AxisView> {
    p.spec_axes
        .iter()
        .enumerate()
        .map(|(index, axis)| AxisView {
            index,
            name: axis.name.clone(),
            values: axis
                .values
                .iter()
                .map(|v| ChipView {
                    value: v.clone(),
                    disabled: !p
                        .skus
                        .iter()
                        .any(|s| s.spec.get(index) == Some(v) && s.stock > 0),
                    checked: single.is_some_and(|s| s.spec.get(index) == Some(v)),
                })
                .collect(),
        })
        .collect()
}

fn sku_json(p: &Product, from_price: String, lang: Lang) -> Result<String, WebError> {
    let data = SkuData {
        product: p.id,
        axes: p.spec_axes.iter().map(|a| a.name.as_str()).collect(),
        skus: p
            .skus
            .iter()
            .map(|s| SkuJson {
                id: s.id,
                spec: &s.spec,
                price: fmt::price(s.price),
                stock: s.stock,
            })
            .collect(),
        from_price,
        text: SheetText {
            choose: t(lang, "choose"),
            chosen: t(lang, "chosen"),
            stock: t(lang, "stock_n"),
            sold_out: t(lang, "sold_out"),
            added: t(lang, "added_to_cart"),
            favorited: t(lang, "favorited"),
            unfavorited: t(lang, "unfavorited"),
            fav_on: t(lang, "fav_on"),
            fav_off: t(lang, "fav_off"),
        },
    };
    let json = serde_json::to_string(&data)
        .map_err(|e| WebError::Service(yc_services::ServiceError::from(e)))?;
    Ok(script_safe(&json))
}

/// JSON inside a `<script>` element must not contain `</script>` or `<!--`.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The SKU a buy form means: its `sku` field when app.js set it, else the
/// one whose spec matches the chosen chips (the no-JS path).
pub fn resolve_sku(p: &Product, sku: Option<&str>, specs: &[Option<String>]) -> Option<SkuId> {
    if let Some(id) = sku.and_then(|s| s.trim().parse::<SkuId>().ok()) {
        return p.sku(id).map(|s| s.id);
    }
    if let [only] = p.skus.as_slice() {
        return Some(only.id);
    }
    let chosen: Vec<&str> = specs
        .iter()
        .take(p.spec_axes.len())
        .map(|s| s.as_deref().unwrap_or_default())
        .collect();
    if chosen.len() != p.spec_axes.len() || chosen.iter().any(|s| s.is_empty()) {
        return None;
    }
    p.skus
        .iter()
        .find(|s| s.spec.iter().map(String::as_str).eq(chosen.iter().copied()))
        .map(|s| s.id)
}

//! The merchant panel's 售后 queue: filtered by state, each request with
//! its deadline ticking and the moves its state allows — 同意, 拒绝 (with
//! a reason), 确认收货, 已换新发出, 重新入库.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use yc_domain::AfterSalesId;
use yc_domain::aftersales::RequestState as S;
use yc_domain::page::{PageRequest, PageSize};
use yc_services::aftersales::MerchantAction;
use yc_services::{ServiceError, Services};

use crate::error::WebError;
use crate::i18n::t;
use crate::labels::parse_wire;
use crate::orders::TabView;
use crate::request_card::RequestCard;
use crate::session::{Auth, safe_next};
use crate::views::{Chrome, render};

/// One tab of the queue: its query value, label, URL and states.
struct Filter {
    value: &'static str,
    label: &'static str,
    url: &'static str,
    states: &'static [S],
}

const FILTERS: [Filter; 6] = [
    Filter {
        value: "",
        label: "tab_all",
        url: "/merchant/aftersales",
        states: &[],
    },
    Filter {
        value: "todo",
        label: "m_tab_todo",
        url: "/merchant/aftersales?state=todo",
        states: &[S::AwaitingMerchant],
    },
    Filter {
        value: "returning",
        label: "m_tab_returning",
        url: "/merchant/aftersales?state=returning",
        states: &[
            S::AwaitingReturn,
            S::ReturnShipped,
            S::ReturnPickedUp,
            S::RefundedAwaitingReceipt,
        ],
    },
    Filter {
        value: "owed",
        label: "m_tab_owed",
        url: "/merchant/aftersales?state=owed",
        states: &[S::RefundDue, S::ReplacementDue],
    },
    Filter {
        value: "disputed",
        label: "m_tab_disputed",
        url: "/merchant/aftersales?state=disputed",
        states: &[S::Refused, S::InArbitration, S::ArbitrationRefused],
    },
    Filter {
        value: "done",
        label: "m_tab_done",
        url: "/merchant/aftersales?state=done",
        states: &[S::Refunded, S::Exchanged, S::Closed],
    },
];

#[derive(Template)]
#[template(path = "merchant_aftersales.html")]
pub struct QueuePage {
    pub c: Chrome,
    pub nav: &'static str,
    pub tabs: Vec<TabView>,
    pub requests: Vec<RequestCard>,
    pub next_url: Option<String>,
    pub notice: Option<&'static str>,
    pub mode: &'static str,
    /// Where an action comes back to: this very list.
    pub back: String,
}

#[derive(Deserialize)]
pub struct QueueQuery {
    pub state: Option<String>,
    pub after: Option<String>,
    pub notice: Option<String>,
}

pub async fn queue(
    State(services): State<Services>,
    auth: Auth,
    Query(q): Query<QueueQuery>,
) -> Result<Html<String>, WebError> {
    let lang = auth.ctx.lang;
    let current = q.state.as_deref().unwrap_or_default();
    let filter = FILTERS
        .iter()
        .find(|f| f.value == current)
        .unwrap_or(&FILTERS[0]);
    let page = PageRequest {
        size: PageSize::parse(Some(20))?,
        after: q.after.as_deref().and_then(|a| a.parse().ok()),
    };
    let found = services
        .shop_aftersales(&auth.user, filter.states, page)
        .await?;
    let skus: Vec<_> = found.items.iter().map(|v| v.request.sku_id).collect();
    let products = services
        .store
        .products_by_skus(&skus)
        .await
        .map_err(ServiceError::from)?;
    let now = services.now();
    let requests = found
        .items
        .iter()
        .map(|v| {
            let mut card = RequestCard::build(v, lang, now);
            let sku = v.request.sku_id;
            if let Some((p, s)) = products.iter().find_map(|p| p.sku(sku).map(|s| (p, s))) {
                card.item = format!("{} {}", p.title, p.spec_label(s));
            }
            card
        })
        .collect();
    let next_url = found.next.map(|n| {
        let sep = if filter.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}after={n}", filter.url)
    });
    Ok(render(&QueuePage {
        c: Chrome::new(&auth.ctx, "me", "merchant_title").with_back("/me"),
        nav: "aftersales",
        tabs: FILTERS
            .iter()
            .map(|f| TabView {
                label: t(lang, f.label),
                url: f.url,
                active: f.value == filter.value,
            })
            .collect(),
        requests,
        next_url,
        notice: match q.notice.as_deref() {
            Some("done") => Some(t(lang, "notice_as_done")),
            Some("restocked") => Some(t(lang, "notice_restocked")),
            Some("already_restocked") => Some(t(lang, "notice_already_restocked")),
            _ => None,
        },
        mode: "merchant",
        back: filter.url.to_owned(),
    })?)
}

fn request_id(raw: &str) -> Result<AfterSalesId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// Back to the list the action was taken on, with a notice.
fn back_with(back: &str, notice: &str) -> Redirect {
    let back = safe_next(Some(back));
    let back = if back.starts_with("/merchant/aftersales") {
        back
    } else {
        "/merchant/aftersales".to_owned()
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{back}{sep}notice={notice}"))
}

#[derive(Deserialize)]
pub struct ActionForm {
    pub key: String,
    pub action: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub back: String,
}

#[tracing::instrument(skip_all)]
pub async fn act(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect, WebError> {
    let action: MerchantAction =
        parse_wire(&form.action).ok_or(WebError::BadRequest("err_bad_request"))?;
    services
        .merchant_aftersales(
            &auth.user,
            request_id(&id)?,
            action,
            form.note.trim(),
            Some(&form.key),
        )
        .await?;
    Ok(back_with(&form.back, "done"))
}

#[derive(Deserialize)]
pub struct BackForm {
    #[serde(default)]
    pub back: String,
}

/// 重新入库: the returned units go back on sale, once.
#[tracing::instrument(skip_all)]
pub async fn restock(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<BackForm>,
) -> Result<Redirect, WebError> {
    let fresh = services
        .restock_return(&auth.user, request_id(&id)?)
        .await?;
    let notice = if fresh {
        "restocked"
    } else {
        "already_restocked"
    };
    Ok(back_with(&form.back, notice))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use yc_domain::aftersales::RequestState;

    #[test]
    fn every_state_is_under_exactly_one_tab() {
        for s in RequestState::ALL {
            let n = FILTERS.iter().filter(|f| f.states.contains(&s)).count();
            assert_eq!(n, 1, "{s:?}");
        }
        for f in &FILTERS {
            assert_ne!(t(Lang::En, f.label), f.label);
        }
    }
}

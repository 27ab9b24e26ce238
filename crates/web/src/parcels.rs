//! Parcels on the order page — carrier, masked waybill, tracking timeline,
//! ETA — and the two parcel actions: the sandbox's 推进物流 and 确认收货.

use axum::extract::{Form, Path, State};
use axum::response::Redirect;
use serde::Deserialize;
use yc_domain::fulfilment::{Direction, EtaBasis};
use yc_services::Services;
use yc_services::fulfilment::ParcelView;

use crate::error::WebError;
use crate::fmt;
use crate::i18n::{Lang, t};
use crate::labels::{carrier_name, tracking_label, tracking_note};
use crate::orders::order_id;
use crate::session::{Auth, safe_next};

pub struct TrackView {
    pub label: &'static str,
    pub city: String,
    pub note: String,
    pub at: String,
    pub latest: bool,
}

pub struct ParcelCard {
    pub tracking_no: String,
    pub carrier: String,
    pub outbound: bool,
    pub recipient: String,
    pub phone: String,
    pub address: String,
    pub events: Vec<TrackView>,
    /// "05-27 15:00" and its window "05-26 12:00 – 05-28 18:00".
    pub eta: Option<(String, String)>,
    pub eta_basis: &'static str,
    pub delivered: Option<String>,
}

impl ParcelCard {
    pub fn build(p: &ParcelView, lang: Lang) -> ParcelCard {
        let s = &p.shipment;
        let w = &s.waybill;
        let last = s.events.len().saturating_sub(1);
        let delivered = s.delivered_at.map(fmt::datetime);
        ParcelCard {
            tracking_no: s.tracking_no.clone(),
            carrier: carrier_name(&s.carrier, w.carrier(), lang),
            outbound: s.direction == Direction::Outbound,
            recipient: w.recipient().to_owned(),
            phone: w.phone().to_owned(),
            address: format!("{}{}", w.region(), w.detail()),
            events: s
                .events
                .iter()
                .enumerate()
                .rev()
                .map(|(i, e)| TrackView {
                    label: tracking_label(&e.status, lang),
                    city: e.city.clone(),
                    note: tracking_note(&e.status, lang),
                    at: fmt::datetime(e.at),
                    latest: i == last,
                })
                .collect(),
            eta: match (&p.eta, &delivered) {
                (Some(eta), None) => Some((
                    fmt::short_datetime(eta.expected_at),
                    format!(
                        "{} – {}",
                        fmt::short_datetime(eta.low),
                        fmt::short_datetime(eta.high)
                    ),
                )),
                _ => None,
            },
            eta_basis: match p.eta.map(|e| e.basis) {
                Some(EtaBasis::Lane { .. }) => t(lang, "eta_basis_lane"),
                Some(EtaBasis::LaneClass { .. }) => t(lang, "eta_basis_class"),
                Some(EtaBasis::CarrierPromise) | None => t(lang, "eta_basis_promise"),
            },
            delivered,
        }
    }
}

/// Newest parcel first: a return booked after delivery is what matters now.
pub fn parcel_cards(parcels: &[ParcelView], lang: Lang) -> Vec<ParcelCard> {
    let mut sorted: Vec<&ParcelView> = parcels.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.shipment.shipped_at));
    sorted
        .into_iter()
        .map(|p| ParcelCard::build(p, lang))
        .collect()
}

#[derive(Deserialize)]
pub struct AdvanceForm {
    #[serde(default)]
    pub back: String,
}

/// 演示：推进物流 — the parcel's next scheduled carrier event happens now.
#[tracing::instrument(skip_all)]
pub async fn advance(
    State(services): State<Services>,
    auth: Auth,
    Path(tracking_no): Path<String>,
    Form(form): Form<AdvanceForm>,
) -> Result<Redirect, WebError> {
    services.sandbox_advance(&auth.user, &tracking_no).await?;
    Ok(Redirect::to(&safe_next(Some(&form.back))))
}

/// 确认收货
#[tracing::instrument(skip_all)]
pub async fn confirm_receipt(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Redirect, WebError> {
    let order = services.confirm_receipt(&auth.user, order_id(&id)?).await?;
    Ok(Redirect::to(&format!(
        "/orders/{}?notice=received",
        order.id
    )))
}

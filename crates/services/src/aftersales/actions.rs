//! What each side may do to a request. Every action names the move; the
//! state machine says whether it is legal from where the request is.

use tracing::instrument;
use yc_domain::account::{Role, User};
use yc_domain::aftersales::{AfterSalesRequest, RequestState, Transition};
use yc_domain::error::bounded_text;
use yc_domain::fulfilment::{Direction, Lane, Shipment, Waybill};
use yc_domain::order::ShippingAddress;
use yc_domain::page::{Page, PageRequest};
use yc_domain::{AfterSalesId, ShipmentId};

use super::RequestView;
use super::step::{Actor, Extra};
use crate::auth::require_merchant;
use crate::fulfilment::{ParcelRegistration, SANDBOX_CODE, SandboxCarrier};
use crate::idempotency::{Guard, parse_key, request_hash};
use crate::{ServiceError, ServiceResult, Services};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MerchantAction {
    Approve,
    Refuse,
    ConfirmReceipt,
    /// Exchange: the replacement is on its way.
    Reship,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuyerAction {
    Cancel,
    Escalate,
}

fn guard(
    user: &User,
    scope: &'static str,
    key: Option<&str>,
    body: &impl serde::Serialize,
) -> ServiceResult<Guard> {
    Ok(Guard {
        user_id: user.id,
        scope,
        key: parse_key(key)?,
        hash: request_hash(body)?,
    })
}

fn note_text(note: &str) -> ServiceResult<String> {
    Ok(bounded_text("note", note, 0, 500)?)
}

impl Services {
    #[instrument(skip_all)]
    pub async fn merchant_aftersales(
        &self,
        user: &User,
        id: AfterSalesId,
        action: MerchantAction,
        note: &str,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<RequestView> {
        let merchant = require_merchant(user)?;
        let guard = guard(
            user,
            "aftersales_merchant",
            idempotency_key,
            &(id, action, note),
        )?;
        let request = self.shop_request(merchant, id).await?;
        let note = note_text(note)?;
        let transition = match action {
            MerchantAction::Approve => Transition::MerchantApprove,
            MerchantAction::Refuse => {
                if note.is_empty() {
                    return Err(yc_domain::ValidationError::new(
                        "note",
                        "required",
                        "say why the request is refused",
                    )
                    .into());
                }
                Transition::MerchantRefuse
            }
            MerchantAction::ConfirmReceipt => Transition::MerchantConfirmReceipt,
            MerchantAction::Reship => Transition::MerchantReship,
        };
        self.keyed_step(
            &guard,
            &request,
            transition,
            Actor::Merchant,
            &note,
            Extra::default(),
        )
        .await
    }

    #[instrument(skip_all)]
    pub async fn buyer_aftersales(
        &self,
        user: &User,
        id: AfterSalesId,
        action: BuyerAction,
        note: &str,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<RequestView> {
        let guard = guard(
            user,
            "aftersales_buyer",
            idempotency_key,
            &(id, action, note),
        )?;
        let request = self.buyer_request(user, id).await?;
        let note = note_text(note)?;
        let transition = match action {
            BuyerAction::Cancel => Transition::Cancel,
            BuyerAction::Escalate => Transition::Escalate,
        };
        self.keyed_step(
            &guard,
            &request,
            transition,
            Actor::Buyer,
            &note,
            Extra::default(),
        )
        .await
    }

    /// The buyer books the return with the sandbox carrier: a return parcel
    /// from their address to the shop, whose pickup scan moves the request.
    #[instrument(skip_all)]
    pub async fn ship_back(
        &self,
        user: &User,
        id: AfterSalesId,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<RequestView> {
        let guard = guard(user, "aftersales_ship_back", idempotency_key, &id)?;
        if let Some(answer) = self.replay::<AfterSalesRequest>(&guard).await? {
            return Ok(RequestView::of(answer));
        }
        let request = self.buyer_request(user, id).await?;
        request.state.apply(request.kind, Transition::BuyerShip)?;
        let order = self.order(user, request.order_id).await?;
        let merchant = self
            .store
            .get_merchant(order.merchant_id)
            .await?
            .ok_or(ServiceError::NotFound("merchant"))?;
        let lane = Lane::new(
            crate::fulfilment::province_of("address", &order.address.region)?,
            crate::fulfilment::province_of("shop_province", &merchant.province)?,
        );
        let carrier = self
            .carriers
            .get(SANDBOX_CODE)
            .ok_or(ServiceError::Conflict("no_return_carrier"))?
            .clone();
        let tracking_no = SandboxCarrier::new_tracking_no();
        let now = self.now();
        let jobs = carrier
            .register(&ParcelRegistration {
                tracking_no: tracking_no.clone(),
                lane,
                registered_at: now,
            })
            .await
            .map_err(|e| ServiceError::Provider(e.to_string()))?;
        let shop = ShippingAddress {
            recipient: merchant.name.clone(),
            phone: String::new(),
            region: merchant.province.clone(),
            detail: "退货仓".into(),
        };
        let parcel = Shipment {
            id: ShipmentId::new(),
            order_id: order.id,
            request_id: Some(request.id),
            direction: Direction::Return,
            carrier: carrier.code().to_owned(),
            waybill: Waybill::new(carrier.name_zh(), &tracking_no, &shop),
            tracking_no: tracking_no.clone(),
            lane,
            shipped_at: now,
            delivered_at: None,
            events: Vec::new(),
        };
        let note = format!("{} {tracking_no}", carrier.name_zh());
        let extra = Extra {
            parcel: Some(parcel),
            jobs,
        };
        self.keyed_step(
            &guard,
            &request,
            Transition::BuyerShip,
            Actor::Buyer,
            &note,
            extra,
        )
        .await
    }

    /// Platform arbitration of a refused request; final either way.
    #[instrument(skip_all)]
    pub async fn arbitrate(
        &self,
        user: &User,
        id: AfterSalesId,
        approve: bool,
        note: &str,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<RequestView> {
        if user.role != Role::Admin {
            return Err(ServiceError::Forbidden("admin"));
        }
        let guard = guard(
            user,
            "aftersales_arbitrate",
            idempotency_key,
            &(id, approve, note),
        )?;
        let request = self.load_request(id).await?;
        let transition = if approve {
            Transition::ArbitrationApprove
        } else {
            Transition::ArbitrationRefuse
        };
        let note = note_text(note)?;
        self.keyed_step(
            &guard,
            &request,
            transition,
            Actor::Arbitrator,
            &note,
            Extra::default(),
        )
        .await
    }

    pub async fn arbitration_queue(&self, user: &User) -> ServiceResult<Vec<RequestView>> {
        if user.role != Role::Admin {
            return Err(ServiceError::Forbidden("admin"));
        }
        let rows = self.store.arbitration_queue(100).await?;
        Ok(rows.into_iter().map(RequestView::of).collect())
    }

    /// The shop's queue, newest first; `states` empty = everything.
    pub async fn shop_aftersales(
        &self,
        user: &User,
        states: &[RequestState],
        page: PageRequest,
    ) -> ServiceResult<Page<RequestView>> {
        let merchant = require_merchant(user)?;
        let rows = self.store.merchant_requests(merchant, states, page).await?;
        let page = Page::from_overfetch(rows, page.size, |r| r.id.as_uuid());
        Ok(page.map(RequestView::of))
    }

    /// Every request on one of the buyer's orders, oldest first.
    pub async fn order_aftersales(
        &self,
        user: &User,
        order: yc_domain::OrderId,
    ) -> ServiceResult<Vec<RequestView>> {
        let order = self.order(user, order).await?;
        let rows = self.store.order_requests(order.id).await?;
        Ok(rows.into_iter().map(RequestView::of).collect())
    }

    /// Returned goods the merchant can sell again go back into stock, once.
    #[instrument(skip_all)]
    pub async fn restock_return(&self, user: &User, id: AfterSalesId) -> ServiceResult<bool> {
        let merchant = require_merchant(user)?;
        let request: AfterSalesRequest = self.shop_request(merchant, id).await?;
        let received = matches!(
            request.state,
            RequestState::RefundDue
                | RequestState::Refunded
                | RequestState::ReplacementDue
                | RequestState::Exchanged
        );
        if !request.kind.returns_goods() || !received {
            return Err(ServiceError::Conflict("return_not_received"));
        }
        Ok(self
            .store
            .restock_return(request.id, request.sku_id, request.quantity)
            .await?)
    }
}

impl Services {
    /// 商家赠送运费险: the shop pays return-shipping insurance on its future
    /// orders (orders already placed keep what they had).
    pub async fn set_shop_insurance(&self, user: &User, grants: bool) -> ServiceResult<()> {
        let merchant = require_merchant(user)?;
        Ok(self.store.set_merchant_insurance(merchant, grants).await?)
    }
}

//! After-sales (安心购): requests on an order line, moved through the
//! domain's state machine (`yc_domain::aftersales`). Each move is one guarded
//! store transaction carrying everything it causes — refund row, 运费险
//! claim, return parcel, timeout job — so a race between a merchant, a
//! timeout and an arbitrator moves the request once and pays once.

mod actions;
mod jobs;
mod open;
mod step;

pub use actions::{BuyerAction, MerchantAction};
pub use jobs::{
    AFTERSALES_TIMEOUT_JOB, REFUND_PAYOUT_JOB, RETURN_PICKED_UP_JOB, aftersales_timeout_job,
    refund_payout_job, return_picked_up_job,
};
pub use open::OpenInput;

use serde::Serialize;
use yc_domain::account::User;
use yc_domain::aftersales::{AfterSalesRequest, RuleNotice};
use yc_domain::{AfterSalesId, MerchantId};

use crate::{ServiceError, ServiceResult, Services};

/// A request as both sides see it: the rule that decided it and the one
/// whose clock is running, in words.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    #[serde(flatten)]
    pub request: AfterSalesRequest,
    pub rule_notice: RuleNotice,
    /// What happens when `deadline` passes.
    pub deadline_notice: Option<RuleNotice>,
}

impl RequestView {
    pub fn of(request: AfterSalesRequest) -> RequestView {
        let deadline_rule = yc_domain::aftersales::timer(request.state).and_then(|(_, t)| t.rule());
        let notice = yc_domain::aftersales::Rule::notice;
        RequestView {
            rule_notice: request.rule.notice(),
            deadline_notice: deadline_rule.map(notice),
            request,
        }
    }
}

impl Services {
    async fn load_request(&self, id: AfterSalesId) -> ServiceResult<AfterSalesRequest> {
        self.store
            .get_request(id)
            .await?
            .ok_or(ServiceError::NotFound("after-sales request"))
    }

    /// The buyer's own request; anyone else's is "not found".
    pub(crate) async fn buyer_request(
        &self,
        user: &User,
        id: AfterSalesId,
    ) -> ServiceResult<AfterSalesRequest> {
        let request = self.load_request(id).await?;
        if request.buyer_id != user.id {
            return Err(ServiceError::NotFound("after-sales request"));
        }
        Ok(request)
    }

    pub(crate) async fn shop_request(
        &self,
        merchant: MerchantId,
        id: AfterSalesId,
    ) -> ServiceResult<AfterSalesRequest> {
        let request = self.load_request(id).await?;
        if request.merchant_id != merchant {
            return Err(ServiceError::NotFound("after-sales request"));
        }
        Ok(request)
    }

    pub async fn aftersales_request(
        &self,
        user: &User,
        id: AfterSalesId,
    ) -> ServiceResult<RequestView> {
        use yc_domain::account::Role;
        let request = match (user.role, user.merchant_id) {
            (Role::Merchant, Some(m)) => self.shop_request(m, id).await?,
            (Role::Admin, _) => self.load_request(id).await?,
            (Role::Buyer, _) | (Role::Merchant, None) => self.buyer_request(user, id).await?,
        };
        Ok(RequestView::of(request))
    }
}

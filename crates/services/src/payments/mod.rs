//! Payments: a narrow provider trait, the gateway that holds one provider
//! per method, and the pay use case. Callbacks are in `callback`.

mod callback;
mod provider;
pub mod sandbox;
mod signing;

pub use callback::{SANDBOX_NOTIFY_JOB, sandbox_notify_job};
pub use provider::*;
pub use signing::{canonical_string, sign, verify};

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use tracing::instrument;
use yc_domain::account::User;
use yc_domain::order::OrderStatus;
use yc_domain::payment::{Payment, PaymentMethod, PaymentStatus};
use yc_domain::{OrderId, PaymentId};
use yc_store::StoreError;

use crate::idempotency::{Guard, parse_key, request_hash};
use crate::{ServiceError, ServiceResult, Services};

/// The providers by method.
#[derive(Clone, Default)]
pub struct PaymentGateway {
    providers: HashMap<PaymentMethod, Arc<dyn PaymentProvider>>,
    /// The sandbox channels, also reachable as providers; the cashier
    /// pages need their concrete type.
    pub sandboxes: Vec<Arc<sandbox::SandboxProvider>>,
}

impl PaymentGateway {
    /// All three methods as sandbox channels, each with its own callback
    /// secret derived from `master_secret`.
    pub fn sandbox(master_secret: &[u8]) -> Self {
        let mut gateway = PaymentGateway::default();
        for method in PaymentMethod::ALL {
            let secret = channel_secret(master_secret, method);
            let provider = Arc::new(sandbox::SandboxProvider::new(method, secret.as_bytes()));
            gateway.sandboxes.push(provider.clone());
            gateway = gateway.with(provider);
        }
        gateway
    }

    pub fn with(mut self, provider: Arc<dyn PaymentProvider>) -> Self {
        self.providers.insert(provider.method(), provider);
        self
    }
    pub fn provider(&self, method: PaymentMethod) -> ServiceResult<&Arc<dyn PaymentProvider>> {
        self.providers
            .get(&method)
            .ok_or(ServiceError::Conflict("payment_method_unavailable"))
    }
    /// The channel name in callback URLs is the method's name.
    pub fn by_channel(&self, channel: &str) -> Option<&Arc<dyn PaymentProvider>> {
        PaymentMethod::parse(channel).and_then(|m| self.providers.get(&m))
    }
}

/// The callback secret of one sandbox channel.
pub fn channel_secret(master_secret: &[u8], method: PaymentMethod) -> String {
    sign(master_secret, method.as_str())
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PayRequest {
    pub order_id: OrderId,
    pub method: PaymentMethod,
}

/// The answer to "pay": where to send the buyer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PaymentStart {
    pub payment: Payment,
    pub redirect_url: String,
}

impl Services {
    /// Opens a payment attempt at the provider for a pending order.
    #[instrument(skip_all)]
    pub async fn pay(
        &self,
        user: &User,
        req: PayRequest,
        idempotency_key: Option<&str>,
    ) -> ServiceResult<PaymentStart> {
        let guard = Guard {
            user_id: user.id,
            scope: "pay",
            key: parse_key(idempotency_key)?,
            hash: request_hash(&req)?,
        };
        if let Some(start) = self.replay::<PaymentStart>(&guard).await? {
            return Ok(start);
        }
        let order = self.order(user, req.order_id).await?;
        let now = self.now();
        if order.status != OrderStatus::PendingPayment {
            return Err(ServiceError::Conflict("order_not_payable"));
        }
        if !order.pay_window_open(now) {
            return Err(ServiceError::Conflict("payment_window_closed"));
        }
        let payment = Payment {
            id: PaymentId::new(),
            order_id: order.id,
            buyer_id: user.id,
            method: req.method,
            amount: order.total,
            status: PaymentStatus::Pending,
            provider_trade_no: None,
            created_at: now,
            paid_at: None,
        };
        let checkout = self
            .payments
            .provider(req.method)?
            .create(&CreatePayment {
                payment_id: payment.id,
                amount: payment.amount,
                subject: order
                    .lines
                    .first()
                    .map(|l| l.title.clone())
                    .unwrap_or_default(),
                return_url: format!("/orders/{}", order.id),
                expires_at: order.pay_deadline,
            })
            .await
            .map_err(|e| ServiceError::Provider(e.to_string()))?;
        let start = PaymentStart {
            payment,
            redirect_url: checkout.redirect_url,
        };
        match self
            .store
            .create_payment(&start.payment, Some(&guard.write(&start, now)?))
            .await
        {
            Ok(()) => Ok(start),
            Err(StoreError::IdempotencyKeyTaken) => self
                .replay::<PaymentStart>(&guard)
                .await?
                .ok_or(ServiceError::IdempotencyMismatch),
            Err(e) => Err(e.into()),
        }
    }

    /// A buyer's own payment.
    pub async fn payment(&self, user: &User, id: PaymentId) -> ServiceResult<Payment> {
        let p = self
            .store
            .get_payment(id)
            .await?
            .ok_or(ServiceError::NotFound("payment"))?;
        if p.buyer_id != user.id {
            return Err(ServiceError::NotFound("payment"));
        }
        Ok(p)
    }
}

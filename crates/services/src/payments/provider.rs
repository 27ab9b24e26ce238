use async_trait::async_trait;
use yc_domain::payment::PaymentMethod;
use yc_domain::{Money, PaymentId, Timestamp};

#[derive(Debug, Clone)]
pub struct CreatePayment {
    pub payment_id: PaymentId,
    pub amount: Money,
    pub subject: String,
    /// Where the provider's page sends the buyer afterwards (a site path).
    pub return_url: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct ProviderCheckout {
    /// The provider's cashier page for the buyer.
    pub redirect_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeState {
    WaitBuyerPay,
    Success,
    Closed,
}

/// A callback whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNotification {
    pub payment_id: PaymentId,
    pub trade_no: String,
    pub amount: Money,
    pub state: TradeState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReceipt {
    pub refund_id: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    #[error("provider refused: {0}")]
    Refused(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("malformed callback: {0}")]
    Malformed(&'static str),
    #[error("bad signature")]
    BadSignature,
}

/// What yellowcart needs from a payment provider, and no more.
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    fn method(&self) -> PaymentMethod;
    async fn create(&self, req: &CreatePayment) -> Result<ProviderCheckout, ProviderError>;
    async fn query(&self, payment_id: PaymentId) -> Result<TradeState, ProviderError>;
    /// Idempotent on `refund_id`: asking twice refunds once.
    async fn refund(
        &self,
        payment_id: PaymentId,
        amount: Money,
        refund_id: &str,
    ) -> Result<RefundReceipt, ProviderError>;
    /// Checks the signature of an asynchronous notification (the raw
    /// form-encoded body) and reads it.
    fn verify_callback(&self, body: &str) -> Result<VerifiedNotification, CallbackError>;
}

//! A sandbox provider that behaves like Alipay's page-pay: `create` returns
//! a cashier page URL carrying a signed trade token; the buyer confirms
//! there; the provider then sends an asynchronous, HMAC-signed, form-encoded
//! notification (retried until acknowledged). Each method (支付宝, 微信支付,
//! 抖音支付) is its own channel with its own callback secret.

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use yc_domain::payment::PaymentMethod;
use yc_domain::{Currency, Money, PaymentId, Timestamp};

use super::signing::{canonical_string, sign, verify};
use super::{
    CallbackError, CreatePayment, PaymentProvider, ProviderCheckout, ProviderError, RefundReceipt,
    TradeState, VerifiedNotification,
};

pub struct SandboxProvider {
    method: PaymentMethod,
    /// Signs notifications; shared with yellowcart like a merchant key.
    callback_secret: Vec<u8>,
    /// Signs cashier-page tokens; private to the "provider".
    page_secret: Vec<u8>,
    trades: Mutex<HashMap<PaymentId, TradeState>>,
    refunds: Mutex<HashMap<String, RefundReceipt>>,
    /// Money refunded per payment, so the sandbox, like a real provider,
    /// refuses to refund more than was paid.
    refunded: Mutex<HashMap<PaymentId, i64>>,
    paid: Mutex<HashMap<PaymentId, i64>>,
    /// Test hook: this many coming refund calls fail as "unavailable".
    fail_next_refunds: std::sync::atomic::AtomicU32,
}

/// The trade as the cashier page knows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SandboxTrade {
    pub payment_id: PaymentId,
    pub amount_minor: i64,
    pub subject: String,
    pub return_url: String,
    pub expires_at: i64,
}

impl SandboxProvider {
    pub fn new(method: PaymentMethod, callback_secret: &[u8]) -> Self {
        let mut page_secret = callback_secret.to_vec();
        page_secret.extend_from_slice(b"/cashier");
        SandboxProvider {
            method,
            callback_secret: callback_secret.to_vec(),
            page_secret,
            trades: Mutex::new(HashMap::new()),
            refunds: Mutex::new(HashMap::new()),
            refunded: Mutex::new(HashMap::new()),
            paid: Mutex::new(HashMap::new()),
            fail_next_refunds: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// The next `n` refund calls fail before doing anything (a provider
    /// outage), to exercise retries.
    pub fn fail_next_refunds(&self, n: u32) {
        self.fail_next_refunds
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Distinct refunds executed, and their total in minor units.
    pub fn refund_totals(&self) -> (usize, i64) {
        self.refunds.lock().map_or((0, 0), |r| {
            (r.len(), r.values().map(|x| x.amount.amount_minor).sum())
        })
    }

    /// Reads a cashier token; `None` if forged or tampered.
    pub fn open_token(&self, token: &str) -> Option<SandboxTrade> {
        let (payload, sig) = token.split_once('.')?;
        if !verify(&self.page_secret, payload, sig) {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// The buyer paid on the cashier page: records the trade and returns the
    /// signed notification body the provider will POST to yellowcart.
    pub fn confirm(&self, trade: &SandboxTrade, now: Timestamp) -> String {
        let mut raw = [0_u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let trade_no = format!("SBX{}{}", now.millis(), hex::encode(raw));
        if let Ok(mut t) = self.trades.lock() {
            t.insert(trade.payment_id, TradeState::Success);
        }
        let params = vec![
            (
                "app_id".to_string(),
                format!("yellowcart-sandbox-{}", self.method.as_str()),
            ),
            ("notify_id".to_string(), hex::encode(raw)),
            ("notify_time".to_string(), now.millis().to_string()),
            ("out_trade_no".to_string(), trade.payment_id.to_string()),
            ("trade_no".to_string(), trade_no),
            (
                "total_amount".to_string(),
                Money::cny(trade.amount_minor).to_major_string(),
            ),
            ("trade_status".to_string(), "TRADE_SUCCESS".to_string()),
        ];
        self.signed_body(params)
    }

    /// Signs arbitrary notification parameters (tests use it to build
    /// genuine callbacks with chosen values).
    pub fn signed_body(&self, mut params: Vec<(String, String)>) -> String {
        let signature = sign(&self.callback_secret, &canonical_string(&params));
        params.push(("sign_type".into(), "HMAC-SHA256".into()));
        params.push(("sign".into(), signature));
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish()
    }
}

#[async_trait]
impl PaymentProvider for SandboxProvider {
    fn method(&self) -> PaymentMethod {
        self.method
    }

    async fn create(&self, req: &CreatePayment) -> Result<ProviderCheckout, ProviderError> {
        let trade = SandboxTrade {
            payment_id: req.payment_id,
            amount_minor: req.amount.amount_minor,
            subject: req.subject.chars().take(60).collect(),
            return_url: req.return_url.clone(),
            expires_at: req.expires_at.millis(),
        };
        let json = serde_json::to_vec(&trade).map_err(|e| ProviderError::Refused(e.to_string()))?;
        let payload = URL_SAFE_NO_PAD.encode(json);
        let token = format!("{payload}.{}", sign(&self.page_secret, &payload));
        if let Ok(mut t) = self.trades.lock() {
            t.insert(req.payment_id, TradeState::WaitBuyerPay);
        }
        if let Ok(mut p) = self.paid.lock() {
            p.insert(req.payment_id, req.amount.amount_minor);
        }
        Ok(ProviderCheckout {
            redirect_url: format!("/sandbox/pay/{}?token={token}", self.method.as_str()),
        })
    }

    async fn query(&self, payment_id: PaymentId) -> Result<TradeState, ProviderError> {
        let trades = self
            .trades
            .lock()
            .map_err(|_| ProviderError::Unavailable("lock".into()))?;
        trades
            .get(&payment_id)
            .copied()
            .ok_or_else(|| ProviderError::Refused("TRADE_NOT_EXIST".into()))
    }

    async fn refund(
        &self,
        payment_id: PaymentId,
        amount: Money,
        refund_id: &str,
    ) -> Result<RefundReceipt, ProviderError> {
        use std::sync::atomic::Ordering;
        let failing =
            self.fail_next_refunds
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if failing.is_ok() {
            return Err(ProviderError::Unavailable("SYSTEM_ERROR (sandbox)".into()));
        }
        let lock = || ProviderError::Unavailable("lock".into());
        let mut refunds = self.refunds.lock().map_err(|_| lock())?;
        if let Some(receipt) = refunds.get(refund_id) {
            // Same request id: the first answer, nothing refunded again.
            return Ok(receipt.clone());
        }
        let mut refunded = self.refunded.lock().map_err(|_| lock())?;
        let so_far = refunded.entry(payment_id).or_insert(0);
        let paid = self
            .paid
            .lock()
            .map_err(|_| lock())?
            .get(&payment_id)
            .copied();
        let next = so_far.saturating_add(amount.amount_minor);
        if paid.is_some_and(|p| next > p) || amount.amount_minor <= 0 {
            return Err(ProviderError::Refused("REFUND_AMOUNT_EXCEEDED".into()));
        }
        *so_far = next;
        let receipt = RefundReceipt {
            refund_id: refund_id.to_owned(),
            amount,
        };
        refunds.insert(refund_id.to_owned(), receipt.clone());
        Ok(receipt)
    }

    fn verify_callback(&self, body: &str) -> Result<VerifiedNotification, CallbackError> {
        let params: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let get = |k: &str| {
            params
                .iter()
                .find(|(pk, _)| pk == k)
                .map(|(_, v)| v.as_str())
        };
        let signature = get("sign").ok_or(CallbackError::Malformed("sign missing"))?;
        if !verify(&self.callback_secret, &canonical_string(&params), signature) {
            return Err(CallbackError::BadSignature);
        }
        let payment_id = get("out_trade_no")
            .and_then(|s| s.parse().ok())
            .ok_or(CallbackError::Malformed("out_trade_no"))?;
        let amount = get("total_amount")
            .and_then(|s| Money::parse_major(s, Currency::Cny))
            .ok_or(CallbackError::Malformed("total_amount"))?;
        let trade_no = get("trade_no")
            .filter(|s| !s.is_empty() && s.len() <= 64)
            .ok_or(CallbackError::Malformed("trade_no"))?;
        let state = match get("trade_status") {
            Some("TRADE_SUCCESS") | Some("TRADE_FINISHED") => TradeState::Success,
            Some("TRADE_CLOSED") => TradeState::Closed,
            Some("WAIT_BUYER_PAY") => TradeState::WaitBuyerPay,
            _ => return Err(CallbackError::Malformed("trade_status")),
        };
        Ok(VerifiedNotification {
            payment_id,
            trade_no: trade_no.to_owned(),
            amount,
            state,
        })
    }
}

//! The sandbox gateway: test money. It signs its callbacks like a real gateway (HMAC-SHA256
//! over `"{timestamp}.{body}"`, header `X-Sandbox-Signature: t=…,v1=…`), and its completion
//! endpoint sends one through the same checked callback path.

use actix_web::http::header::HeaderMap;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::gateway::{CallbackEvent, PaymentGateway, PayoutAccount, PayoutAnswer};
use super::model::PaymentRow;
use super::rails::{CheckoutChannel, CheckoutOrder};
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::money::Fen;

pub const NAME: &str = "sandbox";
pub const SIGNATURE_HEADER: &str = "X-Sandbox-Signature";

/// The callback body the sandbox sends.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SandboxEvent {
    pub event_id: String,
    pub payment_no: String,
    pub amount_fen: i64,
    pub trade_no: String,
}

pub struct Sandbox {
    secret: Vec<u8>,
    tolerance_seconds: u64,
}

impl Sandbox {
    pub fn new(secret: Vec<u8>, tolerance_seconds: u64) -> Self {
        Self {
            secret,
            tolerance_seconds,
        }
    }

    fn mac(&self, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// The signature header value for `body` at `timestamp` (Unix seconds).
    pub fn sign(&self, timestamp: i64, body: &[u8]) -> String {
        let signature = hex::encode(self.mac(timestamp, body).finalize().into_bytes());
        format!("t={timestamp},v1={signature}")
    }

    /// A signed callback confirming `payment` with `amount` (what the sandbox's "pay" does).
    pub fn completion(&self, payment: &PaymentRow, amount: Fen) -> (String, Vec<u8>) {
        let event = SandboxEvent {
            event_id: format!("sbx_evt_{}", crate::auth::tokens::random_url_safe(12)),
            payment_no: payment.payment_no.clone(),
            amount_fen: amount.0,
            trade_no: format!("sbx_{}", payment.payment_no),
        };
        let body = serde_json::to_vec(&event).expect("a sandbox event serialises");
        (self.sign(Clock::system().timestamp(), &body), body)
    }
}

fn unauthorized() -> AppError {
    AppError::Unauthorized {
        code: "invalid_signature",
    }
}

impl PaymentGateway for Sandbox {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Any channel: the sandbox's cashier is its completion endpoint.
    fn checkout(
        &self,
        order: &CheckoutOrder,
        _channel: &CheckoutChannel,
    ) -> AppResult<serde_json::Value> {
        Ok(serde_json::json!({
            "complete_url": format!("/api/v1/payments/sandbox/{}/complete", order.payment_no),
        }))
    }

    fn verify_callback(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> AppResult<Option<CallbackEvent>> {
        let header = headers
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(unauthorized)?;
        let mut timestamp = None;
        let mut signature = None;
        for part in header.split(',') {
            match part.trim().split_once('=') {
                Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
                Some(("v1", value)) => signature = hex::decode(value).ok(),
                _ => {}
            }
        }
        let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
            return Err(unauthorized());
        };
        // Freshness is wall time, as a real gateway's signatures are: business time may have
        // been advanced in development.
        let age = Clock::system().timestamp().saturating_sub(timestamp);
        if age.unsigned_abs() > self.tolerance_seconds {
            return Err(unauthorized());
        }
        // Constant-time comparison.
        self.mac(timestamp, body)
            .verify_slice(&signature)
            .map_err(|_| unauthorized())?;
        let event: SandboxEvent =
            serde_json::from_slice(body).map_err(|_| AppError::BadRequest {
                code: "invalid_callback",
                detail: "the callback body is not a sandbox event".to_owned(),
            })?;
        Ok(Some(CallbackEvent {
            event_id: event.event_id,
            payment_no: event.payment_no,
            amount: Fen(event.amount_fen),
            trade_no: event.trade_no,
        }))
    }

    fn refund(&self, payment: &PaymentRow, refund_no: &str, _amount: Fen) -> AppResult<String> {
        Ok(format!("sbx_refund_{}_{refund_no}", payment.payment_no))
    }

    /// Pays out at once, except to account numbers ending in `0000`, which the sandbox refuses
    /// as a closed account (so the failure path can be tried, like a card network's test
    /// numbers).
    fn payout(
        &self,
        payout_no: &str,
        account: &PayoutAccount,
        _amount: Fen,
    ) -> AppResult<PayoutAnswer> {
        Ok(if account.number.ends_with(REFUSED_ACCOUNT_SUFFIX) {
            PayoutAnswer::Refused("the receiving account is closed (sandbox)".to_owned())
        } else {
            PayoutAnswer::Paid(format!("sbx_payout_{payout_no}"))
        })
    }
}

/// Sandbox payouts to account numbers ending so are refused.
pub const REFUSED_ACCOUNT_SUFFIX: &str = "0000";

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(
            HeaderName::from_static("x-sandbox-signature"),
            HeaderValue::from_str(value).unwrap(),
        );
        map
    }

    #[test]
    fn only_a_fresh_signature_over_the_exact_body_passes() {
        let sandbox = Sandbox::new(b"s".repeat(32), 300);
        let body = br#"{"event_id":"e1","payment_no":"P1","amount_fen":100,"trade_no":"t"}"#;
        let now = Clock::system().timestamp();
        assert!(sandbox
            .verify_callback(&headers(&sandbox.sign(now, body)), body)
            .is_ok());
        let tampered = br#"{"event_id":"e1","payment_no":"P1","amount_fen":1,"trade_no":"t"}"#;
        for (header, body) in [
            (sandbox.sign(now, body), &tampered[..]),
            (sandbox.sign(now - 301, body), &body[..]),
            (
                Sandbox::new(b"x".repeat(32), 300).sign(now, body),
                &body[..],
            ),
            ("t=1,v1=zz".to_owned(), &body[..]),
        ] {
            assert!(matches!(
                sandbox.verify_callback(&headers(&header), body),
                Err(AppError::Unauthorized { .. })
            ));
        }
    }
}

//! The interface every payment gateway implements.

use actix_web::http::header::HeaderMap;

use super::model::PaymentRow;
use crate::error::AppResult;
use crate::money::Fen;

/// A gateway's confirmation that a payment succeeded, after its signature was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackEvent {
    /// The gateway's id of this notification: the same event twice is applied once.
    pub event_id: String,
    /// Our payment number, which the gateway echoes.
    pub payment_no: String,
    pub amount: Fen,
    /// The gateway's own transaction reference.
    pub trade_no: String,
}

/// Where a payout goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutAccount {
    /// alipay or bank.
    pub kind: String,
    pub number: String,
    pub holder: String,
}

/// A gateway's final answer to a payout. A transport failure is an `Err` instead: the payout
/// is tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayoutAnswer {
    /// Sent, with the gateway's reference.
    Paid(String),
    /// Refused for good (a closed account, a name that does not match), with the reason.
    Refused(String),
}

pub trait PaymentGateway: Send + Sync {
    fn name(&self) -> &'static str;

    /// What the app needs to take the buyer through this payment.
    fn checkout(&self, payment: &PaymentRow) -> serde_json::Value;

    /// Checks a callback's signature and reads it. A bad or missing signature, or one too old,
    /// is 401 and nothing else happens.
    fn verify_callback(&self, headers: &HeaderMap, body: &[u8]) -> AppResult<CallbackEvent>;

    /// Sends `amount` of `payment` back to the buyer; the gateway's refund reference.
    fn refund(&self, payment: &PaymentRow, refund_no: &str, amount: Fen) -> AppResult<String>;

    /// Pays `amount` out of the platform's funds to `account`; `payout_no` makes a retry the
    /// same payout.
    fn payout(
        &self,
        payout_no: &str,
        account: &PayoutAccount,
        amount: Fen,
    ) -> AppResult<PayoutAnswer>;
}

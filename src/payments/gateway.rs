//! The interface every payment gateway implements.

use actix_web::http::header::HeaderMap;
use actix_web::HttpResponse;
use serde_json::Value;

use super::model::PaymentRow;
use super::rails::{CheckoutChannel, CheckoutOrder, Notification, PayoutOutcome, RefundAnswer};
use crate::error::{AppError, AppResult};
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
    /// wechat (an openid), alipay (a login) or bank (a card number).
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

/// Every call may cross the network: never make one inside a database transaction.
pub trait PaymentGateway: Send + Sync {
    fn name(&self) -> &'static str;

    /// What the app needs to take the buyer through this payment in `channel` (for a real
    /// rail, after a prepay call).
    fn checkout(&self, order: &CheckoutOrder, channel: &CheckoutChannel) -> AppResult<Value>;

    /// Checks a notification's signature and reads it: a payment confirmed, or None for one
    /// that needs nothing here (a refund's outcome: the send-refunds job asks the gateway for
    /// it). A bad or missing signature, or one too old, is 401 and nothing else happens.
    fn verify_callback(&self, headers: &HeaderMap, body: &[u8])
        -> AppResult<Option<CallbackEvent>>;

    /// The answer this gateway expects to a notification handled; None for our JSON result.
    fn acknowledgement(&self) -> Option<HttpResponse> {
        None
    }

    /// Sends `amount` of `payment` back to the buyer, or asks how the refund numbered
    /// `refund_no` went: the gateway's reference once it is final. A refund still processing,
    /// a refusal (with the gateway's reason) and a transport failure are errors: the refund is
    /// tried again with the same number, which the gateway treats as the same refund.
    fn refund(&self, payment: &PaymentRow, refund_no: &str, amount: Fen) -> AppResult<String>;

    /// Pays `amount` out of the platform's funds to `account`; `payout_no` makes a retry the
    /// same payout. A payout still pending at the gateway is an error: asked again later.
    fn payout(
        &self,
        payout_no: &str,
        account: &PayoutAccount,
        amount: Fen,
    ) -> AppResult<PayoutAnswer>;
}

/// A rail's notification as the callback path applies it: a payment confirmed, or None for a
/// refund's outcome (the send-refunds job asks the gateway for it).
pub fn payment_confirmed(notification: Notification) -> Option<CallbackEvent> {
    match notification {
        Notification::Paid {
            event_id,
            payment_no,
            amount,
            trade_no,
            ..
        } => Some(CallbackEvent {
            event_id,
            payment_no,
            amount,
            trade_no,
        }),
        Notification::Refund { .. } => None,
    }
}

/// A rail's refund answer: its reference once final; still processing or refused, an error
/// (so the refund is tried again under its number, the reason kept).
pub fn final_refund(gateway: &str, answer: RefundAnswer) -> AppResult<String> {
    match answer {
        RefundAnswer::Succeeded { refund_ref } => Ok(refund_ref),
        RefundAnswer::Pending { refund_ref } => Err(not_final(gateway, "refund", &refund_ref)),
        RefundAnswer::Refused { reason } => Err(refused(gateway, &reason)),
    }
}

/// A rail's payout outcome: paid or refused is final; pending is asked again later.
pub fn final_payout(gateway: &str, outcome: PayoutOutcome) -> AppResult<PayoutAnswer> {
    match outcome {
        PayoutOutcome::Paid { payout_ref } => Ok(PayoutAnswer::Paid(payout_ref)),
        PayoutOutcome::Pending { payout_ref, .. } => Err(not_final(gateway, "payout", &payout_ref)),
        PayoutOutcome::Refused { reason } => Ok(PayoutAnswer::Refused(reason)),
    }
}

/// A refund or payout the gateway has not finished: asked again with the same number.
fn not_final(gateway: &str, what: &str, reference: &str) -> AppError {
    AppError::unavailable(format!(
        "{what} {reference} is still processing at {gateway}; asked again later"
    ))
}

/// A refund the gateway refused, with its reason (kept on the refund, shown to the parties).
pub(crate) fn refused(gateway: &str, reason: &str) -> AppError {
    AppError::Conflict {
        code: "gateway_refused",
        detail: format!("{gateway} refused: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_final_answer_counts_and_a_refusal_keeps_its_reason() {
        let done = RefundAnswer::Succeeded {
            refund_ref: "r1".to_owned(),
        };
        assert_eq!(final_refund("wechat", done).unwrap(), "r1");
        let processing = RefundAnswer::Pending {
            refund_ref: "r2".to_owned(),
        };
        assert!(matches!(
            final_refund("wechat", processing),
            Err(AppError::Unavailable { .. })
        ));
        let refused = RefundAnswer::Refused {
            reason: "NOT_ENOUGH: balance".to_owned(),
        };
        match final_refund("wechat", refused) {
            Err(AppError::Conflict { code, detail }) => {
                assert_eq!(code, "gateway_refused");
                assert!(detail.contains("NOT_ENOUGH"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        let waiting = PayoutOutcome::Pending {
            payout_ref: "p1".to_owned(),
            user_confirmation: None,
        };
        assert!(
            final_payout("wechat", waiting).is_err(),
            "asked again later"
        );
        let closed = PayoutOutcome::Refused {
            reason: "closed".to_owned(),
        };
        assert_eq!(
            final_payout("alipay", closed).unwrap(),
            PayoutAnswer::Refused("closed".to_owned())
        );
    }
}

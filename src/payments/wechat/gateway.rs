//! WeChat Pay behind [`PaymentGateway`].

use actix_web::http::header::HeaderMap;
use actix_web::HttpResponse;
use serde_json::Value;

use super::{notification_answer, NotificationAnswer, TransferPayee, WechatPay, NAME};
use crate::error::AppResult;
use crate::money::Fen;
use crate::payments::gateway::{
    not_final, refused, CallbackEvent, PaymentGateway, PayoutAccount, PayoutAnswer,
};
use crate::payments::model::PaymentRow;
use crate::payments::rails::{
    CheckoutChannel, CheckoutOrder, Notification, PayoutOutcome, RefundAnswer,
};

impl PaymentGateway for WechatPay {
    fn name(&self) -> &'static str {
        NAME
    }

    fn checkout(&self, order: &CheckoutOrder, channel: &CheckoutChannel) -> AppResult<Value> {
        WechatPay::checkout(self, order, channel)
    }

    fn verify_callback(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> AppResult<Option<CallbackEvent>> {
        Ok(match self.verify_notification(headers, body)? {
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
        })
    }

    fn acknowledgement(&self) -> Option<HttpResponse> {
        Some(notification_answer(NotificationAnswer::Accepted))
    }

    /// WeChat treats a refund sent again under its `out_refund_no` as the same refund, and
    /// answers with its state.
    fn refund(&self, payment: &PaymentRow, refund_no: &str, amount: Fen) -> AppResult<String> {
        let total = Fen(payment.amount_fen);
        match WechatPay::refund(self, &payment.payment_no, refund_no, amount, total, None)? {
            RefundAnswer::Succeeded { refund_ref } => Ok(refund_ref),
            RefundAnswer::Pending { refund_ref } => Err(not_final(NAME, "refund", &refund_ref)),
            RefundAnswer::Refused { reason } => Err(refused(NAME, &reason)),
        }
    }

    fn payout(
        &self,
        payout_no: &str,
        account: &PayoutAccount,
        amount: Fen,
    ) -> AppResult<PayoutAnswer> {
        if account.kind != "wechat" {
            return Ok(PayoutAnswer::Refused(format!(
                "WeChat Pay pays out to WeChat accounts only, not {}",
                account.kind
            )));
        }
        let payee = TransferPayee {
            openid: &account.number,
            user_name: Some(&account.holder),
        };
        match WechatPay::payout(self, payout_no, &payee, amount, "佣金结算 commission")? {
            PayoutOutcome::Paid { payout_ref } => Ok(PayoutAnswer::Paid(payout_ref)),
            PayoutOutcome::Pending { payout_ref, .. } => {
                Err(not_final(NAME, "payout", &payout_ref))
            }
            PayoutOutcome::Refused { reason } => Ok(PayoutAnswer::Refused(reason)),
        }
    }
}

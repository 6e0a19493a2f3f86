//! WeChat Pay behind [`PaymentGateway`].

use actix_web::http::header::HeaderMap;
use actix_web::HttpResponse;
use serde_json::Value;

use super::{notification_answer, NotificationAnswer, TransferPayee, WechatPay, NAME};
use crate::error::AppResult;
use crate::money::Fen;
use crate::payments::gateway::{
    final_payout, final_refund, payment_confirmed, CallbackEvent, PaymentGateway, PayoutAccount,
    PayoutAnswer,
};
use crate::payments::model::PaymentRow;
use crate::payments::rails::{CheckoutChannel, CheckoutOrder};

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
        Ok(payment_confirmed(self.verify_notification(headers, body)?))
    }

    fn acknowledgement(&self) -> Option<HttpResponse> {
        Some(notification_answer(NotificationAnswer::Accepted))
    }

    /// WeChat treats a refund sent again under its `out_refund_no` as the same refund, and
    /// answers with its state.
    fn refund(&self, payment: &PaymentRow, refund_no: &str, amount: Fen) -> AppResult<String> {
        let total = Fen(payment.amount_fen);
        final_refund(
            NAME,
            WechatPay::refund(self, &payment.payment_no, refund_no, amount, total, None)?,
        )
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
        final_payout(
            NAME,
            WechatPay::payout(self, payout_no, &payee, amount, "佣金结算 commission")?,
        )
    }
}

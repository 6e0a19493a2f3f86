//! Alipay behind [`PaymentGateway`].

use actix_web::http::header::HeaderMap;
use actix_web::HttpResponse;
use serde_json::Value;

use super::{notification_answer, Alipay, Payee, NAME};
use crate::error::AppResult;
use crate::money::Fen;
use crate::payments::gateway::{
    final_payout, final_refund, payment_confirmed, CallbackEvent, PaymentGateway, PayoutAccount,
    PayoutAnswer,
};
use crate::payments::model::PaymentRow;
use crate::payments::rails::{CheckoutChannel, CheckoutOrder, RefundAnswer};

impl PaymentGateway for Alipay {
    fn name(&self) -> &'static str {
        NAME
    }

    fn checkout(&self, order: &CheckoutOrder, channel: &CheckoutChannel) -> AppResult<Value> {
        Alipay::checkout(self, order, channel)
    }

    fn verify_callback(
        &self,
        _headers: &HeaderMap,
        body: &[u8],
    ) -> AppResult<Option<CallbackEvent>> {
        Ok(payment_confirmed(self.verify_notification(body)?))
    }

    /// Alipay stops resending once it reads the literal `success`.
    fn acknowledgement(&self) -> Option<HttpResponse> {
        Some(notification_answer(true))
    }

    /// Alipay answers a refund sent again under its number with "no money moved", so the
    /// refund is asked after first: sent only when Alipay has none under that number.
    fn refund(&self, payment: &PaymentRow, refund_no: &str, amount: Fen) -> AppResult<String> {
        let answer = match self.query_refund(&payment.payment_no, refund_no)? {
            RefundAnswer::Refused { .. } => {
                Alipay::refund(self, &payment.payment_no, refund_no, amount, None)?
            }
            known => known,
        };
        final_refund(NAME, answer)
    }

    fn payout(
        &self,
        payout_no: &str,
        account: &PayoutAccount,
        amount: Fen,
    ) -> AppResult<PayoutAnswer> {
        let payee = match account.kind.as_str() {
            "alipay" => Payee::LogonId {
                logon_id: account.number.clone(),
                name: account.holder.clone(),
            },
            "bank" => Payee::BankCard {
                card_no: account.number.clone(),
                name: account.holder.clone(),
            },
            other => {
                return Ok(PayoutAnswer::Refused(format!(
                    "Alipay pays out to Alipay accounts and bank cards, not {other}"
                )))
            }
        };
        final_payout(
            NAME,
            Alipay::payout(self, payout_no, &payee, amount, "佣金结算 commission")?,
        )
    }
}

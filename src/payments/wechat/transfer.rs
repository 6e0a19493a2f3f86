//! Payouts by merchant transfer (`/v3/fund-app/mch-transfer/transfer-bills`), idempotent by
//! our `out_bill_no`. A payee's real name travels encrypted with the WeChat Pay public key.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use sha1::Sha1;

use super::client::segment;
use super::WechatPay;
use crate::error::{AppError, AppResult};
use crate::money::Fen;
use crate::payments::rails::transport::Reply;
use crate::payments::rails::PayoutOutcome;

#[derive(Deserialize)]
struct TransferBill {
    #[serde(default)]
    transfer_bill_no: String,
    state: String,
    #[serde(default)]
    fail_reason: Option<String>,
    #[serde(default)]
    package_info: Option<String>,
}

/// Who receives a payout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPayee<'a> {
    pub openid: &'a str,
    /// The real name; WeChat checks it against the account (required from ¥2,000). Sent
    /// encrypted with the WeChat Pay public key.
    pub user_name: Option<&'a str>,
}

impl WechatPay {
    /// Pays `amount` to a WeChat user by merchant transfer; `payout_no` (`out_bill_no`) makes
    /// a retry the same transfer.
    pub fn payout(
        &self,
        payout_no: &str,
        payee: &TransferPayee<'_>,
        amount: Fen,
        remark: &str,
    ) -> AppResult<PayoutOutcome> {
        let reports: Vec<Value> = self
            .transfer_scene_reports
            .iter()
            .map(|(kind, content)| json!({ "info_type": kind, "info_content": content }))
            .collect();
        let mut body = json!({
            "appid": self.app_id,
            "out_bill_no": payout_no,
            "transfer_scene_id": self.transfer_scene_id,
            "openid": payee.openid,
            "transfer_amount": amount.0,
            "transfer_remark": remark,
            "transfer_scene_report_infos": reports,
        });
        let mut extra = Vec::new();
        if let Some(name) = payee.user_name {
            body["user_name"] = json!(self.encrypt_sensitive(name)?);
            // Tells WeChat which of its keys the name was encrypted with.
            extra.push(("Wechatpay-Serial", self.platform_serial.clone()));
        }
        let path = "/v3/fund-app/mch-transfer/transfer-bills";
        let reply = self.send("payout", "POST", path, &body, &extra)?;
        self.payout_outcome("payout", &reply)
    }

    /// A payout's state at WeChat; an unknown `payout_no` is 404 (safe to send again).
    pub fn query_payout(&self, payout_no: &str) -> AppResult<PayoutOutcome> {
        let path = format!(
            "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{}",
            segment(payout_no)?
        );
        let reply = self.send_get("payout query", &path)?;
        if reply.status == 404 {
            return Err(AppError::NotFound { resource: "payout" });
        }
        self.payout_outcome("payout query", &reply)
    }

    fn payout_outcome(&self, call: &str, reply: &Reply) -> AppResult<PayoutOutcome> {
        if !reply.is_success() {
            return Ok(PayoutOutcome::Refused {
                reason: self.refusal(call, reply)?,
            });
        }
        let bill: TransferBill = self.expect(call, reply)?;
        let payout_ref = bill.transfer_bill_no;
        Ok(match bill.state.as_str() {
            "SUCCESS" => PayoutOutcome::Paid { payout_ref },
            "FAIL" | "CANCELLED" => PayoutOutcome::Refused {
                reason: bill.fail_reason.unwrap_or_else(|| bill.state.clone()),
            },
            // ACCEPTED, PROCESSING, WAIT_USER_CONFIRM, TRANSFERING, CANCELING.
            _ => PayoutOutcome::Pending {
                payout_ref,
                user_confirmation: bill
                    .package_info
                    .filter(|_| bill.state == "WAIT_USER_CONFIRM"),
            },
        })
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA-1) with the WeChat Pay public key, base64, as WeChat wants
    /// sensitive fields.
    fn encrypt_sensitive(&self, text: &str) -> AppResult<String> {
        let padding = rsa::Oaep::new::<Sha1>();
        let encrypted = self
            .platform_key
            .rsa()
            .encrypt(&mut rand::thread_rng(), padding, text.as_bytes())
            .map_err(|_| AppError::internal("wechat pay payout: cannot encrypt the payee name"))?;
        Ok(STANDARD.encode(encrypted))
    }
}

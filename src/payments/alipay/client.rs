//! The Alipay calls. Server calls are POSTed form-encoded to the gateway; each answer's node
//! must carry Alipay's signature. Code 10000 is success, 40004 a business failure
//! (`sub_code`/`sub_msg`), 20000 Alipay's own trouble (retry); no answer or a 5xx is
//! `AppError::Unavailable`.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{Alipay, NAME};
use crate::error::{AppError, AppResult};
use crate::money::Fen;
use crate::payments::gateway::refused;
use crate::payments::rails::{
    china_time, fen_to_yuan, yuan_to_fen, BillLine, CheckoutChannel, CheckoutOrder, PayoutOutcome,
    RefundAnswer, TradeState,
};

/// Where a payout goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payee {
    /// An Alipay account by its login (phone number or e-mail), with the holder's real name.
    LogonId { logon_id: String, name: String },
    /// A private person's mainland bank card.
    BankCard { card_no: String, name: String },
}

/// The fields of an answer node the calls read; each call reads its own few.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Node {
    code: String,
    msg: String,
    sub_code: String,
    sub_msg: String,
    trade_no: String,
    trade_status: String,
    total_amount: String,
    buyer_user_id: String,
    buyer_open_id: String,
    fund_change: String,
    refund_status: String,
    refund_amount: String,
    out_request_no: String,
    order_id: String,
    status: String,
    fail_reason: String,
    bill_download_url: String,
}

/// A signed answer: success, or a business failure to be read by the call.
enum Answer {
    Success(Box<Node>),
    Failed { sub_code: String, sub_msg: String },
}

impl Alipay {
    /// The signed URL of Alipay's mobile cashier for this payment (`alipay.trade.wap.pay`):
    /// the buyer's browser opens it; no server call is made.
    pub fn wap_pay_url(&self, order: &CheckoutOrder, return_url: &str) -> AppResult<String> {
        let expires = order.expires_at.and_utc().with_timezone(&china_time());
        let biz = json!({
            "out_trade_no": order.payment_no,
            "total_amount": fen_to_yuan(order.amount),
            "subject": order.description,
            "product_code": "QUICK_WAP_WAY",
            "time_expire": expires.format("%Y-%m-%d %H:%M:%S").to_string(),
            "quit_url": return_url,
        });
        let mut params = self.signed_params("alipay.trade.wap.pay", &biz);
        params.insert("return_url".to_owned(), return_url.to_owned());
        self.sign(&mut params);
        let query = serde_urlencoded::to_string(&params)
            .map_err(|_| AppError::internal("alipay wap pay: cannot encode the URL"))?;
        Ok(format!("{}?{query}", self.gateway_url))
    }

    /// The checkout for the client: `{"pay_url": …}`.
    pub fn checkout(&self, order: &CheckoutOrder, channel: &CheckoutChannel) -> AppResult<Value> {
        match channel {
            CheckoutChannel::AlipayWap { return_url } => {
                Ok(json!({ "pay_url": self.wap_pay_url(order, return_url)? }))
            }
            _ => Err(AppError::BadRequest {
                code: "wrong_channel",
                detail: "Alipay cannot take a WeChat checkout".to_owned(),
            }),
        }
    }

    /// The payment's state. Alipay creates the trade only when the buyer opens the cashier,
    /// so one it does not know is still Open (the URL works until `time_expire`).
    pub fn query_trade(&self, payment_no: &str) -> AppResult<TradeState> {
        let biz = json!({ "out_trade_no": payment_no });
        let node = match self.call("alipay.trade.query", &biz)? {
            Answer::Success(node) => node,
            Answer::Failed { sub_code, .. } if sub_code == "ACQ.TRADE_NOT_EXIST" => {
                return Ok(TradeState::Open)
            }
            Answer::Failed { sub_code, sub_msg } => {
                return Err(refused(NAME, &format!("{sub_code}: {sub_msg}")))
            }
        };
        Ok(match node.trade_status.as_str() {
            "TRADE_SUCCESS" | "TRADE_FINISHED" => TradeState::Paid {
                amount: yuan(&node.total_amount)?,
                trade_no: node.trade_no,
                payer: if node.buyer_user_id.is_empty() {
                    node.buyer_open_id
                } else {
                    node.buyer_user_id
                },
            },
            "WAIT_BUYER_PAY" => TradeState::Open,
            "TRADE_CLOSED" => TradeState::Closed,
            _ => return Err(malformed("alipay.trade.query")),
        })
    }

    /// Closes an unpaid payment; one Alipay never created is already as good as closed.
    pub fn close_trade(&self, payment_no: &str) -> AppResult<()> {
        let biz = json!({ "out_trade_no": payment_no });
        match self.call("alipay.trade.close", &biz)? {
            Answer::Success(_) => Ok(()),
            Answer::Failed { sub_code, .. } if sub_code == "ACQ.TRADE_NOT_EXIST" => Ok(()),
            Answer::Failed { sub_code, sub_msg } => {
                Err(refused(NAME, &format!("{sub_code}: {sub_msg}")))
            }
        }
    }

    /// Refunds `amount` of `payment_no`; `refund_no` (`out_request_no`) makes a retry the
    /// same refund and allows several partial ones. The reference is `trade_no/refund_no`
    /// (Alipay gives refunds no number of their own).
    pub fn refund(
        &self,
        payment_no: &str,
        refund_no: &str,
        amount: Fen,
        reason: Option<&str>,
    ) -> AppResult<RefundAnswer> {
        let mut biz = json!({
            "out_trade_no": payment_no,
            "refund_amount": fen_to_yuan(amount),
            "out_request_no": refund_no,
        });
        if let Some(reason) = reason {
            biz["refund_reason"] = json!(reason);
        }
        Ok(match self.call("alipay.trade.refund", &biz)? {
            Answer::Success(node) => {
                let refund_ref = format!("{}/{refund_no}", node.trade_no);
                // "N": no money moved by this call; the refund query says whether it did.
                if node.fund_change == "Y" {
                    RefundAnswer::Succeeded { refund_ref }
                } else {
                    RefundAnswer::Pending { refund_ref }
                }
            }
            Answer::Failed { sub_code, sub_msg } => RefundAnswer::Refused {
                reason: format!("{sub_code}: {sub_msg}"),
            },
        })
    }

    /// A refund's state (`alipay.trade.fastpay.refund.query`). Alipay documents that a
    /// refund it does not return did not happen, and may be sent again with the same number.
    pub fn query_refund(&self, payment_no: &str, refund_no: &str) -> AppResult<RefundAnswer> {
        let biz = json!({ "out_trade_no": payment_no, "out_request_no": refund_no });
        Ok(
            match self.call("alipay.trade.fastpay.refund.query", &biz)? {
                Answer::Success(node) if node.refund_amount.is_empty() => RefundAnswer::Refused {
                    reason: "no such refund at Alipay (safe to send again)".to_owned(),
                },
                Answer::Success(node) => {
                    let refund_ref = format!("{}/{refund_no}", node.trade_no);
                    match node.refund_status.as_str() {
                        "" | "REFUND_SUCCESS" => RefundAnswer::Succeeded { refund_ref },
                        _ => RefundAnswer::Pending { refund_ref },
                    }
                }
                Answer::Failed { sub_code, sub_msg } => RefundAnswer::Refused {
                    reason: format!("{sub_code}: {sub_msg}"),
                },
            },
        )
    }

    /// Pays `amount` from our Alipay balance (`alipay.fund.trans.uni.transfer`); `payout_no`
    /// (`out_biz_no`) makes a retry the same transfer.
    pub fn payout(
        &self,
        payout_no: &str,
        payee: &Payee,
        amount: Fen,
        title: &str,
    ) -> AppResult<PayoutOutcome> {
        let (product_code, payee_info) = match payee {
            Payee::LogonId { logon_id, name } => (
                "TRANS_ACCOUNT_NO_PWD",
                json!({ "identity": logon_id, "identity_type": "ALIPAY_LOGON_ID", "name": name }),
            ),
            Payee::BankCard { card_no, name } => (
                "TRANS_BANKCARD_NO_PWD",
                json!({
                    "identity": card_no,
                    "identity_type": "BANKCARD_ACCOUNT",
                    "name": name,
                    "bankcard_ext_info": { "account_type": "2" },
                }),
            ),
        };
        let biz = json!({
            "out_biz_no": payout_no,
            "trans_amount": fen_to_yuan(amount),
            "product_code": product_code,
            "biz_scene": "DIRECT_TRANSFER",
            "order_title": title,
            "payee_info": payee_info,
        });
        self.payout_outcome(self.call("alipay.fund.trans.uni.transfer", &biz)?)
    }

    /// A payout's state (`alipay.fund.trans.common.query`); an unknown one is 404.
    pub fn query_payout(&self, payout_no: &str, payee: &Payee) -> AppResult<PayoutOutcome> {
        let product_code = match payee {
            Payee::LogonId { .. } => "TRANS_ACCOUNT_NO_PWD",
            Payee::BankCard { .. } => "TRANS_BANKCARD_NO_PWD",
        };
        let biz = json!({
            "out_biz_no": payout_no,
            "product_code": product_code,
            "biz_scene": "DIRECT_TRANSFER",
        });
        match self.call("alipay.fund.trans.common.query", &biz)? {
            Answer::Failed { sub_code, .. } if sub_code == "ORDER_NOT_EXIST" => {
                Err(AppError::NotFound { resource: "payout" })
            }
            answer => self.payout_outcome(answer),
        }
    }

    fn payout_outcome(&self, answer: Answer) -> AppResult<PayoutOutcome> {
        Ok(match answer {
            Answer::Success(node) => match node.status.as_str() {
                "SUCCESS" => PayoutOutcome::Paid {
                    payout_ref: node.order_id,
                },
                "FAIL" | "REFUND" | "CLOSED" => PayoutOutcome::Refused {
                    reason: if node.fail_reason.is_empty() {
                        node.status
                    } else {
                        node.fail_reason
                    },
                },
                // DEALING, WAIT_PAY, INIT: not final yet.
                _ => PayoutOutcome::Pending {
                    payout_ref: node.order_id,
                    user_confirmation: None,
                },
            },
            Answer::Failed { sub_code, sub_msg } => PayoutOutcome::Refused {
                reason: format!("{sub_code}: {sub_msg}"),
            },
        })
    }

    /// The day's trade bill, downloaded from the address Alipay gives and read.
    pub fn trade_bill(&self, day: NaiveDate) -> AppResult<Vec<BillLine>> {
        let biz = json!({ "bill_type": "trade", "bill_date": day.format("%Y-%m-%d").to_string() });
        let url = match self.call("alipay.data.dataservice.bill.downloadurl.query", &biz)? {
            Answer::Success(node) if !node.bill_download_url.is_empty() => node.bill_download_url,
            Answer::Success(_) => return Err(malformed("bill")),
            Answer::Failed { sub_code, sub_msg } => {
                return Err(refused(NAME, &format!("{sub_code}: {sub_msg}")))
            }
        };
        // The address is short-lived and signed by Alipay itself; the file is not signed.
        let file = self.transport.get("bill download", &url, &[])?;
        if !file.is_success() {
            return Err(AppError::unavailable(format!(
                "alipay bill download: HTTP {}",
                file.status
            )));
        }
        super::bill::parse_zip(&file.body)
            .map_err(|why| AppError::internal(format!("alipay bill: {why}")))
    }

    /// POSTs `method` and reads its checked answer.
    fn call(&self, method: &str, biz: &Value) -> AppResult<Answer> {
        let mut params = self.signed_params(method, biz);
        self.sign(&mut params);
        let body = serde_urlencoded::to_string(&params)
            .map_err(|_| AppError::internal(format!("alipay {method}: cannot encode")))?;
        let reply = self.transport.post(
            method,
            &self.gateway_url,
            &[("Accept", "application/json".to_owned())],
            "application/x-www-form-urlencoded;charset=utf-8",
            body.as_bytes(),
        )?;
        if !reply.is_success() {
            return Err(AppError::unavailable(format!(
                "alipay {method}: HTTP {}",
                reply.status
            )));
        }
        let text = reply.text();
        let node = self.signed_node(method, &text).map_err(|why| {
            AppError::internal(format!(
                "alipay {method}: answer refused: {why}{}",
                untrusted_code(&text)
            ))
        })?;
        let node: Node = serde_json::from_str(&node).map_err(|_| malformed(method))?;
        match node.code.as_str() {
            "10000" => Ok(Answer::Success(Box::new(node))),
            "40004" if node.sub_code.contains("SYSTEM_ERROR") => Err(AppError::unavailable(
                format!("alipay {method}: {} (try again)", node.sub_code),
            )),
            "40004" => Ok(Answer::Failed {
                sub_code: node.sub_code,
                sub_msg: node.sub_msg,
            }),
            "20000" => Err(AppError::unavailable(format!(
                "alipay {method}: service unavailable ({})",
                node.sub_code
            ))),
            // 20001 (authorisation), 40001 (missing parameter), 40002 (invalid parameter or
            // signature), 40006 (no permission): our configuration or our code is at fault.
            code => Err(AppError::internal(format!(
                "alipay {method}: {code} {} {}",
                node.msg, node.sub_code
            ))),
        }
    }
}

/// The code an answer that failed its check claims, for the log only (some error answers
/// are not signed, e.g. when Alipay cannot tell whose app it is): never acted on.
fn untrusted_code(text: &str) -> String {
    let Ok(Value::Object(nodes)) = serde_json::from_str::<Value>(text) else {
        return String::new();
    };
    nodes
        .iter()
        .find(|(name, _)| name.ends_with("_response"))
        .map(|(_, node)| {
            let field = |key: &str| node[key].as_str().unwrap_or("").to_owned();
            format!(" (it says {} {})", field("code"), field("sub_code"))
        })
        .unwrap_or_default()
}

fn yuan(text: &str) -> AppResult<Fen> {
    yuan_to_fen(text).map_err(|why| AppError::internal(format!("alipay: {why}")))
}

fn malformed(call: &str) -> AppError {
    AppError::internal(format!("alipay {call}: unexpected answer"))
}

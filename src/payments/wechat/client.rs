//! The WeChat Pay v3 calls. Each answer's signature is checked before it is read; a 5xx or no
//! answer is `AppError::Unavailable` (retry with the same number), a business refusal of a
//! refund or payout is `Refused`, of anything else a 409 `gateway_refused`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::sign::{nonce, SignedHeaders};
use super::{WechatPay, NAME};
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::money::Fen;
use crate::payments::gateway::refused;
use crate::payments::rails::transport::Reply;
use crate::payments::rails::{
    china_time, CheckoutChannel, CheckoutOrder, RefundAnswer, TradeState,
};

/// What `wx.requestPayment` / `WeixinJSBridge` takes, as WeChat names the fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsapiBridge {
    pub app_id: String,
    pub time_stamp: String,
    pub nonce_str: String,
    pub package: String,
    pub sign_type: String,
    pub pay_sign: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Amount {
    total: i64,
}

#[derive(Deserialize)]
struct Payer {
    openid: String,
}

#[derive(Deserialize)]
struct Transaction {
    trade_state: String,
    transaction_id: Option<String>,
    amount: Option<Amount>,
    payer: Option<Payer>,
}

#[derive(Deserialize)]
struct Refund {
    refund_id: String,
    status: String,
}

impl WechatPay {
    /// JSAPI prepay: the parameters the page hands to WeChat's bridge.
    pub fn jsapi_prepay(&self, order: &CheckoutOrder, openid: &str) -> AppResult<JsapiBridge> {
        let mut body = self.prepay_body(order);
        body["payer"] = json!({ "openid": openid });
        let reply = self.send(
            "jsapi prepay",
            "POST",
            "/v3/pay/transactions/jsapi",
            &body,
            &[],
        )?;
        let prepay_id = self.expect::<Value>("jsapi prepay", &reply)?["prepay_id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| malformed("jsapi prepay"))?;
        let time_stamp = Clock::system().timestamp().to_string();
        let nonce_str = nonce();
        let package = format!("prepay_id={prepay_id}");
        Ok(JsapiBridge {
            app_id: self.app_id.clone(),
            pay_sign: self.pay_sign(&time_stamp, &nonce_str, &package),
            time_stamp,
            nonce_str,
            package,
            sign_type: "RSA".to_owned(),
        })
    }

    /// H5 prepay: the URL the mobile browser opens.
    pub fn h5_prepay(&self, order: &CheckoutOrder, client_ip: &str) -> AppResult<String> {
        let mut body = self.prepay_body(order);
        body["scene_info"] = json!({
            "payer_client_ip": client_ip,
            "h5_info": { "type": "Wap" },
        });
        let reply = self.send("h5 prepay", "POST", "/v3/pay/transactions/h5", &body, &[])?;
        self.expect::<Value>("h5 prepay", &reply)?["h5_url"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| malformed("h5 prepay"))
    }

    /// Either prepay, as JSON for the client: the JSAPI bridge, or `{"h5_url": …}`.
    pub fn checkout(&self, order: &CheckoutOrder, channel: &CheckoutChannel) -> AppResult<Value> {
        match channel {
            CheckoutChannel::WechatJsapi { openid } => Ok(json!(self.jsapi_prepay(order, openid)?)),
            CheckoutChannel::WechatH5 { client_ip } => {
                Ok(json!({ "h5_url": self.h5_prepay(order, client_ip)? }))
            }
            CheckoutChannel::AlipayWap { .. } => Err(AppError::BadRequest {
                code: "wrong_channel",
                detail: "WeChat Pay cannot take an Alipay checkout".to_owned(),
            }),
        }
    }

    fn prepay_body(&self, order: &CheckoutOrder) -> Value {
        let expires = order.expires_at.and_utc().with_timezone(&china_time());
        json!({
            "appid": self.app_id,
            "mchid": self.mch_id,
            "description": order.description,
            "out_trade_no": order.payment_no,
            "time_expire": expires.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            "notify_url": self.notify_url,
            "amount": { "total": order.amount.0, "currency": "CNY" },
        })
    }

    /// The payment's state at WeChat. A payment WeChat never heard of cannot be paid: Closed.
    pub fn query_trade(&self, payment_no: &str) -> AppResult<TradeState> {
        let path = format!(
            "/v3/pay/transactions/out-trade-no/{}?mchid={}",
            segment(payment_no)?,
            self.mch_id
        );
        let reply = self.send_get("query", &path)?;
        if reply.status == 404 {
            return Ok(TradeState::Closed);
        }
        let trade: Transaction = self.expect("query", &reply)?;
        Ok(match trade.trade_state.as_str() {
            "SUCCESS" => TradeState::Paid {
                trade_no: trade.transaction_id.unwrap_or_default(),
                amount: Fen(trade.amount.map_or(0, |a| a.total)),
                payer: trade.payer.map(|p| p.openid).unwrap_or_default(),
            },
            "NOTPAY" | "USERPAYING" => TradeState::Open,
            "REFUND" => TradeState::Refunded,
            "CLOSED" | "PAYERROR" | "REVOKED" => TradeState::Closed,
            _ => return Err(malformed("query")),
        })
    }

    /// Closes an unpaid payment (204 from WeChat).
    pub fn close_trade(&self, payment_no: &str) -> AppResult<()> {
        let path = format!(
            "/v3/pay/transactions/out-trade-no/{}/close",
            segment(payment_no)?
        );
        let body = json!({ "mchid": self.mch_id });
        let reply = self.send("close", "POST", &path, &body, &[])?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(refused(NAME, &self.refusal("close", &reply)?))
        }
    }

    /// Refunds `refund` of the `total` paid for `payment_no`; `refund_no` makes a retry the
    /// same refund.
    pub fn refund(
        &self,
        payment_no: &str,
        refund_no: &str,
        refund: Fen,
        total: Fen,
        reason: Option<&str>,
    ) -> AppResult<RefundAnswer> {
        let mut body = json!({
            "out_trade_no": payment_no,
            "out_refund_no": refund_no,
            "notify_url": self.notify_url,
            "amount": { "refund": refund.0, "total": total.0, "currency": "CNY" },
        });
        if let Some(reason) = reason {
            body["reason"] = json!(reason);
        }
        let reply = self.send("refund", "POST", "/v3/refund/domestic/refunds", &body, &[])?;
        self.refund_answer("refund", &reply)
    }

    /// A refund's state at WeChat.
    pub fn query_refund(&self, refund_no: &str) -> AppResult<RefundAnswer> {
        let path = format!("/v3/refund/domestic/refunds/{}", segment(refund_no)?);
        let reply = self.send_get("refund query", &path)?;
        self.refund_answer("refund query", &reply)
    }

    fn refund_answer(&self, call: &str, reply: &Reply) -> AppResult<RefundAnswer> {
        if !reply.is_success() {
            return Ok(RefundAnswer::Refused {
                reason: self.refusal(call, reply)?,
            });
        }
        let refund: Refund = self.expect(call, reply)?;
        let refund_ref = refund.refund_id;
        Ok(match refund.status.as_str() {
            "SUCCESS" => RefundAnswer::Succeeded { refund_ref },
            "PROCESSING" => RefundAnswer::Pending { refund_ref },
            // ABNORMAL: the buyer's card or account cannot take it; it needs a person.
            "ABNORMAL" | "CLOSED" => RefundAnswer::Refused {
                reason: format!("{} ({refund_ref})", refund.status),
            },
            _ => return Err(malformed(call)),
        })
    }

    pub(super) fn send_get(&self, call: &str, path_and_query: &str) -> AppResult<Reply> {
        let headers = self.base_headers("GET", path_and_query, "");
        let url = format!("{}{path_and_query}", self.base_url);
        let reply = self.transport.get(call, &url, &headers)?;
        self.checked(call, reply)
    }

    pub(super) fn send(
        &self,
        call: &str,
        method: &str,
        path: &str,
        body: &Value,
        extra: &[(&'static str, String)],
    ) -> AppResult<Reply> {
        let text = body.to_string();
        let mut headers = self.base_headers(method, path, &text);
        headers.extend_from_slice(extra);
        let url = format!("{}{path}", self.base_url);
        let reply =
            self.transport
                .post(call, &url, &headers, "application/json", text.as_bytes())?;
        self.checked(call, reply)
    }

    fn base_headers(&self, method: &str, path: &str, body: &str) -> Vec<(&'static str, String)> {
        vec![
            ("Authorization", self.authorization(method, path, body)),
            ("Accept", "application/json".to_owned()),
            ("User-Agent", USER_AGENT.to_owned()),
        ]
    }

    /// A 5xx is retryable; a signed answer must verify; a 2xx must be signed. A 4xx WeChat
    /// could not sign (it refused our own signature, say) is read as it is: it only ever
    /// leads to a refusal or an error, never to money moving.
    pub(super) fn checked(&self, call: &str, reply: Reply) -> AppResult<Reply> {
        if reply.status >= 500 {
            return Err(AppError::unavailable(format!(
                "wechat pay {call}: HTTP {}",
                reply.status
            )));
        }
        match SignedHeaders::read(|name| reply.header(name)) {
            Some(headers) => self.check_signed(&headers, &reply.body).map_err(|why| {
                AppError::internal(format!("wechat pay {call}: answer refused: {why}"))
            })?,
            None if reply.is_success() => {
                return Err(AppError::internal(format!(
                    "wechat pay {call}: answer refused: unsigned"
                )))
            }
            None => {}
        }
        Ok(reply)
    }

    /// A 2xx answer's JSON, or the refusal as a 409.
    pub(super) fn expect<T: serde::de::DeserializeOwned>(
        &self,
        call: &str,
        reply: &Reply,
    ) -> AppResult<T> {
        if !reply.is_success() {
            return Err(refused(NAME, &self.refusal(call, reply)?));
        }
        serde_json::from_slice(&reply.body).map_err(|_| malformed(call))
    }

    /// A 4xx read as `CODE: message` when it is a business refusal, or an error when it is
    /// our fault (signature, 401/403) or passing (rate limit, WeChat's own trouble).
    pub(super) fn refusal(&self, call: &str, reply: &Reply) -> AppResult<String> {
        let error: ErrorBody = serde_json::from_slice(&reply.body).unwrap_or(ErrorBody {
            code: format!("HTTP_{}", reply.status),
            message: String::new(),
        });
        match (reply.status, error.code.as_str()) {
            (_, "SYSTEM_ERROR" | "FREQUENCY_LIMITED" | "RATELIMIT_EXCEEDED") | (429, _) => Err(
                AppError::unavailable(format!("wechat pay {call}: {} (try again)", error.code)),
            ),
            (401, _) | (_, "SIGN_ERROR") => Err(AppError::internal(format!(
                "wechat pay {call}: {}: our request was refused; check mch_id, \
                 merchant_serial_no and the merchant key",
                error.code
            ))),
            _ => Ok(format!("{}: {}", error.code, error.message)),
        }
    }
}

pub(super) const USER_AGENT: &str = concat!("xiaopu/", env!("CARGO_PKG_VERSION"));

pub(super) fn malformed(call: &str) -> AppError {
    AppError::internal(format!("wechat pay {call}: unexpected answer"))
}

/// Our numbers go into URL paths as they are: WeChat allows only `[0-9A-Za-z_-|*]` in them.
pub(super) fn segment(number: &str) -> AppResult<&str> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-|*".contains(c);
    if !number.is_empty() && number.len() <= 64 && number.chars().all(allowed) {
        Ok(number)
    } else {
        Err(AppError::BadRequest {
            code: "invalid_number",
            detail: "WeChat Pay numbers are letters, digits and _-|* only".to_owned(),
        })
    }
}

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::money::Fen;

/// A payment to make through the gateway.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PaymentView {
    pub payment_no: String,
    pub order_id: i64,
    pub gateway: String,
    pub amount_fen: Fen,
    /// created, succeeded or refunded.
    pub status: String,
    /// What the app needs to pay, as the gateway defines it. Sandbox: `complete_url`, which
    /// the buyer POSTs to pay.
    #[schema(value_type = Object)]
    pub checkout: serde_json::Value,
}

/// How the buyer pays, where the gateway offers more than one way (all optional: the sandbox
/// needs nothing, WeChat Pay defaults to its H5 payment, Alipay to its mobile-browser cashier).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    pub channel: Option<PayChannel>,
    /// The buyer's openid from the WeChat OAuth redirect (`wechat_jsapi`: inside WeChat).
    pub openid: Option<String>,
    /// Where Alipay's cashier sends the buyer back (`alipay_wap`); https.
    pub return_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PayChannel {
    /// WeChat Pay inside WeChat's browser (needs `openid`).
    WechatJsapi,
    /// WeChat Pay from another mobile browser.
    WechatH5,
    /// Alipay's mobile-browser cashier.
    AlipayWap,
}

/// What a gateway callback did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CallbackResult {
    /// applied, already_applied, or refunded (the order had been cancelled first).
    pub outcome: String,
}

/// A gateway callback as received, with what it did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PaymentEventView {
    pub id: i64,
    pub gateway: String,
    pub event_id: String,
    pub payment_no: String,
    pub amount_fen: Fen,
    /// applied, already_applied, amount_mismatch (to review), refunded or unknown_payment.
    pub outcome: String,
    /// The callback body as the gateway sent it.
    pub payload: String,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PaymentEventQuery {
    /// Only callbacks with this outcome, e.g. amount_mismatch.
    pub outcome: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

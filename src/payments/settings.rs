//! Which gateway takes payments, the real rails' merchant settings, and how the sandbox's
//! callbacks are checked.

use serde::Deserialize;

use super::alipay::{Alipay, AlipaySettings};
use super::wechat::{WechatPay, WechatPaySettings};
use crate::settings::{http_url, secret, Checked, ConfigError, RunEnvironment};

/// The gateways built in: the sandbox takes test money and exists only outside production.
pub const PAYMENT_GATEWAYS: [&str; 3] = ["sandbox", "wechat", "alipay"];
/// The shortest sandbox callback secret accepted.
pub const CALLBACK_SECRET_MIN_LEN: usize = 32;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    /// The gateway new payments use.
    pub gateway: String,
    /// Signs the sandbox's callbacks (generated and kept in the database when empty).
    pub callback_secret: String,
    pub callback_tolerance_seconds: u64,
    /// WeChat Pay, when this merchant takes it (`[payments.wechat]`).
    #[serde(default)]
    pub wechat: Option<WechatPaySettings>,
    /// Alipay, when this merchant takes it (`[payments.alipay]`).
    #[serde(default)]
    pub alipay: Option<AlipaySettings>,
}

impl PaymentSettings {
    /// Also reads every configured rail's keys, so a missing or unreadable key stops the start
    /// with its setting named (never its content).
    pub fn validate(&self, environment: RunEnvironment) -> Checked {
        if !PAYMENT_GATEWAYS.contains(&self.gateway.as_str()) {
            return Err(ConfigError::new(
                "payments.gateway",
                format!("must be one of {PAYMENT_GATEWAYS:?}"),
            ));
        }
        if environment.is_production() && self.gateway == super::sandbox::NAME {
            return Err(ConfigError::new(
                "payments.gateway",
                "the sandbox takes test money: production needs \"wechat\" or \"alipay\"",
            ));
        }
        let configured = match self.gateway.as_str() {
            super::wechat::NAME => self.wechat.is_some(),
            super::alipay::NAME => self.alipay.is_some(),
            _ => true,
        };
        if !configured {
            return Err(ConfigError::new(
                &format!("payments.{}", self.gateway),
                format!("missing: payments.gateway is {:?}", self.gateway),
            ));
        }
        if let Some(wechat) = &self.wechat {
            http_url("payments.wechat.notify_url", &wechat.notify_url)?;
            http_url("payments.wechat.base_url", &wechat.base_url)?;
            WechatPay::from_settings(wechat).map_err(named)?;
        }
        if let Some(alipay) = &self.alipay {
            http_url("payments.alipay.notify_url", &alipay.notify_url)?;
            http_url("payments.alipay.gateway_url", &alipay.gateway_url)?;
            Alipay::from_settings(alipay).map_err(named)?;
        }
        if environment.is_production() {
            // The sandbox, and so its secret, is not there.
            return Ok(());
        }
        secret(
            "payments.callback_secret",
            &self.callback_secret,
            CALLBACK_SECRET_MIN_LEN,
            environment,
        )
    }
}

/// An adapter's "payments.x.key: what is wrong" as the error naming that key.
fn named(message: String) -> ConfigError {
    match message.split_once(": ") {
        Some((key, rest)) if key.starts_with("payments.") => ConfigError::new(key, rest),
        _ => ConfigError::new("payments", message),
    }
}

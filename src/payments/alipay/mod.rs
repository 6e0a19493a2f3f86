//! Alipay open platform (public-key mode, RSA2): mobile-web payment URLs, trade query and
//! close, refunds, transfers to Alipay accounts and bank cards (payouts), trade bills and
//! asynchronous notifications.
//!
//! Every request is signed with our application key; every answer is checked against Alipay's
//! public key over the exact text of its `…_response` node. The calls block: run them off the
//! async workers.

mod bill;
mod client;
mod gateway;
mod notify;
mod sign;

use serde::Deserialize;

use super::rails::keys::{PrivateKey, PublicKey};
use super::rails::transport::Transport;

pub use client::Payee;
pub use notify::notification_answer;

/// `payments.alipay` in configuration.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlipaySettings {
    pub app_id: String,
    /// Our merchant's Alipay user id (`2088…`); notifications for anyone else are refused.
    pub seller_id: String,
    /// Our application private key, PEM (PKCS#8 or PKCS#1).
    pub app_private_key_path: String,
    /// Alipay's public key, PEM or the bare base64 the console shows.
    pub alipay_public_key_path: String,
    #[serde(default = "default_gateway_url")]
    pub gateway_url: String,
    pub notify_url: String,
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

fn default_gateway_url() -> String {
    "https://openapi.alipay.com/gateway.do".to_owned()
}

fn default_timeout_seconds() -> u64 {
    10
}

// Nothing here is secret (the keys are paths), but the shape matches WeChat's for symmetry.
impl std::fmt::Debug for AlipaySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlipaySettings")
            .field("app_id", &self.app_id)
            .field("seller_id", &self.seller_id)
            .field("app_private_key_path", &self.app_private_key_path)
            .field("alipay_public_key_path", &self.alipay_public_key_path)
            .field("gateway_url", &self.gateway_url)
            .field("notify_url", &self.notify_url)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

/// A configured Alipay application.
pub struct Alipay {
    app_id: String,
    seller_id: String,
    app_key: PrivateKey,
    alipay_key: PublicKey,
    gateway_url: String,
    notify_url: String,
    transport: Transport,
}

impl std::fmt::Debug for Alipay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alipay")
            .field("app_id", &self.app_id)
            .field("seller_id", &self.seller_id)
            .field("gateway_url", &self.gateway_url)
            .field("keys", &"<redacted>")
            .finish_non_exhaustive()
    }
}

pub const NAME: &str = "alipay";

impl Alipay {
    /// Reads the keys. The error names the setting at fault, never key material.
    pub fn from_settings(settings: &AlipaySettings) -> Result<Self, String> {
        let required = [
            ("app_id", &settings.app_id),
            ("seller_id", &settings.seller_id),
            ("gateway_url", &settings.gateway_url),
            ("notify_url", &settings.notify_url),
        ];
        if let Some((name, _)) = required.iter().find(|(_, value)| value.trim().is_empty()) {
            return Err(format!("payments.alipay.{name}: missing"));
        }
        Ok(Self {
            app_id: settings.app_id.clone(),
            seller_id: settings.seller_id.clone(),
            app_key: PrivateKey::from_pem_file(
                "payments.alipay.app_private_key_path",
                &settings.app_private_key_path,
            )?,
            alipay_key: PublicKey::from_pem_file(
                "payments.alipay.alipay_public_key_path",
                &settings.alipay_public_key_path,
            )?,
            gateway_url: settings.gateway_url.clone(),
            notify_url: settings.notify_url.clone(),
            transport: Transport::new("alipay", settings.timeout_seconds),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_take_defaults() {
        let settings: AlipaySettings = serde_json::from_value(serde_json::json!({
            "app_id": "2021", "seller_id": "2088", "app_private_key_path": "/a.pem",
            "alipay_public_key_path": "/b.pem", "notify_url": "https://shop.example/n",
        }))
        .unwrap();
        assert_eq!(
            settings.gateway_url,
            "https://openapi.alipay.com/gateway.do"
        );
        assert_eq!(settings.timeout_seconds, 10);
        let error = Alipay::from_settings(&AlipaySettings {
            seller_id: " ".into(),
            ..settings
        })
        .unwrap_err();
        assert_eq!(error, "payments.alipay.seller_id: missing");
    }
}

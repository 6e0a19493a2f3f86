//! WeChat Pay API v3 for a directly connected merchant: JSAPI and H5 prepay, query, close,
//! refunds, merchant transfers (payouts), trade bills and notifications.
//!
//! Every request is signed with the merchant's API key (`WECHATPAY2-SHA256-RSA2048`), every
//! answer and notification is checked against the WeChat Pay public key named by its
//! `Wechatpay-Serial`, and notification resources are decrypted with the APIv3 key. The calls
//! block: run them off the async workers.

mod bill;
mod client;
mod gateway;
mod notify;
mod sign;
mod transfer;

use serde::Deserialize;

use super::rails::keys::{read_setting_file, PrivateKey, PublicKey};
use super::rails::transport::Transport;

pub use client::JsapiBridge;
pub use notify::{notification_answer, NotificationAnswer};
pub use transfer::TransferPayee;

/// `payments.wechat` in configuration.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WechatPaySettings {
    pub mch_id: String,
    /// The official account or mini program the buyers' openids belong to.
    pub app_id: String,
    /// Serial number of the merchant API certificate (sent as `serial_no`).
    pub merchant_serial_no: String,
    /// The merchant API private key, PEM (PKCS#8 as WeChat issues it; PKCS#1 also read).
    pub merchant_private_key_path: String,
    /// The WeChat Pay public key, PEM, that signs answers and notifications.
    pub platform_public_key_path: String,
    /// Its id (`PUB_KEY_ID_…`, or the platform certificate serial), as sent in
    /// `Wechatpay-Serial`; answers signed under any other serial are refused.
    pub platform_serial: String,
    /// The APIv3 key (32 bytes): a file holding it ...
    #[serde(default)]
    pub api_v3_key_path: Option<String>,
    /// ... or the value itself, meant to come from the environment
    /// (`XIAOPU_PAYMENTS__WECHAT__API_V3_KEY` or however the caller maps it), never a
    /// committed file. Exactly one of the two.
    #[serde(default)]
    pub api_v3_key: Option<String>,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Where WeChat sends payment and refund notifications.
    pub notify_url: String,
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
    /// The transfer scene payouts are declared under (`1005`: commission/remuneration).
    #[serde(default = "default_transfer_scene_id")]
    pub transfer_scene_id: String,
    /// The report lines the transfer scene requires, as `[info_type, info_content]`.
    #[serde(default = "default_transfer_scene_reports")]
    pub transfer_scene_reports: Vec<(String, String)>,
}

fn default_base_url() -> String {
    "https://api.mch.weixin.qq.com".to_owned()
}

fn default_timeout_seconds() -> u64 {
    10
}

fn default_transfer_scene_id() -> String {
    "1005".to_owned()
}

fn default_transfer_scene_reports() -> Vec<(String, String)> {
    vec![
        ("岗位类型".to_owned(), "店主".to_owned()),
        ("报酬说明".to_owned(), "店铺佣金结算".to_owned()),
    ]
}

impl std::fmt::Debug for WechatPaySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatPaySettings")
            .field("mch_id", &self.mch_id)
            .field("app_id", &self.app_id)
            .field("merchant_serial_no", &self.merchant_serial_no)
            .field("merchant_private_key_path", &self.merchant_private_key_path)
            .field("platform_public_key_path", &self.platform_public_key_path)
            .field("platform_serial", &self.platform_serial)
            .field("api_v3_key_path", &self.api_v3_key_path)
            .field(
                "api_v3_key",
                &self.api_v3_key.as_ref().map(|_| "<redacted>"),
            )
            .field("base_url", &self.base_url)
            .field("notify_url", &self.notify_url)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish_non_exhaustive()
    }
}

/// A configured WeChat Pay merchant.
pub struct WechatPay {
    mch_id: String,
    app_id: String,
    merchant_serial_no: String,
    merchant_key: PrivateKey,
    platform_serial: String,
    platform_key: PublicKey,
    api_v3_key: [u8; 32],
    base_url: String,
    notify_url: String,
    transfer_scene_id: String,
    transfer_scene_reports: Vec<(String, String)>,
    transport: Transport,
}

impl std::fmt::Debug for WechatPay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatPay")
            .field("mch_id", &self.mch_id)
            .field("app_id", &self.app_id)
            .field("merchant_serial_no", &self.merchant_serial_no)
            .field("platform_serial", &self.platform_serial)
            .field("base_url", &self.base_url)
            .field("keys", &"<redacted>")
            .finish_non_exhaustive()
    }
}

pub const NAME: &str = "wechat";

impl WechatPay {
    /// Reads the keys. The error names the setting at fault, never key material.
    pub fn from_settings(settings: &WechatPaySettings) -> Result<Self, String> {
        let required = [
            ("mch_id", &settings.mch_id),
            ("app_id", &settings.app_id),
            ("merchant_serial_no", &settings.merchant_serial_no),
            ("platform_serial", &settings.platform_serial),
            ("notify_url", &settings.notify_url),
            ("base_url", &settings.base_url),
        ];
        if let Some((name, _)) = required.iter().find(|(_, value)| value.trim().is_empty()) {
            return Err(format!("payments.wechat.{name}: missing"));
        }
        let merchant_key = PrivateKey::from_pem_file(
            "payments.wechat.merchant_private_key_path",
            &settings.merchant_private_key_path,
        )?;
        let platform_key = PublicKey::from_pem_file(
            "payments.wechat.platform_public_key_path",
            &settings.platform_public_key_path,
        )?;
        Ok(Self {
            mch_id: settings.mch_id.clone(),
            app_id: settings.app_id.clone(),
            merchant_serial_no: settings.merchant_serial_no.clone(),
            merchant_key,
            platform_serial: settings.platform_serial.clone(),
            platform_key,
            api_v3_key: api_v3_key(settings)?,
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            notify_url: settings.notify_url.clone(),
            transfer_scene_id: settings.transfer_scene_id.clone(),
            transfer_scene_reports: settings.transfer_scene_reports.clone(),
            transport: Transport::new("wechat pay", settings.timeout_seconds),
        })
    }

    pub fn mch_id(&self) -> &str {
        &self.mch_id
    }
}

fn api_v3_key(settings: &WechatPaySettings) -> Result<[u8; 32], String> {
    let (setting, value) =
        match (&settings.api_v3_key_path, &settings.api_v3_key) {
            (Some(path), None) => {
                let setting = "payments.wechat.api_v3_key_path";
                (setting, read_setting_file(setting, path)?)
            }
            (None, Some(value)) => ("payments.wechat.api_v3_key", value.clone()),
            (Some(_), Some(_)) => return Err(
                "payments.wechat.api_v3_key: set either api_v3_key_path or api_v3_key, not both"
                    .to_owned(),
            ),
            (None, None) => {
                return Err(
                    "payments.wechat.api_v3_key: missing (set api_v3_key_path or api_v3_key)"
                        .to_owned(),
                )
            }
        };
    // A file's trailing newline is not part of the key.
    let trimmed = value.trim();
    trimmed.as_bytes().try_into().map_err(|_| {
        format!(
            "{setting}: must be exactly 32 bytes (got {})",
            trimmed.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_take_defaults_and_hide_the_key() {
        let settings: WechatPaySettings = serde_json::from_value(serde_json::json!({
            "mch_id": "1900000001", "app_id": "wx1", "merchant_serial_no": "S",
            "merchant_private_key_path": "/k.pem", "platform_public_key_path": "/p.pem",
            "platform_serial": "PUB_KEY_ID_1", "api_v3_key": "secret-value-secret-value-secret",
            "notify_url": "https://shop.example/n",
        }))
        .unwrap();
        assert_eq!(settings.base_url, "https://api.mch.weixin.qq.com");
        assert_eq!(settings.timeout_seconds, 10);
        assert_eq!(settings.transfer_scene_id, "1005");
        let shown = format!("{settings:?}");
        assert!(
            !shown.contains("secret-value") && shown.contains("<redacted>"),
            "{shown}"
        );
    }
}

//! WeChat Pay v3 signatures: ours on requests and JSAPI bridges, theirs on answers and
//! notifications.

use rand::distributions::Alphanumeric;
use rand::Rng;

use super::WechatPay;
use crate::clock::Clock;

/// How far a signed answer's or notification's timestamp may be from our clock, as WeChat's
/// own SDKs allow: an older one is refused as a possible replay.
pub const FRESHNESS_SECONDS: i64 = 300;

/// The four headers WeChat signs answers and notifications with.
#[derive(Debug, Clone, Copy)]
pub struct SignedHeaders<'a> {
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub signature: &'a str,
    pub serial: &'a str,
}

impl<'a> SignedHeaders<'a> {
    /// All four from a header look-up, or `None` when any is missing.
    pub fn read(get: impl Fn(&str) -> Option<&'a str>) -> Option<Self> {
        Some(Self {
            timestamp: get("Wechatpay-Timestamp")?,
            nonce: get("Wechatpay-Nonce")?,
            signature: get("Wechatpay-Signature")?,
            serial: get("Wechatpay-Serial")?,
        })
    }
}

/// A random 32-character nonce.
pub fn nonce() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

impl WechatPay {
    /// The `Authorization` header for `METHOD path?query` with `body` (empty for a GET).
    pub(super) fn authorization(&self, method: &str, path_and_query: &str, body: &str) -> String {
        let timestamp = Clock::system().timestamp().to_string();
        let nonce = nonce();
        let message = format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n");
        let signature = self.merchant_key.sign_base64(message.as_bytes());
        format!(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
            self.mch_id, self.merchant_serial_no
        )
    }

    /// `paySign` of a JSAPI bridge: SHA256withRSA over `appId\ntimeStamp\nnonceStr\npackage\n`.
    pub(super) fn pay_sign(&self, time_stamp: &str, nonce_str: &str, package: &str) -> String {
        let message = format!("{}\n{time_stamp}\n{nonce_str}\n{package}\n", self.app_id);
        self.merchant_key.sign_base64(message.as_bytes())
    }

    /// Checks WeChat's signature over `timestamp\nnonce\nbody\n`: the serial must be the
    /// configured WeChat Pay key's, the timestamp within [`FRESHNESS_SECONDS`] of now. The
    /// error says which check failed (no key material, no body).
    pub(super) fn check_signed(
        &self,
        headers: &SignedHeaders<'_>,
        body: &[u8],
    ) -> Result<(), &'static str> {
        if headers.serial != self.platform_serial {
            return Err("unknown Wechatpay-Serial");
        }
        let timestamp: i64 = headers
            .timestamp
            .trim()
            .parse()
            .map_err(|_| "malformed Wechatpay-Timestamp")?;
        if (Clock::system().timestamp() - timestamp).abs() > FRESHNESS_SECONDS {
            return Err("stale Wechatpay-Timestamp");
        }
        let mut message = Vec::with_capacity(body.len() + 64);
        message.extend_from_slice(headers.timestamp.as_bytes());
        message.push(b'\n');
        message.extend_from_slice(headers.nonce.as_bytes());
        message.push(b'\n');
        message.extend_from_slice(body);
        message.push(b'\n');
        if self.platform_key.verify_base64(&message, headers.signature) {
            Ok(())
        } else {
            Err("bad Wechatpay-Signature")
        }
    }
}

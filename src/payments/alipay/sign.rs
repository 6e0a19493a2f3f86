//! Alipay RSA2 signatures: SHA256withRSA over `k=v&k=v` of the parameters sorted by key
//! (values as they are, not URL-encoded), and over the raw text of an answer's node.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::Alipay;
use crate::clock::Clock;
use crate::payments::rails::china_time;

/// The parameters of one request, sorted by key as signing needs.
pub type Params = BTreeMap<String, String>;

/// `k=v&k=v`, sorted, skipping `sign` and, when `skip_empty`, empty values (requests skip
/// them; notifications are checked with every parameter they carry).
pub fn sign_content(params: &Params, skip: &[&str], skip_empty: bool) -> String {
    params
        .iter()
        .filter(|(key, value)| {
            let skipped = skip.contains(&key.as_str()) || (skip_empty && value.is_empty());
            !skipped
        })
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Now as Alipay writes times: `yyyy-MM-dd HH:mm:ss` in UTC+8.
pub fn china_now() -> String {
    Clock::system()
        .now()
        .and_utc()
        .with_timezone(&china_time())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

impl Alipay {
    /// The common parameters of `method` with `biz_content`, signed.
    pub(super) fn signed_params(&self, method: &str, biz_content: &serde_json::Value) -> Params {
        let mut params = Params::from([
            ("app_id".to_owned(), self.app_id.clone()),
            ("method".to_owned(), method.to_owned()),
            ("format".to_owned(), "JSON".to_owned()),
            ("charset".to_owned(), "utf-8".to_owned()),
            ("sign_type".to_owned(), "RSA2".to_owned()),
            ("timestamp".to_owned(), china_now()),
            ("version".to_owned(), "1.0".to_owned()),
            ("biz_content".to_owned(), biz_content.to_string()),
        ]);
        if method_notifies(method) {
            params.insert("notify_url".to_owned(), self.notify_url.clone());
        }
        params
    }

    /// Adds `sign` to `params` (after any extra parameter such as `return_url` was set).
    pub(super) fn sign(&self, params: &mut Params) {
        let content = sign_content(params, &["sign"], true);
        params.insert(
            "sign".to_owned(),
            self.app_key.sign_base64(content.as_bytes()),
        );
    }

    /// The `<method>_response` node of an answer, checked against `sign` over its raw text.
    /// `Err` names what failed; a node Alipay did not sign is refused.
    pub(super) fn signed_node(&self, method: &str, body: &str) -> Result<String, &'static str> {
        let nodes: BTreeMap<String, &RawValue> =
            serde_json::from_str(body).map_err(|_| "not JSON")?;
        let name = format!("{}_response", method.replace('.', "_"));
        let node = nodes
            .get(&name)
            .or_else(|| nodes.get("error_response"))
            .ok_or("no response node")?;
        let sign: String = nodes
            .get("sign")
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .ok_or("unsigned")?;
        if self.alipay_key.verify_base64(node.get().as_bytes(), &sign) {
            Ok(node.get().to_owned())
        } else {
            Err("bad signature")
        }
    }
}

/// Calls that take `notify_url`: the payment. Alipay reports refunds to the payment's own
/// notify_url; transfers report through message subscriptions, not here.
fn method_notifies(method: &str) -> bool {
    method == "alipay.trade.wap.pay"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_sorted_and_skips_sign() {
        let params = Params::from([
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), "x y&z".to_owned()),
            ("sign".to_owned(), "S".to_owned()),
            ("c".to_owned(), String::new()),
        ]);
        assert_eq!(sign_content(&params, &["sign"], true), "a=x y&z&b=2");
        assert_eq!(sign_content(&params, &["sign"], false), "a=x y&z&b=2&c=");
    }
}

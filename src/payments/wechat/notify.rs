//! WeChat Pay notifications: signed like answers, the event inside `resource` encrypted with
//! AEAD_AES_256_GCM under the APIv3 key.
//!
//! A bad signature, an unknown serial or a stale timestamp is 401 `invalid_signature`. A
//! notification whose signature holds but whose resource will not decrypt is 400
//! `undecryptable_notification`: WeChat signed it, so the fault is our APIv3 key, and WeChat
//! keeps retrying while it is fixed. An event this module does not handle is 400
//! `unsupported_notification`.

use actix_web::http::header::HeaderMap;
use actix_web::HttpResponse;
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;

use super::sign::SignedHeaders;
use super::WechatPay;
use crate::error::{AppError, AppResult};
use crate::money::Fen;
use crate::payments::rails::{Notification, RefundAnswer};

#[derive(Deserialize)]
struct Envelope {
    id: String,
    event_type: String,
    resource: Resource,
}

#[derive(Deserialize)]
struct Resource {
    algorithm: String,
    ciphertext: String,
    #[serde(default)]
    associated_data: String,
    nonce: String,
}

#[derive(Deserialize)]
struct PaidEvent {
    mchid: String,
    appid: String,
    out_trade_no: String,
    transaction_id: String,
    trade_state: String,
    payer: PaidBy,
    amount: PaidAmount,
}

#[derive(Deserialize)]
struct PaidBy {
    openid: String,
}

#[derive(Deserialize)]
struct PaidAmount {
    total: i64,
}

#[derive(Deserialize)]
struct RefundEvent {
    mchid: String,
    out_refund_no: String,
    refund_id: String,
    refund_status: String,
}

fn invalid_signature() -> AppError {
    AppError::Unauthorized {
        code: "invalid_signature",
    }
}

fn bad(code: &'static str, detail: &str) -> AppError {
    AppError::BadRequest {
        code,
        detail: detail.to_owned(),
    }
}

impl WechatPay {
    /// Checks a notification and reads it: `TRANSACTION.SUCCESS` → `Paid`,
    /// `REFUND.SUCCESS` / `REFUND.ABNORMAL` / `REFUND.CLOSED` → `Refund`.
    pub fn verify_notification(&self, headers: &HeaderMap, body: &[u8]) -> AppResult<Notification> {
        let signed = SignedHeaders::read(|name| headers.get(name)?.to_str().ok())
            .ok_or_else(invalid_signature)?;
        self.check_signed(&signed, body).map_err(|why| {
            tracing::warn!(reason = why, "wechat pay notification refused");
            invalid_signature()
        })?;
        let envelope: Envelope = serde_json::from_slice(body)
            .map_err(|_| bad("malformed_notification", "not a WeChat Pay notification"))?;
        let plain = self.decrypt(&envelope.resource).ok_or_else(|| {
            bad(
                "undecryptable_notification",
                "the notification does not decrypt with the APIv3 key",
            )
        })?;
        let unreadable = || bad("malformed_notification", "unexpected notification resource");
        match envelope.event_type.as_str() {
            "TRANSACTION.SUCCESS" => {
                let event: PaidEvent = serde_json::from_slice(&plain).map_err(|_| unreadable())?;
                if event.mchid != self.mch_id || event.appid != self.app_id {
                    return Err(bad(
                        "wrong_merchant",
                        "the notification is for another merchant",
                    ));
                }
                if event.trade_state != "SUCCESS" {
                    return Err(unreadable());
                }
                Ok(Notification::Paid {
                    event_id: envelope.id,
                    payment_no: event.out_trade_no,
                    amount: Fen(event.amount.total),
                    trade_no: event.transaction_id,
                    payer: event.payer.openid,
                })
            }
            "REFUND.SUCCESS" | "REFUND.ABNORMAL" | "REFUND.CLOSED" => {
                let event: RefundEvent =
                    serde_json::from_slice(&plain).map_err(|_| unreadable())?;
                if event.mchid != self.mch_id {
                    return Err(bad(
                        "wrong_merchant",
                        "the notification is for another merchant",
                    ));
                }
                let outcome = match event.refund_status.as_str() {
                    "SUCCESS" => RefundAnswer::Succeeded {
                        refund_ref: event.refund_id,
                    },
                    status => RefundAnswer::Refused {
                        reason: format!("{status} ({})", event.refund_id),
                    },
                };
                Ok(Notification::Refund {
                    event_id: envelope.id,
                    refund_no: event.out_refund_no,
                    outcome,
                })
            }
            _ => Err(bad(
                "unsupported_notification",
                "this WeChat Pay event type is not handled",
            )),
        }
    }

    fn decrypt(&self, resource: &Resource) -> Option<Vec<u8>> {
        if resource.algorithm != "AEAD_AES_256_GCM" {
            return None;
        }
        let nonce: [u8; 12] = resource.nonce.as_bytes().try_into().ok()?;
        let ciphertext = STANDARD.decode(&resource.ciphertext).ok()?;
        let cipher = Aes256Gcm::new_from_slice(&self.api_v3_key).ok()?;
        cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &ciphertext,
                    aad: resource.associated_data.as_bytes(),
                },
            )
            .ok()
    }
}

/// How a notification was taken, for [`notification_answer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationAnswer<'a> {
    /// Applied (or already applied): WeChat stops sending it.
    Accepted,
    /// Not applied: WeChat sends it again later (up to 15 times over a day).
    Failed(&'a str),
}

/// The answer WeChat expects: 204 with no body, or a 500 with `{"code":"FAIL","message":…}`.
pub fn notification_answer(answer: NotificationAnswer<'_>) -> HttpResponse {
    match answer {
        NotificationAnswer::Accepted => HttpResponse::NoContent().finish(),
        NotificationAnswer::Failed(message) => HttpResponse::InternalServerError()
            .json(serde_json::json!({ "code": "FAIL", "message": message })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn answers_are_what_wechat_expects() {
        let accepted = notification_answer(NotificationAnswer::Accepted);
        assert_eq!(accepted.status(), 204);
        let failed = notification_answer(NotificationAnswer::Failed("busy"));
        assert_eq!(failed.status(), 500);
        let body = failed.into_body().try_into_bytes().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "FAIL", "message": "busy" })
        );
    }
}

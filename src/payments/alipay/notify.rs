//! Alipay's asynchronous notifications: a form POST signed over every parameter but `sign`
//! and `sign_type`, sorted. Bad or missing signature → 401 `invalid_signature`; a signed
//! notification for another app or seller → 400 `wrong_merchant`; a trade status this module
//! does not handle (WAIT_BUYER_PAY, TRADE_CLOSED without refund) → 400
//! `unsupported_notification`.

use actix_web::HttpResponse;

use super::sign::{sign_content, Params};
use super::Alipay;
use crate::error::{AppError, AppResult};
use crate::payments::rails::{yuan_to_fen, Notification, RefundAnswer};

fn bad(code: &'static str, detail: &str) -> AppError {
    AppError::BadRequest {
        code,
        detail: detail.to_owned(),
    }
}

impl Alipay {
    /// Checks and reads a notification's form body. A refund shows as `refund_fee` with the
    /// refund's `out_biz_no`; a payment as TRADE_SUCCESS / TRADE_FINISHED (Alipay sends
    /// TRADE_FINISHED again when the refund window ends: the caller applies a payment once).
    pub fn verify_notification(&self, body: &[u8]) -> AppResult<Notification> {
        let invalid = || AppError::Unauthorized {
            code: "invalid_signature",
        };
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|_| bad("malformed_notification", "not a form body"))?;
        let params: Params = pairs.into_iter().collect();
        let signature = params.get("sign").ok_or_else(invalid)?;
        let content = sign_content(&params, &["sign", "sign_type"], false);
        if !self.alipay_key.verify_base64(content.as_bytes(), signature) {
            return Err(invalid());
        }
        let get = |key: &str| params.get(key).map(String::as_str).unwrap_or("");
        if get("app_id") != self.app_id || get("seller_id") != self.seller_id {
            return Err(bad(
                "wrong_merchant",
                "the notification is for another merchant",
            ));
        }
        let event_id = get("notify_id").to_owned();
        if event_id.is_empty() {
            return Err(bad("malformed_notification", "no notify_id"));
        }
        let amount =
            |key: &str| yuan_to_fen(get(key)).map_err(|why| bad("malformed_notification", &why));
        let refunded = !get("refund_fee").is_empty() && !get("out_biz_no").is_empty();
        if refunded {
            return Ok(Notification::Refund {
                event_id,
                refund_no: get("out_biz_no").to_owned(),
                outcome: RefundAnswer::Succeeded {
                    refund_ref: format!("{}/{}", get("trade_no"), get("out_biz_no")),
                },
            });
        }
        match get("trade_status") {
            "TRADE_SUCCESS" | "TRADE_FINISHED" => Ok(Notification::Paid {
                event_id,
                payment_no: get("out_trade_no").to_owned(),
                amount: amount("total_amount")?,
                trade_no: get("trade_no").to_owned(),
                payer: if get("buyer_id").is_empty() {
                    get("buyer_open_id").to_owned()
                } else {
                    get("buyer_id").to_owned()
                },
            }),
            _ => Err(bad(
                "unsupported_notification",
                "this Alipay trade status is not handled",
            )),
        }
    }
}

/// What Alipay expects back: the literal `success` (it stops sending), anything else and it
/// retries (8 times over 25 hours).
pub fn notification_answer(accepted: bool) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(if accepted { "success" } else { "failure" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn the_answer_is_the_literal_word() {
        let body = notification_answer(true)
            .into_body()
            .try_into_bytes()
            .unwrap();
        assert_eq!(&body[..], b"success");
        let body = notification_answer(false)
            .into_body()
            .try_into_bytes()
            .unwrap();
        assert_ne!(&body[..], b"success");
    }
}

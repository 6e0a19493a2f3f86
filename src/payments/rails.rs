//! What the real payment rails (WeChat Pay, Alipay) answer, in one vocabulary, and the pieces
//! both adapters share: exact yuan strings, RSA keys read from PEM files, and the blocking HTTP
//! transport. The adapters themselves are `payments::wechat` and `payments::alipay`.

pub mod keys;
pub mod transport;

use chrono::{FixedOffset, NaiveDateTime};

use crate::money::Fen;

/// The result of a payment query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradeState {
    /// Paid: the gateway's transaction number, the amount paid and who paid (WeChat openid,
    /// Alipay buyer id).
    Paid {
        trade_no: String,
        amount: Fen,
        payer: String,
    },
    /// Not paid yet, still payable.
    Open,
    /// Closed unpaid (or, at Alipay, closed after a full refund).
    Closed,
    /// Paid and then refunded (WeChat says so; Alipay reports such a trade as closed).
    Refunded,
}

/// A gateway's answer to a refund. A transport failure, a timeout or a 5xx is an `Err`
/// instead: the caller retries with the same refund number, which the gateway deduplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundAnswer {
    Succeeded { refund_ref: String },
    Pending { refund_ref: String },
    Refused { reason: String },
}

/// A gateway's answer to a payout; same rule as [`RefundAnswer`] for errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayoutOutcome {
    Paid {
        payout_ref: String,
    },
    Pending {
        payout_ref: String,
        /// WeChat's `package_info` while the transfer waits for the payee to confirm it in
        /// WeChat (`wx.requestMerchantTransfer`); no money moves until they do. `None` at
        /// Alipay.
        user_confirmation: Option<String>,
    },
    Refused {
        reason: String,
    },
}

/// A notification whose signature was checked. The caller checks `amount` against the payment
/// and applies each `event_id` once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    Paid {
        event_id: String,
        payment_no: String,
        amount: Fen,
        trade_no: String,
        payer: String,
    },
    Refund {
        event_id: String,
        refund_no: String,
        outcome: RefundAnswer,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillKind {
    Payment,
    Refund,
}

/// One line of a gateway's daily trade bill, for reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub payment_no: String,
    pub trade_no: String,
    pub kind: BillKind,
    pub refund_no: Option<String>,
    /// Positive: the amount paid, or the amount refunded.
    pub amount: Fen,
}

/// How the buyer pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckoutChannel {
    /// Inside WeChat (official account or mini program), as the user with this openid.
    WechatJsapi { openid: String },
    /// A mobile browser outside WeChat; WeChat wants the buyer's IP.
    WechatH5 { client_ip: String },
    /// A mobile browser sent to Alipay's cashier, back to `return_url` afterwards.
    AlipayWap { return_url: String },
}

/// The payment a checkout is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutOrder {
    /// Our payment number (`out_trade_no` at both gateways).
    pub payment_no: String,
    /// What the buyer sees on the gateway's page (WeChat `description`, Alipay `subject`).
    pub description: String,
    pub amount: Fen,
    /// When the gateway stops taking the payment, UTC.
    pub expires_at: NaiveDateTime,
}

/// China Standard Time: both gateways write and read times in UTC+8.
pub fn china_time() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `12345` fen as `"123.45"`: exact integer arithmetic, never a float.
pub fn fen_to_yuan(amount: Fen) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `"123.45"` (or `"123.4"`, `"123"`, `"-0.01"`) as fen, exactly; anything else, or a third
/// decimal, is refused rather than rounded.
pub fn yuan_to_fen(text: &str) -> Result<Fen, String> {
    let refuse = || format!("{text:?} is not an amount in yuan with at most 2 decimals");
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 15 || fraction.len() > 2 {
        return Err(refuse());
    }
    if !all_digits(whole) || !all_digits(fraction) || (digits.contains('.') && fraction.is_empty())
    {
        return Err(refuse());
    }
    let whole: i64 = whole.parse().map_err(|_| refuse())?;
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| refuse())?;
    let fen = whole * 100 + cents;
    Ok(Fen(if negative { -fen } else { fen }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn yuan_strings_are_exact() {
        assert_eq!(fen_to_yuan(Fen(1)), "0.01");
        assert_eq!(fen_to_yuan(Fen(12_345)), "123.45");
        assert_eq!(fen_to_yuan(Fen(-5)), "-0.05");
        assert_eq!(yuan_to_fen("123.45"), Ok(Fen(12_345)));
        assert_eq!(yuan_to_fen("0.1"), Ok(Fen(10)));
        assert_eq!(yuan_to_fen("7"), Ok(Fen(700)));
        assert_eq!(yuan_to_fen("-0.01"), Ok(Fen(-1)));
        for bad in [
            "", "1.", ".5", "1.234", "1e3", "abc", "1,00", "+1", "--1", "0.0.1",
        ] {
            assert!(yuan_to_fen(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn yuan_round_trips(fen in -1_000_000_000_000i64..1_000_000_000_000) {
            prop_assert_eq!(yuan_to_fen(&fen_to_yuan(Fen(fen))), Ok(Fen(fen)));
        }
    }
}

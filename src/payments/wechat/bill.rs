//! WeChat's trade bill (`bill_type=ALL`): a UTF-8 CSV with a header row, one row per payment
//! or refund whose every field starts with a backtick (so spreadsheets keep long numbers as
//! text), then a summary header (`总交易单数,…`) and its one row of totals.

use chrono::NaiveDate;
use serde::Deserialize;
use sha1::{Digest, Sha1};

use super::client::{malformed, USER_AGENT};
use super::WechatPay;
use crate::error::{AppError, AppResult};
use crate::payments::rails::{yuan_to_fen, BillKind, BillLine};

const PAYMENT_NO: &str = "商户订单号";
const TRADE_NO: &str = "微信订单号";
const STATE: &str = "交易状态";
const ORDER_AMOUNT: &str = "订单金额";
const REFUND_NO: &str = "商户退款单号";
const REFUND_AMOUNT: &str = "申请退款金额";
const SUMMARY: &str = "总交易单数";

#[derive(Deserialize)]
struct BillAddress {
    #[serde(default)]
    hash_type: Option<String>,
    #[serde(default)]
    hash_value: Option<String>,
    download_url: String,
}

impl WechatPay {
    /// The day's trade bill (all payments and refunds), downloaded and read.
    pub fn trade_bill(&self, day: NaiveDate) -> AppResult<Vec<BillLine>> {
        let path = format!(
            "/v3/bill/tradebill?bill_date={}&bill_type=ALL",
            day.format("%Y-%m-%d")
        );
        let reply = self.send_get("bill", &path)?;
        let address: BillAddress = self.expect("bill", &reply)?;
        // The signature covers the path and query of the address, after scheme and host.
        let Some(path_and_query) = address
            .download_url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        else {
            return Err(malformed("bill"));
        };
        let headers = [
            (
                "Authorization",
                self.authorization("GET", path_and_query, ""),
            ),
            ("Accept", "*/*".to_owned()),
            ("User-Agent", USER_AGENT.to_owned()),
        ];
        // The file itself is not signed: its SHA-1 from the signed answer vouches for it.
        let file = self
            .transport
            .get("bill download", &address.download_url, &headers)?;
        if !file.is_success() {
            return Err(AppError::unavailable(format!(
                "wechat pay bill download: HTTP {}",
                file.status
            )));
        }
        // WeChat only documents SHA1; a file that nothing vouches for is not read.
        let actual = hex::encode(Sha1::digest(&file.body));
        let expected = address.hash_value.unwrap_or_default();
        if address.hash_type.as_deref() != Some("SHA1")
            || !actual.eq_ignore_ascii_case(expected.trim())
        {
            return Err(AppError::internal(
                "wechat pay bill download: the file does not match its SHA-1",
            ));
        }
        parse(&file.body).map_err(|why| AppError::internal(format!("wechat pay bill: {why}")))
    }
}

pub fn parse(file: &[u8]) -> Result<Vec<BillLine>, String> {
    let text = std::str::from_utf8(file).map_err(|_| "not UTF-8".to_owned())?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = records
        .next()
        .ok_or("empty file")?
        .map_err(|e| format!("unreadable header ({e})"))?;
    let column = |name: &str| {
        header
            .iter()
            .position(|field| field.trim() == name)
            .ok_or_else(|| format!("no column {name}"))
    };
    let columns = [
        column(PAYMENT_NO)?,
        column(TRADE_NO)?,
        column(STATE)?,
        column(ORDER_AMOUNT)?,
        column(REFUND_NO)?,
        column(REFUND_AMOUNT)?,
    ];
    let mut lines = Vec::new();
    for (index, record) in records.enumerate() {
        let record = record.map_err(|e| format!("row {} unreadable ({e})", index + 2))?;
        let field = |at: usize| {
            record
                .get(at)
                .map(|f| f.trim().trim_start_matches('`').trim())
                .unwrap_or("")
        };
        if field(0) == SUMMARY {
            break;
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let [payment_no, trade_no, state, order_amount, refund_no, refund_amount] =
            columns.map(field);
        let amount = |text: &str| yuan_to_fen(text).map_err(|e| format!("row {}: {e}", index + 2));
        let (kind, refund_no, amount) = match state {
            "SUCCESS" => (BillKind::Payment, None, amount(order_amount)?),
            "REFUND" => (
                BillKind::Refund,
                Some(refund_no.to_owned()),
                amount(refund_amount)?,
            ),
            // REVOKED: a payment that was cancelled before it took money.
            _ => continue,
        };
        lines.push(BillLine {
            payment_no: payment_no.to_owned(),
            trade_no: trade_no.to_owned(),
            kind,
            refund_no,
            amount,
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Fen;

    #[test]
    fn reads_rows_until_the_summary() {
        let file = "\u{feff}交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\n\
`2030-01-01 10:00:00,`wxapp,`1900000001,`0,`,`4200001,`P1,`oUser,`JSAPI,`SUCCESS,`OTHERS,`CNY,`12.34,`0.00,`0,`0,`0.00,`0.00,`,`,`Tea,`,`0.07,`0.60%,`12.34,`0.00,`\n\
`2030-01-01 11:00:00,`wxapp,`1900000001,`0,`,`4200001,`P1,`oUser,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5000001,`R1,`2.00,`0.00,`ORIGINAL,`SUCCESS,`Tea,`,`-0.01,`0.60%,`12.34,`2.00,`\n\
总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n\
`2,`12.34,`2.00,`0.00,`0.06,`12.34,`2.00\n";
        let lines = parse(file.as_bytes()).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].amount, Fen(1234));
        assert_eq!(lines[0].kind, BillKind::Payment);
        assert_eq!(lines[1].refund_no.as_deref(), Some("R1"));
        assert_eq!(lines[1].amount, Fen(200));
        assert_eq!(lines[1].trade_no, "4200001");
    }
}

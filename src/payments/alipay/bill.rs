//! Alipay's trade bill: a zip holding GBK-encoded CSV files, the detail
//! (`…_业务明细.csv`) and a summary (`…_业务明细(汇总).csv`). Entry names are GBK without
//! zip's UTF-8 flag, so the detail is recognised by its header row, not its name. The detail
//! has `#` comment lines before and after the table, and fields padded with tabs.

use std::io::Read;

use crate::money::Fen;
use crate::payments::rails::{yuan_to_fen, BillKind, BillLine};

const TRADE_NO: &str = "支付宝交易号";
const PAYMENT_NO: &str = "商户订单号";
const KIND: &str = "业务类型";
const AMOUNT: &str = "订单金额（元）";
const REFUND_NO: &str = "退款批次号/请求号";

pub fn parse_zip(file: &[u8]) -> Result<Vec<BillLine>, String> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(file)).map_err(|e| format!("not a zip ({e})"))?;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| format!("unreadable entry ({e})"))?;
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| format!("unreadable entry ({e})"))?;
        let (text, _, _) = encoding_rs::GBK.decode(&bytes);
        if let Some(lines) = parse_detail(&text)? {
            return Ok(lines);
        }
    }
    Err("no detail file in the zip".to_owned())
}

/// The detail table's lines, or `None` when `text` is not the detail file.
pub fn parse_detail(text: &str) -> Result<Option<Vec<BillLine>>, String> {
    let table: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with('#') && !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(table.as_bytes());
    let mut records = reader.records();
    let Some(header) = records.next() else {
        return Ok(None);
    };
    let header = header.map_err(|e| format!("unreadable header ({e})"))?;
    let column = |name: &str| header.iter().position(|field| field == name);
    let (Some(trade_no), Some(payment_no), Some(kind), Some(amount), Some(refund_no)) = (
        column(TRADE_NO),
        column(PAYMENT_NO),
        column(KIND),
        column(AMOUNT),
        column(REFUND_NO),
    ) else {
        return Ok(None);
    };
    let mut lines = Vec::new();
    for (index, record) in records.enumerate() {
        let record = record.map_err(|e| format!("row {} unreadable ({e})", index + 1))?;
        let field = |at: usize| record.get(at).unwrap_or("").trim();
        let money = yuan_to_fen(field(amount)).map_err(|e| format!("row {}: {e}", index + 1))?;
        let (kind, refund_no) = match field(kind) {
            "交易" => (BillKind::Payment, None),
            "退款" => (BillKind::Refund, Some(field(refund_no).to_owned())),
            _ => continue,
        };
        lines.push(BillLine {
            payment_no: field(payment_no).to_owned(),
            trade_no: field(trade_no).to_owned(),
            kind,
            refund_no,
            // Refund rows carry the amount negative.
            amount: Fen(money.0.abs()),
        });
    }
    Ok(Some(lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_file_is_not_the_detail() {
        let summary =
            "#支付宝业务汇总查询\n门店编号,门店名称,交易订单总笔数,退款订单总笔数\n,,1,0\n";
        assert_eq!(parse_detail(summary).unwrap(), None);
    }
}

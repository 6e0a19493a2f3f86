//! An Alipay open-platform simulator: checks each request's RSA2 signature with our
//! application's public key (code 40002 `isv.invalid-signature` otherwise), signs each
//! answer's node with its own key (answers pretty-printed, so only the raw text verifies),
//! keeps trades, refunds and transfers (idempotent by out_request_no and out_biz_no), serves a
//! zipped GBK bill, and makes signed notifications.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::Sha256;
use xiaopu::payments::alipay::AlipaySettings;

use super::http::{serve, Request, Response};
use super::read_fixture;

pub const APP_ID: &str = "2021000000000001";
pub const SELLER_ID: &str = "2088000000000001";

#[derive(Debug, Clone)]
pub enum Fault {
    /// Done, but answered after the client gave up.
    SlowAnswer,
    /// HTTP 502 from the front, nothing done.
    BadGateway,
    /// Code 20000, nothing done.
    Unavailable,
    /// Code 40004 with this sub_code and sub_msg, nothing done.
    Refuse(&'static str, &'static str),
}

#[derive(Debug, Clone)]
pub struct Trade {
    pub amount: i64,
    pub status: String,
    pub refunded: i64,
    pub trade_no: String,
}

#[derive(Debug, Clone)]
pub struct Transfer {
    pub order_id: String,
    pub amount: i64,
    pub identity_type: String,
    pub name: String,
}

#[derive(Default)]
struct State {
    trades: BTreeMap<String, Trade>,
    /// By (out_trade_no, out_request_no).
    refunds: BTreeMap<(String, String), i64>,
    transfers: BTreeMap<String, Transfer>,
    transfers_executed: u32,
    counter: u64,
}

struct Inner {
    app: VerifyingKey<Sha256>,
    alipay: SigningKey<Sha256>,
    rogue: SigningKey<Sha256>,
    state: Mutex<State>,
    faults: Mutex<VecDeque<Fault>>,
    rogue_answers: Mutex<bool>,
    base_url: Mutex<String>,
}

#[derive(Clone)]
pub struct AlipaySim {
    pub gateway_url: String,
    inner: Arc<Inner>,
}

fn private(name: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(&read_fixture(name)).expect("a test private key")
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// Parses "12.34" strictly, as Alipay does (2 decimals at most).
fn fen(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 2
        || whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some(whole.parse::<i64>().ok()? * 100 + format!("{fraction:0<2}").parse::<i64>().ok()?)
}

fn content(params: &BTreeMap<String, String>, skip: &[&str], skip_empty: bool) -> String {
    params
        .iter()
        .filter(|(k, v)| !(skip.contains(&k.as_str()) || (skip_empty && v.is_empty())))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

impl AlipaySim {
    pub fn start() -> Self {
        let app =
            RsaPublicKey::from_public_key_pem(&read_fixture("alipay_app_public.pem")).unwrap();
        let inner = Arc::new(Inner {
            app: VerifyingKey::new(app),
            alipay: SigningKey::new(private("alipay_platform_private.pem")),
            rogue: SigningKey::new(private("rogue_private.pem")),
            state: Mutex::new(State::default()),
            faults: Mutex::new(VecDeque::new()),
            rogue_answers: Mutex::new(false),
            base_url: Mutex::new(String::new()),
        });
        let handler = Arc::clone(&inner);
        let base_url = serve(Arc::new(move |request| handler.handle(request)));
        *inner.base_url.lock().unwrap() = base_url.clone();
        Self {
            gateway_url: format!("{base_url}/gateway.do"),
            inner,
        }
    }

    pub fn settings(&self) -> AlipaySettings {
        AlipaySettings {
            app_id: APP_ID.to_owned(),
            seller_id: SELLER_ID.to_owned(),
            app_private_key_path: super::fixture("alipay_app_private.pem"),
            alipay_public_key_path: super::fixture("alipay_platform_public.pem"),
            gateway_url: self.gateway_url.clone(),
            notify_url: "https://shop.example/payments/alipay/notify".to_owned(),
            timeout_seconds: 1,
        }
    }

    pub fn fail_next(&self, fault: Fault) {
        self.inner.faults.lock().unwrap().push_back(fault);
    }

    pub fn sign_answers_with_rogue_key(&self, rogue: bool) {
        *self.inner.rogue_answers.lock().unwrap() = rogue;
    }

    pub fn pay(&self, out_trade_no: &str) {
        let mut state = self.inner.state.lock().unwrap();
        state.trades.get_mut(out_trade_no).expect("a trade").status = "TRADE_SUCCESS".to_owned();
    }

    pub fn trade(&self, out_trade_no: &str) -> Option<Trade> {
        self.inner
            .state
            .lock()
            .unwrap()
            .trades
            .get(out_trade_no)
            .cloned()
    }

    pub fn transfer(&self, out_biz_no: &str) -> Option<Transfer> {
        self.inner
            .state
            .lock()
            .unwrap()
            .transfers
            .get(out_biz_no)
            .cloned()
    }

    pub fn transfers_executed(&self) -> u32 {
        self.inner.state.lock().unwrap().transfers_executed
    }

    /// The form body Alipay POSTs for a paid trade; `edit` changes parameters before signing,
    /// `sign_with_rogue` signs with a key that is not Alipay's.
    pub fn paid_notification(
        &self,
        out_trade_no: &str,
        edit: impl FnOnce(&mut BTreeMap<String, String>),
        sign_with_rogue: bool,
    ) -> Vec<u8> {
        let trade = self.trade(out_trade_no).expect("a trade");
        let mut params: BTreeMap<String, String> = [
            ("notify_time", "2030-01-01 10:00:01"),
            ("notify_type", "trade_status_sync"),
            ("charset", "utf-8"),
            ("version", "1.0"),
            ("app_id", APP_ID),
            ("seller_id", SELLER_ID),
            ("buyer_id", "2088102177846880"),
            ("trade_status", "TRADE_SUCCESS"),
            ("gmt_payment", "2030-01-01 10:00:00"),
            ("subject", "商品"),
            ("fund_bill_list", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        params.insert("notify_id".into(), format!("ntf{}", rand::random::<u64>()));
        params.insert("out_trade_no".into(), out_trade_no.to_owned());
        params.insert("trade_no".into(), trade.trade_no.clone());
        params.insert("total_amount".into(), yuan(trade.amount));
        params.insert("receipt_amount".into(), yuan(trade.amount));
        edit(&mut params);
        let key = if sign_with_rogue {
            &self.inner.rogue
        } else {
            &self.inner.alipay
        };
        let signature = STANDARD.encode(
            key.sign(content(&params, &["sign", "sign_type"], false).as_bytes())
                .to_bytes(),
        );
        params.insert("sign".into(), signature);
        params.insert("sign_type".into(), "RSA2".into());
        serde_urlencoded::to_string(&params).unwrap().into_bytes()
    }

    /// The notification of a refund made through the API (a partial one keeps TRADE_SUCCESS).
    pub fn refund_notification(&self, out_trade_no: &str, out_request_no: &str) -> Vec<u8> {
        let refunded = self.inner.state.lock().unwrap().refunds
            [&(out_trade_no.to_owned(), out_request_no.to_owned())];
        let status = self.trade(out_trade_no).unwrap().status;
        self.paid_notification(
            out_trade_no,
            |params| {
                params.insert("out_biz_no".into(), out_request_no.to_owned());
                params.insert("refund_fee".into(), yuan(refunded));
                params.insert("gmt_refund".into(), "2030-01-01 11:00:00.000".into());
                params.insert("trade_status".into(), status);
            },
            false,
        )
    }
}

impl Inner {
    fn handle(&self, request: Request) -> Response {
        if request.path() == "/bill/download" {
            return Response::new(200, "application/zip", self.bill_zip());
        }
        let raw = if request.method == "GET" {
            request.query().as_bytes().to_vec()
        } else {
            request.body.clone()
        };
        let params: BTreeMap<String, String> =
            serde_urlencoded::from_bytes(&raw).unwrap_or_default();
        let method = params.get("method").cloned().unwrap_or_default();
        let signed = params.get("sign").is_some_and(|sign| {
            let bytes = STANDARD.decode(sign).unwrap_or_default();
            Signature::try_from(bytes.as_slice()).is_ok_and(|sig| {
                self.app
                    .verify(content(&params, &["sign"], true).as_bytes(), &sig)
                    .is_ok()
            })
        });
        let common_ok = params.get("app_id").is_some_and(|a| a == APP_ID)
            && params.get("sign_type").is_some_and(|s| s == "RSA2")
            && params.get("charset").is_some_and(|c| c == "utf-8")
            && params.get("version").is_some_and(|v| v == "1.0")
            && params.get("timestamp").is_some_and(|t| {
                chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").is_ok()
            });
        let biz: Value = params
            .get("biz_content")
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        if method == "alipay.trade.wap.pay" && request.method == "GET" {
            return self.cashier(signed && common_ok, &params, &biz);
        }
        let node = if !signed {
            json!({ "code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature", "sub_msg": "验签出错" })
        } else if !common_ok {
            json!({ "code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-parameter", "sub_msg": "公共参数错误" })
        } else {
            match self.faults.lock().unwrap().pop_front() {
                Some(Fault::BadGateway) => return Response::new(502, "text/html", "bad gateway"),
                Some(Fault::Unavailable) => {
                    json!({ "code": "20000", "msg": "Service Currently Unavailable", "sub_code": "isp.unknow-error", "sub_msg": "系统繁忙" })
                }
                Some(Fault::Refuse(code, msg)) => {
                    json!({ "code": "40004", "msg": "Business Failed", "sub_code": code, "sub_msg": msg })
                }
                Some(Fault::SlowAnswer) => {
                    let mut response = self.answer(&method, self.route(&method, &biz));
                    response.delay = Some(Duration::from_millis(2500));
                    return response;
                }
                None => self.route(&method, &biz),
            }
        };
        self.answer(&method, node)
    }

    /// The signed envelope, node pretty-printed so that re-serialising it would not verify.
    fn answer(&self, method: &str, node: Value) -> Response {
        let text = serde_json::to_string_pretty(&node).unwrap();
        let key = if *self.rogue_answers.lock().unwrap() {
            &self.rogue
        } else {
            &self.alipay
        };
        let sign = STANDARD.encode(key.sign(text.as_bytes()).to_bytes());
        let name = format!("{}_response", method.replace('.', "_"));
        let body = format!("{{\"{name}\":{text},\"sign\":\"{sign}\"}}");
        Response::new(200, "text/html;charset=utf-8", body)
    }

    fn cashier(&self, signed: bool, params: &BTreeMap<String, String>, biz: &Value) -> Response {
        let amount = biz["total_amount"].as_str().and_then(fen);
        if !signed
            || biz["product_code"] != "QUICK_WAP_WAY"
            || amount.is_none_or(|a| a <= 0)
            || !params.contains_key("notify_url")
            || !params.contains_key("return_url")
            || !biz["subject"].is_string()
            || !biz["time_expire"].is_string()
        {
            return Response::new(400, "text/html", "invalid-signature or parameters");
        }
        let mut state = self.state.lock().unwrap();
        state.counter += 1;
        let trade_no = format!("2030010122001{:08}", state.counter);
        let no = biz["out_trade_no"].as_str().unwrap_or("").to_owned();
        state.trades.entry(no).or_insert(Trade {
            amount: amount.unwrap(),
            status: "WAIT_BUYER_PAY".into(),
            refunded: 0,
            trade_no,
        });
        Response::new(200, "text/html;charset=utf-8", "<html>支付宝收银台</html>")
    }

    fn route(&self, method: &str, biz: &Value) -> Value {
        let business = |code: &str, msg: &str| json!({ "code": "40004", "msg": "Business Failed", "sub_code": code, "sub_msg": msg });
        let ok = |mut node: Value| {
            node["code"] = json!("10000");
            node["msg"] = json!("Success");
            node
        };
        let mut state = self.state.lock().unwrap();
        let no = biz["out_trade_no"].as_str().unwrap_or("").to_owned();
        match method {
            "alipay.trade.query" => match state.trades.get(&no) {
                None => business("ACQ.TRADE_NOT_EXIST", "交易不存在"),
                Some(t) => ok(
                    json!({ "out_trade_no": no, "trade_no": t.trade_no, "trade_status": t.status,
                    "total_amount": yuan(t.amount), "buyer_logon_id": "159****5620", "buyer_user_id": "2088102177846880" }),
                ),
            },
            "alipay.trade.close" => match state.trades.get_mut(&no) {
                None => business("ACQ.TRADE_NOT_EXIST", "交易不存在"),
                Some(t) if t.status != "WAIT_BUYER_PAY" => {
                    business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
                }
                Some(t) => {
                    t.status = "TRADE_CLOSED".into();
                    ok(json!({ "out_trade_no": no, "trade_no": t.trade_no }))
                }
            },
            "alipay.trade.refund" => {
                let request_no = biz["out_request_no"].as_str().unwrap_or(&no).to_owned();
                let Some(amount) = biz["refund_amount"].as_str().and_then(fen) else {
                    return business("ACQ.INVALID_PARAMETER", "参数无效");
                };
                let Some(trade) = state.trades.get(&no).cloned() else {
                    return business("ACQ.TRADE_NOT_EXIST", "交易不存在");
                };
                let key = (no.clone(), request_no);
                if state.refunds.contains_key(&key) {
                    // A repeat of a refund already made: no money moves again.
                    return ok(
                        json!({ "out_trade_no": no, "trade_no": trade.trade_no, "fund_change": "N", "refund_fee": yuan(trade.refunded) }),
                    );
                }
                if trade.status == "TRADE_CLOSED" {
                    return business("ACQ.TRADE_HAS_CLOSE", "交易已经关闭");
                }
                if trade.status != "TRADE_SUCCESS" {
                    return business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
                }
                if trade.refunded + amount > trade.amount {
                    return business("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
                }
                state.refunds.insert(key, amount);
                let t = state.trades.get_mut(&no).unwrap();
                t.refunded += amount;
                if t.refunded == t.amount {
                    t.status = "TRADE_CLOSED".into();
                }
                ok(
                    json!({ "out_trade_no": no, "trade_no": trade.trade_no, "fund_change": "Y", "refund_fee": yuan(trade.refunded + amount) }),
                )
            }
            "alipay.trade.fastpay.refund.query" => {
                let request_no = biz["out_request_no"].as_str().unwrap_or("").to_owned();
                let trade_no = state
                    .trades
                    .get(&no)
                    .map(|t| t.trade_no.clone())
                    .unwrap_or_default();
                match state.refunds.get(&(no.clone(), request_no.clone())) {
                    None => ok(json!({ "out_trade_no": no, "out_request_no": request_no })),
                    Some(amount) => ok(
                        json!({ "out_trade_no": no, "trade_no": trade_no, "out_request_no": request_no,
                        "refund_amount": yuan(*amount), "total_amount": "0.00", "refund_status": "REFUND_SUCCESS" }),
                    ),
                }
            }
            "alipay.fund.trans.uni.transfer" => {
                let out_biz_no = biz["out_biz_no"].as_str().unwrap_or("").to_owned();
                if let Some(t) = state.transfers.get(&out_biz_no) {
                    return ok(
                        json!({ "out_biz_no": out_biz_no, "order_id": t.order_id, "pay_fund_order_id": t.order_id, "status": "SUCCESS", "trans_date": "2030-01-01 12:00:00" }),
                    );
                }
                let payee = &biz["payee_info"];
                let identity_type = payee["identity_type"].as_str().unwrap_or("");
                let product_ok = match identity_type {
                    "ALIPAY_LOGON_ID" => biz["product_code"] == "TRANS_ACCOUNT_NO_PWD",
                    "BANKCARD_ACCOUNT" => {
                        biz["product_code"] == "TRANS_BANKCARD_NO_PWD"
                            && payee["bankcard_ext_info"]["account_type"].is_string()
                    }
                    _ => false,
                };
                let Some(amount) = biz["trans_amount"].as_str().and_then(fen) else {
                    return business("INVALID_PARAMETER", "金额无效");
                };
                if !product_ok
                    || biz["biz_scene"] != "DIRECT_TRANSFER"
                    || !payee["identity"].is_string()
                    || !payee["name"].is_string()
                    || !biz["order_title"].is_string()
                {
                    return business("INVALID_PARAMETER", "参数有误");
                }
                state.counter += 1;
                let order_id = format!("2030010111070{:08}", state.counter);
                state.transfers_executed += 1;
                state.transfers.insert(
                    out_biz_no.clone(),
                    Transfer {
                        order_id: order_id.clone(),
                        amount,
                        identity_type: identity_type.to_owned(),
                        name: payee["name"].as_str().unwrap().to_owned(),
                    },
                );
                ok(
                    json!({ "out_biz_no": out_biz_no, "order_id": order_id, "pay_fund_order_id": order_id, "status": "SUCCESS", "trans_date": "2030-01-01 12:00:00" }),
                )
            }
            "alipay.fund.trans.common.query" => {
                let out_biz_no = biz["out_biz_no"].as_str().unwrap_or("").to_owned();
                match state.transfers.get(&out_biz_no) {
                    None => business("ORDER_NOT_EXIST", "转账订单不存在"),
                    Some(t) => ok(
                        json!({ "out_biz_no": out_biz_no, "order_id": t.order_id, "pay_fund_order_id": t.order_id, "status": "SUCCESS", "trans_amount": yuan(t.amount) }),
                    ),
                }
            }
            "alipay.data.dataservice.bill.downloadurl.query" => {
                if biz["bill_type"] != "trade" || !biz["bill_date"].is_string() {
                    return business("isv.invalid-parameter", "参数有误");
                }
                ok(
                    json!({ "bill_download_url": format!("{}/bill/download?downloadFileName=x.csv.zip&t=1", self.base_url.lock().unwrap()) }),
                )
            }
            _ => {
                json!({ "code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method", "sub_msg": "不存在的方法名" })
            }
        }
    }

    /// The zip Alipay serves: a GBK detail file with comment lines and tab-padded fields, and
    /// a summary file.
    fn bill_zip(&self) -> Vec<u8> {
        let state = self.state.lock().unwrap();
        let mut detail = String::from("#支付宝业务明细查询\r\n#账号：[20880000000000010156]\r\n#起始日期：[2030年01月01日 00:00:00]   终止日期：[2030年01月02日 00:00:00]\r\n");
        detail.push_str("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\r\n");
        for (no, t) in &state.trades {
            if t.status == "TRADE_SUCCESS" || t.refunded > 0 {
                detail.push_str(&format!("{}\t,{no}\t,交易,商品,2030-01-01 10:00:00,2030-01-01 10:00:05,,,,,159****5620,{},{},0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.01,0.00,\r\n", t.trade_no, yuan(t.amount), yuan(t.amount)));
            }
        }
        for ((no, request_no), amount) in &state.refunds {
            let t = &state.trades[no];
            detail.push_str(&format!("{}\t,{no}\t,退款,商品,2030-01-01 11:00:00,2030-01-01 11:00:01,,,,,159****5620,-{},-{},0.00,0.00,0.00,0.00,0.00,,0.00,0.00,{request_no}\t,0.00,0.00,\r\n", t.trade_no, yuan(*amount), yuan(*amount)));
        }
        detail.push_str("#-----------------------------------------业务明细列表结束------------------------------------\r\n#交易合计：1笔，商家实收共0.00元\r\n#导出时间：[2030年01月02日 09:00:00]\r\n");
        let summary = "#支付宝业务汇总查询\r\n门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）\r\n,,0,0,0.00\r\n";
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        // Summary first, so the reader must pick the detail by its content.
        for (name, text) in [
            ("20880000000000010156_20300101_业务明细(汇总).csv", summary),
            ("20880000000000010156_20300101_业务明细.csv", &detail),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(&encoding_rs::GBK.encode(text).0).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }
}

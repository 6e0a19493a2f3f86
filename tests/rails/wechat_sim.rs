//! A WeChat Pay v3 simulator: checks each request's `WECHATPAY2-SHA256-RSA2048` signature with
//! the merchant's public key (401 `SIGN_ERROR` otherwise), signs each answer with the
//! platform key as WeChat does, keeps trades, refunds and transfers (idempotent by
//! out_refund_no and out_bill_no), serves a bill, and makes signed, encrypted notifications.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use xiaopu::clock::Clock;
use xiaopu::payments::wechat::{JsapiBridge, WechatPaySettings};

use super::http::{serve, Request, Response};
use super::read_fixture;

pub const MCH_ID: &str = "1900000001";
pub const APP_ID: &str = "wx0000000000000001";
pub const MERCHANT_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A72TEST";
pub const PLATFORM_SERIAL: &str = "PUB_KEY_ID_0000000000000000TEST";
pub const API_V3_KEY: &str = "SimApiV3Key0123456789abcdefABCDE";

/// How the next request goes wrong.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Done, but answered after the client gave up (the worst case for money).
    SlowAnswer,
    /// 500, nothing done.
    ServerError,
    /// A business refusal: status, code, message; nothing done.
    Refuse(u16, &'static str, &'static str),
}

/// How the simulator signs what it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    Good,
    /// With a key that is not the platform's.
    Rogue,
    /// Under a serial the merchant does not know.
    UnknownSerial,
    /// Ten minutes ago.
    Stale,
}

#[derive(Debug, Clone)]
pub struct Trade {
    pub amount: i64,
    pub state: String,
    pub refunded: i64,
    pub transaction_id: String,
    pub openid: String,
}

#[derive(Debug, Clone)]
struct Refund {
    out_trade_no: String,
    refund_id: String,
    amount: i64,
}

#[derive(Debug, Clone)]
pub struct Transfer {
    pub bill_no: String,
    /// SUCCESS, or WAIT_USER_CONFIRM until the payee confirms.
    pub state: String,
    pub amount: i64,
    pub user_name: Option<String>,
}

#[derive(Default)]
struct State {
    trades: BTreeMap<String, Trade>,
    refunds: BTreeMap<String, Refund>,
    transfers: BTreeMap<String, Transfer>,
    transfers_executed: u32,
    /// Transfers wait for the payee's confirmation, as the scene may require.
    confirmation_required: bool,
    counter: u64,
    bill: Vec<u8>,
}

struct Inner {
    merchant: VerifyingKey<Sha256>,
    platform: SigningKey<Sha256>,
    platform_private: RsaPrivateKey,
    rogue: SigningKey<Sha256>,
    state: Mutex<State>,
    faults: Mutex<VecDeque<Fault>>,
    signing: Mutex<Signing>,
    base_url: Mutex<String>,
}

#[derive(Clone)]
pub struct WechatSim {
    pub base_url: String,
    inner: Arc<Inner>,
}

fn private(name: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(&read_fixture(name)).expect("a test private key")
}

impl WechatSim {
    pub fn start() -> Self {
        let platform_private = private("wechat_platform_private.pem");
        let merchant = RsaPublicKey::from_public_key_pem(&read_fixture("merchant_public.pem"))
            .expect("the merchant's public key");
        let inner = Arc::new(Inner {
            merchant: VerifyingKey::new(merchant),
            platform: SigningKey::new(platform_private.clone()),
            platform_private,
            rogue: SigningKey::new(private("rogue_private.pem")),
            state: Mutex::new(State::default()),
            faults: Mutex::new(VecDeque::new()),
            signing: Mutex::new(Signing::Good),
            base_url: Mutex::new(String::new()),
        });
        let handler = Arc::clone(&inner);
        let base_url = serve(Arc::new(move |request| handler.handle(request)));
        *inner.base_url.lock().unwrap() = base_url.clone();
        Self { base_url, inner }
    }

    /// Settings of a merchant that talks to this simulator (timeout 1 s).
    pub fn settings(&self, dir: &std::path::Path) -> WechatPaySettings {
        let key_path = dir.join("api_v3_key");
        std::fs::write(&key_path, format!("{API_V3_KEY}\n")).unwrap();
        WechatPaySettings {
            mch_id: MCH_ID.to_owned(),
            app_id: APP_ID.to_owned(),
            merchant_serial_no: MERCHANT_SERIAL.to_owned(),
            merchant_private_key_path: super::fixture("merchant_private.pem"),
            platform_public_key_path: super::fixture("wechat_platform_public.pem"),
            platform_serial: PLATFORM_SERIAL.to_owned(),
            api_v3_key_path: Some(key_path.to_str().unwrap().to_owned()),
            api_v3_key: None,
            base_url: self.base_url.clone(),
            notify_url: "https://shop.example/payments/wechat/notify".to_owned(),
            timeout_seconds: 1,
            transfer_scene_id: "1005".to_owned(),
            transfer_scene_reports: vec![
                ("岗位类型".to_owned(), "店主".to_owned()),
                ("报酬说明".to_owned(), "佣金".to_owned()),
            ],
        }
    }

    pub fn fail_next(&self, fault: Fault) {
        self.inner.faults.lock().unwrap().push_back(fault);
    }

    pub fn sign_answers(&self, signing: Signing) {
        *self.inner.signing.lock().unwrap() = signing;
    }

    /// The buyer pays in WeChat.
    pub fn pay(&self, out_trade_no: &str, openid: &str) {
        let mut state = self.inner.state.lock().unwrap();
        let trade = state.trades.get_mut(out_trade_no).expect("a prepaid trade");
        trade.state = "SUCCESS".to_owned();
        trade.openid = openid.to_owned();
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

    pub fn transfer(&self, out_bill_no: &str) -> Option<Transfer> {
        self.inner
            .state
            .lock()
            .unwrap()
            .transfers
            .get(out_bill_no)
            .cloned()
    }

    pub fn require_confirmation(&self, required: bool) {
        self.inner.state.lock().unwrap().confirmation_required = required;
    }

    /// The payee confirms in WeChat with the package_info; the money moves now.
    pub fn confirm(&self, out_bill_no: &str) {
        let mut state = self.inner.state.lock().unwrap();
        let transfer = state.transfers.get_mut(out_bill_no).expect("a transfer");
        assert_eq!(transfer.state, "WAIT_USER_CONFIRM");
        transfer.state = "SUCCESS".to_owned();
    }

    pub fn transfers_executed(&self) -> u32 {
        self.inner.state.lock().unwrap().transfers_executed
    }

    /// What WeChat's JS bridge checks before it shows the cashier.
    pub fn bridge_is_valid(&self, bridge: &JsapiBridge) -> bool {
        let message = format!(
            "{}\n{}\n{}\n{}\n",
            bridge.app_id, bridge.time_stamp, bridge.nonce_str, bridge.package
        );
        bridge.app_id == APP_ID
            && bridge.sign_type == "RSA"
            && bridge.package.starts_with("prepay_id=")
            && verify(&self.inner.merchant, message.as_bytes(), &bridge.pay_sign)
    }

    /// A TRANSACTION.SUCCESS notification for a paid trade: headers and body.
    pub fn paid_notification(
        &self,
        out_trade_no: &str,
        signing: Signing,
    ) -> (Vec<(String, String)>, Vec<u8>) {
        let trade = self.trade(out_trade_no).expect("a trade");
        let resource = json!({
            "mchid": MCH_ID, "appid": APP_ID, "out_trade_no": out_trade_no,
            "transaction_id": trade.transaction_id, "trade_type": "JSAPI",
            "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
            "success_time": "2030-01-01T10:00:00+08:00",
            "payer": { "openid": trade.openid },
            "amount": { "total": trade.amount, "payer_total": trade.amount, "currency": "CNY", "payer_currency": "CNY" },
        });
        self.inner
            .notification("TRANSACTION.SUCCESS", "transaction", &resource, signing)
    }

    /// A REFUND.* notification for a refund made through the API.
    pub fn refund_notification(
        &self,
        out_refund_no: &str,
        status: &str,
    ) -> (Vec<(String, String)>, Vec<u8>) {
        let refund = self.inner.state.lock().unwrap().refunds[out_refund_no].clone();
        let resource = json!({
            "mchid": MCH_ID, "out_trade_no": refund.out_trade_no, "transaction_id": "4200000000",
            "out_refund_no": out_refund_no, "refund_id": refund.refund_id,
            "refund_status": status, "user_received_account": "招商银行信用卡0403",
            "amount": { "total": 100, "refund": refund.amount, "payer_total": 100, "payer_refund": refund.amount },
        });
        self.inner.notification(
            &format!("REFUND.{status}"),
            "refund",
            &resource,
            Signing::Good,
        )
    }
}

fn verify(key: &VerifyingKey<Sha256>, message: &[u8], signature: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(signature) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(bytes.as_slice()) else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}

fn json_answer(status: u16, body: &Value) -> (u16, Vec<u8>) {
    (status, body.to_string().into_bytes())
}

fn error(status: u16, code: &str, message: &str) -> (u16, Vec<u8>) {
    json_answer(status, &json!({ "code": code, "message": message }))
}

impl Inner {
    fn handle(&self, request: Request) -> Response {
        if let Err(why) = self.check_authorization(&request) {
            // WeChat cannot sign for a caller it does not trust: this answer is unsigned.
            let (status, body) = error(401, "SIGN_ERROR", &format!("签名错误: {why}"));
            return Response::new(status, "application/json", body);
        }
        let fault = self.faults.lock().unwrap().pop_front();
        let (status, body, raw) = match &fault {
            Some(Fault::ServerError) => {
                let (status, body) = error(500, "SYSTEM_ERROR", "系统错误");
                (status, body, false)
            }
            Some(Fault::Refuse(status, code, message)) => {
                let (status, body) = error(*status, code, message);
                (status, body, false)
            }
            _ => self.route(&request),
        };
        let mut response = Response::new(
            status,
            if raw {
                "text/plain"
            } else {
                "application/json"
            },
            body,
        );
        // Bill files are not signed; server errors carry no signature either.
        if !raw && status < 500 {
            self.sign_into(&mut response);
        }
        if matches!(fault, Some(Fault::SlowAnswer)) {
            response.delay = Some(Duration::from_millis(2500));
        }
        response
    }

    fn check_authorization(&self, request: &Request) -> Result<(), String> {
        let header = request.header("Authorization").ok_or("no Authorization")?;
        let fields = header
            .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
            .ok_or("wrong scheme")?;
        let mut values = BTreeMap::new();
        for part in fields.split(',') {
            let (key, value) = part.split_once('=').ok_or("malformed")?;
            values.insert(key.trim(), value.trim().trim_matches('"'));
        }
        let get = |key: &str| values.get(key).copied().ok_or(format!("no {key}"));
        if get("mchid")? != MCH_ID {
            return Err("wrong mchid".into());
        }
        if get("serial_no")? != MERCHANT_SERIAL {
            return Err("unknown serial_no".into());
        }
        let timestamp: i64 = get("timestamp")?.parse().map_err(|_| "bad timestamp")?;
        if (Clock::system().timestamp() - timestamp).abs() > 300 {
            return Err("stale timestamp".into());
        }
        let body = String::from_utf8(request.body.clone()).map_err(|_| "body not UTF-8")?;
        let message = format!(
            "{}\n{}\n{timestamp}\n{}\n{body}\n",
            request.method,
            request.target,
            get("nonce_str")?
        );
        if verify(&self.merchant, message.as_bytes(), get("signature")?) {
            Ok(())
        } else {
            Err("signature does not verify".into())
        }
    }

    fn sign_into(&self, response: &mut Response) {
        let mode = *self.signing.lock().unwrap();
        for (name, value) in self.signature_headers(&response.body, mode) {
            response.headers.push((name, value));
        }
    }

    fn signature_headers(&self, body: &[u8], mode: Signing) -> Vec<(String, String)> {
        let mut timestamp = Clock::system().timestamp();
        if mode == Signing::Stale {
            timestamp -= 600;
        }
        let nonce = format!("n{}", rand::random::<u64>());
        let mut message = format!("{timestamp}\n{nonce}\n").into_bytes();
        message.extend_from_slice(body);
        message.push(b'\n');
        let key = if mode == Signing::Rogue {
            &self.rogue
        } else {
            &self.platform
        };
        let signature = STANDARD.encode(key.sign(&message).to_bytes());
        let serial = if mode == Signing::UnknownSerial {
            "PUB_KEY_ID_SOMEONE_ELSE"
        } else {
            PLATFORM_SERIAL
        };
        vec![
            ("Wechatpay-Timestamp".to_owned(), timestamp.to_string()),
            ("Wechatpay-Nonce".to_owned(), nonce),
            ("Wechatpay-Signature".to_owned(), signature),
            ("Wechatpay-Serial".to_owned(), serial.to_owned()),
            ("Request-ID".to_owned(), "sim-request".to_owned()),
        ]
    }

    fn notification(
        &self,
        event_type: &str,
        kind: &str,
        resource: &Value,
        signing: Signing,
    ) -> (Vec<(String, String)>, Vec<u8>) {
        let nonce: String = format!("{:012}", rand::random::<u32>());
        let cipher = Aes256Gcm::new_from_slice(API_V3_KEY.as_bytes()).unwrap();
        let nonce_bytes: [u8; 12] = nonce.as_bytes().try_into().unwrap();
        let ciphertext = cipher
            .encrypt(
                &Nonce::from(nonce_bytes),
                Payload {
                    msg: resource.to_string().as_bytes(),
                    aad: kind.as_bytes(),
                },
            )
            .unwrap();
        let body = json!({
            "id": format!("EV-{}", rand::random::<u64>()),
            "create_time": "2030-01-01T10:00:01+08:00",
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": "通知",
            "resource": {
                "original_type": kind, "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": STANDARD.encode(ciphertext), "associated_data": kind, "nonce": nonce,
            },
        })
        .to_string()
        .into_bytes();
        (self.signature_headers(&body, signing), body)
    }

    fn next(&self, state: &mut State, prefix: &str) -> String {
        state.counter += 1;
        format!("{prefix}{:010}", state.counter)
    }

    fn route(&self, request: &Request) -> (u16, Vec<u8>, bool) {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let path = request.path().to_owned();
        let mut state = self.state.lock().unwrap();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let (status, answer) = match (request.method.as_str(), segments.as_slice()) {
            ("POST", ["v3", "pay", "transactions", kind @ ("jsapi" | "h5")]) => {
                self.prepay(&mut state, kind, &body)
            }
            ("GET", ["v3", "pay", "transactions", "out-trade-no", no]) => {
                if request.query() != format!("mchid={MCH_ID}") {
                    error(400, "PARAM_ERROR", "mchid")
                } else {
                    match state.trades.get(*no) {
                        None => error(404, "ORDER_NOT_EXIST", "订单不存在"),
                        Some(trade) => json_answer(200, &trade_json(no, trade)),
                    }
                }
            }
            ("POST", ["v3", "pay", "transactions", "out-trade-no", no, "close"]) => {
                match state.trades.get_mut(*no) {
                    _ if body["mchid"] != MCH_ID => error(400, "PARAM_ERROR", "mchid"),
                    None => error(404, "ORDER_NOT_EXIST", "订单不存在"),
                    Some(trade) if trade.state == "SUCCESS" => {
                        error(400, "ORDER_PAID", "订单已支付")
                    }
                    Some(trade) => {
                        trade.state = "CLOSED".to_owned();
                        (204, Vec::new())
                    }
                }
            }
            ("POST", ["v3", "refund", "domestic", "refunds"]) => self.refund(&mut state, &body),
            ("GET", ["v3", "refund", "domestic", "refunds", no]) => match state.refunds.get(*no) {
                None => error(404, "RESOURCE_NOT_EXISTS", "退款单不存在"),
                Some(refund) => json_answer(200, &refund_json(no, refund)),
            },
            ("POST", ["v3", "fund-app", "mch-transfer", "transfer-bills"]) => {
                self.transfer(&mut state, request, &body)
            }
            ("GET", ["v3", "fund-app", "mch-transfer", "transfer-bills", "out-bill-no", no]) => {
                match state.transfers.get(*no) {
                    None => error(404, "NOT_FOUND", "记录不存在"),
                    Some(transfer) => json_answer(200, &transfer_json(no, transfer)),
                }
            }
            ("GET", ["v3", "bill", "tradebill"]) => {
                if !request.query().contains("bill_type=ALL")
                    || !request.query().contains("bill_date=")
                {
                    error(400, "PARAM_ERROR", "bill")
                } else {
                    state.bill = bill(&state);
                    let url = format!(
                        "{}/v3/billdownload/file?token=sim{}",
                        self.base_url.lock().unwrap(),
                        state.counter
                    );
                    json_answer(
                        200,
                        &json!({
                            "hash_type": "SHA1",
                            "hash_value": hex::encode(Sha1::digest(&state.bill)),
                            "download_url": url,
                        }),
                    )
                }
            }
            ("GET", ["v3", "billdownload", "file"]) => return (200, state.bill.clone(), true),
            _ => error(404, "NOT_FOUND", "no such API"),
        };
        (status, answer, false)
    }

    fn prepay(&self, state: &mut State, kind: &str, body: &Value) -> (u16, Vec<u8>) {
        let valid_expiry = body["time_expire"].as_str().is_some_and(|t| {
            t.ends_with("+08:00") && chrono::DateTime::parse_from_rfc3339(t).is_ok()
        });
        let channel_ok = match kind {
            "jsapi" => body["payer"]["openid"]
                .as_str()
                .is_some_and(|o| !o.is_empty()),
            _ => {
                body["scene_info"]["payer_client_ip"].is_string()
                    && body["scene_info"]["h5_info"]["type"] == "Wap"
            }
        };
        let total = body["amount"]["total"].as_i64().unwrap_or(0);
        if body["appid"] != APP_ID
            || body["mchid"] != MCH_ID
            || !valid_expiry
            || !channel_ok
            || total <= 0
            || body["amount"]["currency"] != "CNY"
            || !body["notify_url"].is_string()
            || !body["description"].is_string()
        {
            return error(400, "PARAM_ERROR", "参数错误");
        }
        let no = body["out_trade_no"].as_str().unwrap_or("").to_owned();
        let transaction_id = self.next(state, "4200");
        let trade = state.trades.entry(no.clone()).or_insert(Trade {
            amount: total,
            state: "NOTPAY".to_owned(),
            refunded: 0,
            transaction_id,
            openid: String::new(),
        });
        if trade.amount != total {
            return error(400, "INVALID_REQUEST", "订单号重复且参数不一致");
        }
        let prepay_id = format!("wx{no}");
        match kind {
            "jsapi" => json_answer(200, &json!({ "prepay_id": prepay_id })),
            _ => json_answer(
                200,
                &json!({ "h5_url": format!("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={prepay_id}") }),
            ),
        }
    }

    fn refund(&self, state: &mut State, body: &Value) -> (u16, Vec<u8>) {
        let out_refund_no = body["out_refund_no"].as_str().unwrap_or("").to_owned();
        if let Some(existing) = state.refunds.get(&out_refund_no) {
            return json_answer(200, &refund_json(&out_refund_no, existing));
        }
        let no = body["out_trade_no"].as_str().unwrap_or("");
        let amount = body["amount"]["refund"].as_i64().unwrap_or(0);
        let Some(trade) = state.trades.get(no).cloned() else {
            return error(404, "RESOURCE_NOT_EXISTS", "订单不存在");
        };
        if body["amount"]["total"].as_i64() != Some(trade.amount)
            || body["amount"]["currency"] != "CNY"
            || amount <= 0
        {
            return error(400, "PARAM_ERROR", "金额不一致");
        }
        if trade.state != "SUCCESS" && trade.state != "REFUND" {
            return error(400, "INVALID_REQUEST", "订单未支付");
        }
        if trade.refunded + amount > trade.amount {
            return error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额");
        }
        let refund_id = self.next(state, "5030");
        let trade = state.trades.get_mut(no).unwrap();
        trade.refunded += amount;
        if trade.refunded == trade.amount {
            trade.state = "REFUND".to_owned();
        }
        let refund = Refund {
            out_trade_no: no.to_owned(),
            refund_id,
            amount,
        };
        let answer = refund_json(&out_refund_no, &refund);
        state.refunds.insert(out_refund_no, refund);
        json_answer(200, &answer)
    }

    fn transfer(&self, state: &mut State, request: &Request, body: &Value) -> (u16, Vec<u8>) {
        let no = body["out_bill_no"].as_str().unwrap_or("").to_owned();
        if let Some(existing) = state.transfers.get(&no) {
            return json_answer(200, &transfer_json(&no, existing));
        }
        let amount = body["transfer_amount"].as_i64().unwrap_or(0);
        let reports = body["transfer_scene_report_infos"]
            .as_array()
            .map_or(0, Vec::len);
        if body["appid"] != APP_ID
            || amount <= 0
            || !body["openid"].is_string()
            || reports == 0
            || !body["transfer_remark"].is_string()
            || !body["transfer_scene_id"].is_string()
        {
            return error(400, "PARAM_ERROR", "参数错误");
        }
        let user_name = match body["user_name"].as_str() {
            None => None,
            Some(encrypted) => {
                if request.header("Wechatpay-Serial") != Some(PLATFORM_SERIAL) {
                    return error(400, "PARAM_ERROR", "Wechatpay-Serial");
                }
                let decrypted = STANDARD.decode(encrypted).ok().and_then(|bytes| {
                    self.platform_private
                        .decrypt(Oaep::new::<Sha1>(), &bytes)
                        .ok()
                });
                match decrypted {
                    Some(plain) => Some(String::from_utf8(plain).unwrap()),
                    None => return error(400, "PARAM_ERROR", "user_name 解密失败"),
                }
            }
        };
        let bill_no = self.next(state, "1330");
        state.transfers_executed += 1;
        let confirm = state.confirmation_required;
        let transfer = Transfer {
            bill_no,
            state: if confirm {
                "WAIT_USER_CONFIRM"
            } else {
                "SUCCESS"
            }
            .to_owned(),
            amount,
            user_name,
        };
        let answer = transfer_json(&no, &transfer);
        state.transfers.insert(no, transfer);
        json_answer(200, &answer)
    }
}

fn trade_json(no: &str, trade: &Trade) -> Value {
    let mut answer = json!({
        "appid": APP_ID, "mchid": MCH_ID, "out_trade_no": no, "trade_state": trade.state,
        "trade_state_desc": "", "amount": { "total": trade.amount, "currency": "CNY" },
    });
    if trade.state == "SUCCESS" || trade.state == "REFUND" {
        answer["transaction_id"] = json!(trade.transaction_id);
        answer["payer"] = json!({ "openid": trade.openid });
    }
    answer
}

fn refund_json(no: &str, refund: &Refund) -> Value {
    json!({
        "refund_id": refund.refund_id, "out_refund_no": no, "out_trade_no": refund.out_trade_no,
        "status": "SUCCESS", "channel": "ORIGINAL",
        "amount": { "refund": refund.amount, "currency": "CNY" },
    })
}

fn transfer_json(no: &str, transfer: &Transfer) -> Value {
    let mut answer = json!({
        "out_bill_no": no, "transfer_bill_no": transfer.bill_no,
        "create_time": "2030-01-01T10:00:00+08:00", "state": transfer.state,
    });
    if transfer.state == "WAIT_USER_CONFIRM" {
        answer["package_info"] = json!(format!("pkg-{}", transfer.bill_no));
    }
    answer
}

/// The documented CSV: backtick-prefixed fields, then the summary.
fn bill(state: &State) -> Vec<u8> {
    let mut csv = String::from("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n");
    let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
    for (no, trade) in &state.trades {
        if trade.state == "SUCCESS" || trade.state == "REFUND" {
            csv.push_str(&format!(
                "`2030-01-01 10:00:00,`{APP_ID},`{MCH_ID},`0,`,`{},`{no},`{},`JSAPI,`SUCCESS,`OTHERS,`CNY,`{},`0.00,`0,`0,`0.00,`0.00,`,`,`商品,`,`0.00,`0.60%,`{},`0.00,`\r\n",
                trade.transaction_id, trade.openid, yuan(trade.amount), yuan(trade.amount)
            ));
        }
    }
    for (refund_no, refund) in &state.refunds {
        let trade = &state.trades[&refund.out_trade_no];
        csv.push_str(&format!(
            "`2030-01-01 11:00:00,`{APP_ID},`{MCH_ID},`0,`,`{},`{},`{},`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`{},`{refund_no},`{},`0.00,`ORIGINAL,`SUCCESS,`商品,`,`0.00,`0.60%,`{},`{},`\r\n",
            trade.transaction_id, refund.out_trade_no, trade.openid, refund.refund_id, yuan(refund.amount), yuan(trade.amount), yuan(refund.amount)
        ));
    }
    csv.push_str("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n`0,`0.00,`0.00,`0.00,`0.00,`0.00,`0.00\r\n");
    csv.into_bytes()
}

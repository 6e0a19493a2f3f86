//! WeChat Pay v3 adapter against the simulator.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use chrono::{NaiveDate, TimeDelta};
use xiaopu::clock::Clock;
use xiaopu::error::AppError;
use xiaopu::money::Fen;
use xiaopu::payments::rails::{
    BillKind, CheckoutChannel, CheckoutOrder, Notification, PayoutOutcome, RefundAnswer, TradeState,
};
use xiaopu::payments::wechat::{TransferPayee, WechatPay, WechatPaySettings};

use super::wechat_sim::{Fault, Signing, WechatSim, API_V3_KEY};

struct World {
    sim: WechatSim,
    pay: WechatPay,
    settings: WechatPaySettings,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    let sim = WechatSim::start();
    let dir = tempfile::tempdir().unwrap();
    let settings = sim.settings(dir.path());
    let pay = WechatPay::from_settings(&settings).expect("the simulator's merchant");
    World {
        sim,
        pay,
        settings,
        _dir: dir,
    }
}

fn order(no: &str, fen: i64) -> CheckoutOrder {
    CheckoutOrder {
        payment_no: no.to_owned(),
        description: "青花瓷杯".to_owned(),
        amount: Fen(fen),
        expires_at: Clock::system().now() + TimeDelta::minutes(30),
    }
}

fn header_map(headers: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn paid(w: &World, no: &str, fen: i64) {
    w.pay.jsapi_prepay(&order(no, fen), "oBuyer1").unwrap();
    w.sim.pay(no, "oBuyer1");
}

#[test]
fn jsapi_prepay_is_accepted_and_its_bridge_verifies() {
    let w = world();
    let bridge = w.pay.jsapi_prepay(&order("P100", 1234), "oBuyer1").unwrap();
    assert_eq!(bridge.package, "prepay_id=wxP100");
    assert!(w.sim.bridge_is_valid(&bridge), "{bridge:?}");
    assert_eq!(w.sim.trade("P100").unwrap().amount, 1234);
    let json = w
        .pay
        .checkout(
            &order("P100", 1234),
            &CheckoutChannel::WechatJsapi {
                openid: "oBuyer1".into(),
            },
        )
        .unwrap();
    assert_eq!(json["signType"], "RSA");
    assert!(json["paySign"].is_string());
}

#[test]
fn h5_prepay_returns_the_cashier_url() {
    let w = world();
    let url = w.pay.h5_prepay(&order("P101", 50), "203.0.113.7").unwrap();
    assert!(url.contains("prepay_id=wxP101"), "{url}");
    let json = w
        .pay
        .checkout(
            &order("P102", 50),
            &CheckoutChannel::WechatH5 {
                client_ip: "203.0.113.7".into(),
            },
        )
        .unwrap();
    assert!(json["h5_url"].is_string());
}

#[test]
fn query_and_close() {
    let w = world();
    assert_eq!(w.pay.query_trade("NEVER").unwrap(), TradeState::Closed);
    w.pay.jsapi_prepay(&order("P200", 800), "oBuyer1").unwrap();
    assert_eq!(w.pay.query_trade("P200").unwrap(), TradeState::Open);
    w.sim.pay("P200", "oBuyer9");
    match w.pay.query_trade("P200").unwrap() {
        TradeState::Paid {
            amount,
            payer,
            trade_no,
        } => {
            assert_eq!((amount, payer.as_str()), (Fen(800), "oBuyer9"));
            assert!(trade_no.starts_with("4200"));
        }
        other => panic!("{other:?}"),
    }
    w.pay.jsapi_prepay(&order("P201", 800), "oBuyer1").unwrap();
    w.pay.close_trade("P201").unwrap();
    assert_eq!(w.pay.query_trade("P201").unwrap(), TradeState::Closed);
    let paid_close = w.pay.close_trade("P200").unwrap_err();
    assert!(
        matches!(
            paid_close,
            AppError::Conflict {
                code: "gateway_refused",
                ..
            }
        ),
        "{paid_close:?}"
    );
}

#[test]
fn full_and_partial_refunds_and_a_refused_one() {
    let w = world();
    paid(&w, "P300", 1000);
    let first = w
        .pay
        .refund("P300", "R1", Fen(300), Fen(1000), Some("size"))
        .unwrap();
    assert!(matches!(first, RefundAnswer::Succeeded { .. }), "{first:?}");
    // The same refund number again is the same refund, not a second one.
    assert_eq!(
        w.pay
            .refund("P300", "R1", Fen(300), Fen(1000), None)
            .unwrap(),
        first
    );
    assert_eq!(w.sim.trade("P300").unwrap().refunded, 300);
    assert_eq!(w.pay.query_refund("R1").unwrap(), first);
    let rest = w
        .pay
        .refund("P300", "R2", Fen(700), Fen(1000), None)
        .unwrap();
    assert!(matches!(rest, RefundAnswer::Succeeded { .. }));
    assert_eq!(w.pay.query_trade("P300").unwrap(), TradeState::Refunded);
    let too_much = w.pay.refund("P300", "R3", Fen(1), Fen(1000), None).unwrap();
    assert!(
        matches!(too_much, RefundAnswer::Refused { ref reason } if reason.starts_with("INVALID_REQUEST")),
        "{too_much:?}"
    );

    paid(&w, "P301", 500);
    w.sim
        .fail_next(Fault::Refuse(403, "NOT_ENOUGH", "基本账户余额不足"));
    assert_eq!(
        w.pay
            .refund("P301", "R4", Fen(500), Fen(500), None)
            .unwrap(),
        RefundAnswer::Refused {
            reason: "NOT_ENOUGH: 基本账户余额不足".into()
        }
    );
    w.sim.fail_next(Fault::ServerError);
    let error = w
        .pay
        .refund("P301", "R4", Fen(500), Fen(500), None)
        .unwrap_err();
    assert!(matches!(error, AppError::Unavailable { .. }), "{error:?}");
    assert_eq!(w.sim.trade("P301").unwrap().refunded, 0);
}

#[test]
fn payouts_succeed_are_refused_and_survive_a_timeout_without_paying_twice() {
    let w = world();
    let payee = TransferPayee {
        openid: "oShop1",
        user_name: Some("张三"),
    };
    let paid = w.pay.payout("B1", &payee, Fen(20_000), "佣金").unwrap();
    assert!(matches!(paid, PayoutOutcome::Paid { .. }), "{paid:?}");
    let transfer = w.sim.transfer("B1").unwrap();
    assert_eq!(
        transfer.user_name.as_deref(),
        Some("张三"),
        "the name was encrypted for WeChat"
    );
    assert_eq!(transfer.amount, 20_000);
    assert_eq!(w.pay.query_payout("B1").unwrap(), paid);
    assert!(matches!(
        w.pay.query_payout("B404"),
        Err(AppError::NotFound { .. })
    ));

    w.sim
        .fail_next(Fault::Refuse(400, "INVALID_REQUEST", "收款用户未实名"));
    let refused = w.pay.payout("B2", &payee, Fen(100), "佣金").unwrap();
    assert_eq!(
        refused,
        PayoutOutcome::Refused {
            reason: "INVALID_REQUEST: 收款用户未实名".into()
        }
    );

    let before = w.sim.transfers_executed();
    w.sim.fail_next(Fault::SlowAnswer);
    let timeout = w
        .pay
        .payout(
            "B3",
            &TransferPayee {
                openid: "oShop2",
                user_name: None,
            },
            Fen(300),
            "佣金",
        )
        .unwrap_err();
    assert!(
        matches!(timeout, AppError::Unavailable { .. }),
        "{timeout:?}"
    );
    let retried = w
        .pay
        .payout(
            "B3",
            &TransferPayee {
                openid: "oShop2",
                user_name: None,
            },
            Fen(300),
            "佣金",
        )
        .unwrap();
    assert!(matches!(retried, PayoutOutcome::Paid { .. }));
    assert_eq!(w.sim.transfers_executed(), before + 1, "paid once");
}

#[test]
fn a_payout_waiting_for_the_payee_hands_over_the_package_to_confirm() {
    let w = world();
    w.sim.require_confirmation(true);
    let payee = TransferPayee {
        openid: "oShop3",
        user_name: None,
    };
    match w.pay.payout("B5", &payee, Fen(800), "佣金").unwrap() {
        PayoutOutcome::Pending {
            payout_ref,
            user_confirmation,
        } => {
            assert_eq!(user_confirmation, Some(format!("pkg-{payout_ref}")));
        }
        other => panic!("{other:?}"),
    }
    w.sim.confirm("B5");
    assert!(matches!(
        w.pay.query_payout("B5").unwrap(),
        PayoutOutcome::Paid { .. }
    ));
}

#[test]
fn notifications_are_verified_and_decrypted() {
    let w = world();
    paid(&w, "P400", 1234);
    let (headers, body) = w.sim.paid_notification("P400", Signing::Good);
    match w
        .pay
        .verify_notification(&header_map(&headers), &body)
        .unwrap()
    {
        Notification::Paid {
            payment_no,
            amount,
            payer,
            trade_no,
            event_id,
        } => {
            assert_eq!(
                (payment_no.as_str(), amount, payer.as_str()),
                ("P400", Fen(1234), "oBuyer1")
            );
            assert!(trade_no.starts_with("4200") && event_id.starts_with("EV-"));
        }
        other => panic!("{other:?}"),
    }
    w.pay
        .refund("P400", "R9", Fen(234), Fen(1234), None)
        .unwrap();
    let (headers, body) = w.sim.refund_notification("R9", "SUCCESS");
    let refund = w
        .pay
        .verify_notification(&header_map(&headers), &body)
        .unwrap();
    assert!(
        matches!(refund, Notification::Refund { ref refund_no, outcome: RefundAnswer::Succeeded { .. }, .. } if refund_no == "R9"),
        "{refund:?}"
    );
    let (headers, body) = w.sim.refund_notification("R9", "ABNORMAL");
    let abnormal = w
        .pay
        .verify_notification(&header_map(&headers), &body)
        .unwrap();
    assert!(matches!(
        abnormal,
        Notification::Refund {
            outcome: RefundAnswer::Refused { .. },
            ..
        }
    ));
}

fn assert_invalid_signature(result: xiaopu::error::AppResult<Notification>) {
    assert!(
        matches!(
            result,
            Err(AppError::Unauthorized {
                code: "invalid_signature"
            })
        ),
        "{result:?}"
    );
}

#[test]
fn forged_notifications_are_refused() {
    let w = world();
    paid(&w, "P500", 100);
    let (headers, body) = w.sim.paid_notification("P500", Signing::Good);
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'S').unwrap();
    tampered[at] = b'X';
    assert_invalid_signature(w.pay.verify_notification(&header_map(&headers), &tampered));
    for signing in [Signing::Rogue, Signing::UnknownSerial, Signing::Stale] {
        let (headers, body) = w.sim.paid_notification("P500", signing);
        assert_invalid_signature(w.pay.verify_notification(&header_map(&headers), &body));
    }
    assert_invalid_signature(w.pay.verify_notification(&HeaderMap::new(), &body));

    // Signed by WeChat but encrypted under another APIv3 key: our key is wrong, 400.
    let mut other = w.settings.clone();
    other.api_v3_key_path = None;
    other.api_v3_key = Some("ANOTHERkey0123456789abcdefABCDEF".into());
    let other = WechatPay::from_settings(&other).unwrap();
    let error = other
        .verify_notification(&header_map(&headers), &body)
        .unwrap_err();
    assert!(
        matches!(
            error,
            AppError::BadRequest {
                code: "undecryptable_notification",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn answers_not_signed_by_wechat_are_refused() {
    let w = world();
    for signing in [Signing::Rogue, Signing::UnknownSerial, Signing::Stale] {
        w.sim.sign_answers(signing);
        let error = w
            .pay
            .jsapi_prepay(&order("P600", 100), "oBuyer1")
            .unwrap_err();
        assert!(
            matches!(error, AppError::Internal(ref m) if m.contains("answer refused")),
            "{error:?}"
        );
    }
}

#[test]
fn a_request_signed_with_the_wrong_key_is_refused_by_wechat() {
    let w = world();
    let mut settings = w.settings.clone();
    settings.merchant_private_key_path = super::fixture("rogue_private.pem");
    let rogue = WechatPay::from_settings(&settings).unwrap();
    let error = rogue.query_trade("P700").unwrap_err();
    match error {
        AppError::Internal(message) => assert!(message.contains("SIGN_ERROR"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_trade_bill_is_downloaded_checked_and_read() {
    let w = world();
    paid(&w, "P800", 1000);
    paid(&w, "P801", 250);
    w.pay
        .refund("P800", "R80", Fen(400), Fen(1000), None)
        .unwrap();
    let day = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    let mut lines = w.pay.trade_bill(day).unwrap();
    lines.sort_by(|a, b| (&a.payment_no, a.amount).cmp(&(&b.payment_no, b.amount)));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        (
            lines[0].kind,
            lines[0].amount,
            lines[0].refund_no.as_deref()
        ),
        (BillKind::Refund, Fen(400), Some("R80"))
    );
    assert_eq!(
        (lines[1].kind, lines[1].amount),
        (BillKind::Payment, Fen(1000))
    );
    assert_eq!(
        (lines[2].payment_no.as_str(), lines[2].amount),
        ("P801", Fen(250))
    );
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    let w = world();
    let mut settings = w.settings.clone();
    settings.api_v3_key_path = None;
    settings.api_v3_key = Some(API_V3_KEY.into());
    let shown = format!(
        "{settings:?} {:?}",
        WechatPay::from_settings(&settings).unwrap()
    );
    assert!(
        !shown.contains(API_V3_KEY) && !shown.contains("PRIVATE KEY"),
        "{shown}"
    );
    assert!(shown.contains("<redacted>"));

    settings.merchant_private_key_path = "/nonexistent/apiclient_key.pem".into();
    let error = WechatPay::from_settings(&settings).unwrap_err();
    assert!(
        error.starts_with("payments.wechat.merchant_private_key_path: cannot read"),
        "{error}"
    );
    let mut short = w.settings.clone();
    short.api_v3_key_path = None;
    short.api_v3_key = Some("tooshort-secret".into());
    let error = WechatPay::from_settings(&short).unwrap_err();
    assert!(
        error.starts_with("payments.wechat.api_v3_key:") && !error.contains("tooshort-secret"),
        "{error}"
    );
    let mut missing = w.settings.clone();
    missing.api_v3_key_path = None;
    assert!(WechatPay::from_settings(&missing)
        .unwrap_err()
        .contains("missing"));

    w.sim.fail_next(Fault::ServerError);
    let error = w.pay.query_trade("P900").unwrap_err().to_string();
    assert!(
        !error.contains(API_V3_KEY) && !error.contains("SYSTEM_ERROR"),
        "no body in {error}"
    );
}

//! Alipay adapter against the simulator.

use chrono::{NaiveDate, TimeDelta};
use xiaopu::clock::Clock;
use xiaopu::error::AppError;
use xiaopu::money::Fen;
use xiaopu::payments::alipay::{Alipay, Payee};
use xiaopu::payments::rails::{
    BillKind, CheckoutChannel, CheckoutOrder, Notification, PayoutOutcome, RefundAnswer, TradeState,
};

use super::alipay_sim::{AlipaySim, Fault};

fn world() -> (AlipaySim, Alipay) {
    let sim = AlipaySim::start();
    let alipay = Alipay::from_settings(&sim.settings()).expect("the simulator's app");
    (sim, alipay)
}

fn order(no: &str, fen: i64) -> CheckoutOrder {
    CheckoutOrder {
        payment_no: no.to_owned(),
        description: "青花瓷杯 & 茶托".to_owned(),
        amount: Fen(fen),
        expires_at: Clock::system().now() + TimeDelta::minutes(30),
    }
}

/// The buyer's browser opens the cashier URL.
fn open(url: &str) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent.get(url).call().unwrap().status().as_u16()
}

fn paid(sim: &AlipaySim, alipay: &Alipay, no: &str, fen: i64) {
    assert_eq!(
        open(
            &alipay
                .wap_pay_url(&order(no, fen), "https://shop.example/r")
                .unwrap()
        ),
        200
    );
    sim.pay(no);
}

#[test]
fn the_wap_url_is_signed_and_accepted() {
    let (sim, alipay) = world();
    let url = alipay
        .wap_pay_url(&order("A100", 1234), "https://shop.example/return")
        .unwrap();
    assert!(
        url.starts_with(&sim.gateway_url) && url.contains("sign="),
        "{url}"
    );
    assert!(url.contains("12.34"), "total_amount in yuan: {url}");
    assert_eq!(open(&url), 200);
    assert_eq!(sim.trade("A100").unwrap().amount, 1234);
    // Changing the amount breaks the signature.
    assert_eq!(open(&url.replace("12.34", "0.01")), 400);
    let json = alipay
        .checkout(
            &order("A101", 5),
            &CheckoutChannel::AlipayWap {
                return_url: "https://shop.example/r".into(),
            },
        )
        .unwrap();
    assert!(json["pay_url"].as_str().unwrap().contains("0.05"));
}

#[test]
fn query_and_close() {
    let (sim, alipay) = world();
    assert_eq!(
        alipay.query_trade("A200").unwrap(),
        TradeState::Open,
        "not opened yet"
    );
    paid(&sim, &alipay, "A200", 990);
    match alipay.query_trade("A200").unwrap() {
        TradeState::Paid { amount, payer, .. } => {
            assert_eq!((amount, payer.as_str()), (Fen(990), "2088102177846880"))
        }
        other => panic!("{other:?}"),
    }
    open(
        &alipay
            .wap_pay_url(&order("A201", 10), "https://shop.example/r")
            .unwrap(),
    );
    alipay.close_trade("A201").unwrap();
    assert_eq!(alipay.query_trade("A201").unwrap(), TradeState::Closed);
    alipay.close_trade("A299").unwrap();
    assert!(matches!(
        alipay.close_trade("A200"),
        Err(AppError::Conflict { .. })
    ));
}

#[test]
fn full_and_partial_refunds_and_refused_ones() {
    let (sim, alipay) = world();
    paid(&sim, &alipay, "A300", 1000);
    let first = alipay
        .refund("A300", "AR1", Fen(250), Some("尺码"))
        .unwrap();
    assert!(matches!(first, RefundAnswer::Succeeded { .. }), "{first:?}");
    // Alipay answers a repeat with fund_change N: nothing moved this time.
    assert!(matches!(
        alipay.refund("A300", "AR1", Fen(250), None).unwrap(),
        RefundAnswer::Pending { .. }
    ));
    assert_eq!(sim.trade("A300").unwrap().refunded, 250);
    assert!(matches!(
        alipay.query_refund("A300", "AR1").unwrap(),
        RefundAnswer::Succeeded { .. }
    ));
    assert!(matches!(
        alipay.query_refund("A300", "AR404").unwrap(),
        RefundAnswer::Refused { .. }
    ));
    assert!(matches!(
        alipay.refund("A300", "AR2", Fen(750), None).unwrap(),
        RefundAnswer::Succeeded { .. }
    ));
    assert_eq!(alipay.query_trade("A300").unwrap(), TradeState::Closed);
    assert_eq!(
        alipay.refund("A300", "AR3", Fen(1), None).unwrap(),
        RefundAnswer::Refused {
            reason: "ACQ.TRADE_HAS_CLOSE: 交易已经关闭".into()
        }
    );
    paid(&sim, &alipay, "A301", 100);
    sim.fail_next(Fault::Refuse(
        "ACQ.SELLER_BALANCE_NOT_ENOUGH",
        "卖家余额不足",
    ));
    assert!(matches!(
        alipay.refund("A301", "AR4", Fen(100), None).unwrap(),
        RefundAnswer::Refused { .. }
    ));
    sim.fail_next(Fault::Unavailable);
    assert!(matches!(
        alipay.refund("A301", "AR4", Fen(100), None),
        Err(AppError::Unavailable { .. })
    ));
    sim.fail_next(Fault::BadGateway);
    assert!(matches!(
        alipay.refund("A301", "AR4", Fen(100), None),
        Err(AppError::Unavailable { .. })
    ));
    assert_eq!(sim.trade("A301").unwrap().refunded, 0);
}

#[test]
fn payouts_succeed_are_refused_and_survive_a_timeout_without_paying_twice() {
    let (sim, alipay) = world();
    let account = Payee::LogonId {
        logon_id: "shop@example.com".into(),
        name: "张三".into(),
    };
    let paid = alipay.payout("AB1", &account, Fen(12_345), "佣金").unwrap();
    assert!(matches!(paid, PayoutOutcome::Paid { .. }), "{paid:?}");
    assert_eq!(sim.transfer("AB1").unwrap().amount, 12_345);
    assert_eq!(sim.transfer("AB1").unwrap().name, "张三");
    assert_eq!(alipay.query_payout("AB1", &account).unwrap(), paid);
    assert!(matches!(
        alipay.query_payout("AB404", &account),
        Err(AppError::NotFound { .. })
    ));
    let card = Payee::BankCard {
        card_no: "6222020000000000000".into(),
        name: "李四".into(),
    };
    assert!(matches!(
        alipay.payout("AB2", &card, Fen(100), "佣金").unwrap(),
        PayoutOutcome::Paid { .. }
    ));
    assert_eq!(
        sim.transfer("AB2").unwrap().identity_type,
        "BANKCARD_ACCOUNT"
    );

    sim.fail_next(Fault::Refuse("PAYEE_USERINFO_ERROR", "收款方姓名不匹配"));
    assert_eq!(
        alipay.payout("AB3", &account, Fen(100), "佣金").unwrap(),
        PayoutOutcome::Refused {
            reason: "PAYEE_USERINFO_ERROR: 收款方姓名不匹配".into()
        }
    );
    let before = sim.transfers_executed();
    sim.fail_next(Fault::SlowAnswer);
    assert!(matches!(
        alipay.payout("AB4", &account, Fen(500), "佣金"),
        Err(AppError::Unavailable { .. })
    ));
    assert!(matches!(
        alipay.payout("AB4", &account, Fen(500), "佣金").unwrap(),
        PayoutOutcome::Paid { .. }
    ));
    assert_eq!(sim.transfers_executed(), before + 1, "paid once");
}

#[test]
fn notifications_are_verified() {
    let (sim, alipay) = world();
    paid(&sim, &alipay, "A400", 1234);
    match alipay
        .verify_notification(&sim.paid_notification("A400", |_| {}, false))
        .unwrap()
    {
        Notification::Paid {
            payment_no,
            amount,
            payer,
            event_id,
            ..
        } => {
            assert_eq!(
                (payment_no.as_str(), amount, payer.as_str()),
                ("A400", Fen(1234), "2088102177846880")
            );
            assert!(event_id.starts_with("ntf"));
        }
        other => panic!("{other:?}"),
    }
    alipay.refund("A400", "AR40", Fen(34), None).unwrap();
    let refund = alipay
        .verify_notification(&sim.refund_notification("A400", "AR40"))
        .unwrap();
    assert!(
        matches!(refund, Notification::Refund { ref refund_no, outcome: RefundAnswer::Succeeded { .. }, .. } if refund_no == "AR40"),
        "{refund:?}"
    );
}

#[test]
fn forged_and_misdirected_notifications_are_refused() {
    let (sim, alipay) = world();
    paid(&sim, &alipay, "A500", 100);
    let invalid = |result: xiaopu::error::AppResult<Notification>| {
        assert!(
            matches!(
                result,
                Err(AppError::Unauthorized {
                    code: "invalid_signature"
                })
            ),
            "{result:?}"
        );
    };
    let body = String::from_utf8(sim.paid_notification("A500", |_| {}, false)).unwrap();
    invalid(
        alipay.verify_notification(
            body.replace("total_amount=1.00", "total_amount=9.00")
                .as_bytes(),
        ),
    );
    invalid(alipay.verify_notification(&sim.paid_notification("A500", |_| {}, true)));
    let unsigned: String = body
        .split('&')
        .filter(|p| !p.starts_with("sign="))
        .collect::<Vec<_>>()
        .join("&");
    invalid(alipay.verify_notification(unsigned.as_bytes()));
    for (key, value) in [
        ("app_id", "2021999999999999"),
        ("seller_id", "2088999999999999"),
    ] {
        let other = sim.paid_notification(
            "A500",
            |p| {
                p.insert(key.into(), value.into());
            },
            false,
        );
        let error = alipay.verify_notification(&other).unwrap_err();
        assert!(
            matches!(
                error,
                AppError::BadRequest {
                    code: "wrong_merchant",
                    ..
                }
            ),
            "{error:?}"
        );
    }
}

#[test]
fn answers_not_signed_by_alipay_are_refused_and_ours_are_checked() {
    let (sim, alipay) = world();
    sim.sign_answers_with_rogue_key(true);
    let error = alipay.query_trade("A600").unwrap_err();
    assert!(
        matches!(error, AppError::Internal(ref m) if m.contains("answer refused")),
        "{error:?}"
    );
    sim.sign_answers_with_rogue_key(false);

    let mut settings = sim.settings();
    settings.app_private_key_path = super::fixture("rogue_private.pem");
    let rogue = Alipay::from_settings(&settings).unwrap();
    let error = rogue.query_trade("A600").unwrap_err();
    assert!(
        matches!(error, AppError::Internal(ref m) if m.contains("40002")),
        "{error:?}"
    );
}

#[test]
fn the_zipped_gbk_bill_is_read() {
    let (sim, alipay) = world();
    paid(&sim, &alipay, "A800", 1000);
    paid(&sim, &alipay, "A801", 1);
    alipay.refund("A800", "AR80", Fen(400), None).unwrap();
    let mut lines = alipay
        .trade_bill(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap())
        .unwrap();
    lines.sort_by(|a, b| (&a.payment_no, a.amount).cmp(&(&b.payment_no, b.amount)));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        (
            lines[0].kind,
            lines[0].amount,
            lines[0].refund_no.as_deref()
        ),
        (BillKind::Refund, Fen(400), Some("AR80"))
    );
    assert_eq!(
        (lines[1].kind, lines[1].amount),
        (BillKind::Payment, Fen(1000))
    );
    assert_eq!(
        (lines[2].payment_no.as_str(), lines[2].amount),
        ("A801", Fen(1))
    );
    assert!(lines[1].trade_no.starts_with("2030"));
}

#[test]
fn key_errors_name_the_setting() {
    let (sim, alipay) = world();
    let shown = format!("{:?} {alipay:?}", sim.settings());
    assert!(!shown.contains("PRIVATE KEY"));
    let mut settings = sim.settings();
    settings.alipay_public_key_path = "/nonexistent/alipay.pem".into();
    let error = Alipay::from_settings(&settings).unwrap_err();
    assert!(
        error.starts_with("payments.alipay.alipay_public_key_path: cannot read"),
        "{error}"
    );
    let mut settings = sim.settings();
    settings.app_private_key_path = super::fixture("alipay_app_public.pem");
    let error = Alipay::from_settings(&settings).unwrap_err();
    assert!(
        error.contains("payments.alipay.app_private_key_path") && !error.contains("BEGIN"),
        "{error}"
    );
}

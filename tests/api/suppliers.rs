use diesel::prelude::*;
use serde_json::json;
use xiaopu::clock::Clock;
use xiaopu::jobs::{Job, RunReport};
use xiaopu::ledger::accounts;

use crate::support::{
    ago, application_body, assert_refused_by_field, SupplierFixture, TestApp, CREDIT_CODES,
    FOOD_SNACKS_DEPOSIT,
};
use crate::worlds::{
    age_receipt, buyer_case_post, decide_dispute, fee_market, make_overdue, market, open_case,
    paid_order, received_order, run_job, settled_order, supplier_post, withdraw,
};

#[actix_web::test]
async fn applications_breaking_an_entry_rule_are_refused_by_field() {
    let app = TestApp::start().await;
    let member = app.signed_in("s@b.cn").await;
    type Change = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "registered_capital_fen",
            Box::new(|b| b["registered_capital_fen"] = json!(99_999_999)),
            "below_minimum",
        ),
        (
            "general_taxpayer",
            Box::new(|b| b["general_taxpayer"] = json!(false)),
            "required",
        ),
        (
            "brand_authorisations[0].chain",
            Box::new(|b| b["brand_authorisations"][0]["chain"] = json!(["a", "b", "c", "d"])),
            "chain_too_long",
        ),
        (
            "brand_authorisations[0].valid_until",
            Box::new(|b| b["brand_authorisations"][0]["valid_until"] = json!("2020-01-01")),
            "expired",
        ),
        (
            "credit_code",
            Box::new(|b| b["credit_code"] = json!("91350100M000100Y44")),
            "invalid_format",
        ),
        (
            "categories[0]",
            Box::new(|b| b["categories"] = json!(["weapons"])),
            "unknown_category",
        ),
        (
            "brand_authorisations",
            Box::new(|b| {
                b["brand_authorisations"] = json!([]);
                b["procurement_vouchers"] = json!([]);
            }),
            "required",
        ),
        (
            "contact.phone",
            Box::new(|b| b["contact"]["phone"] = json!("call me")),
            "invalid_format",
        ),
    ];
    for (field, change, code) in cases {
        let mut body = application_body(CREDIT_CODES[0]);
        change(&mut body);
        let reply = app
            .post("/api/v1/supplier/applications", &body, Some(&member.access))
            .await;
        assert_refused_by_field(&reply, field, code);
    }
    // Three levels are allowed.
    let mut body = application_body(CREDIT_CODES[0]);
    body["brand_authorisations"][0]["chain"] = json!(["a", "b", "c"]);
    assert_eq!(
        app.post("/api/v1/supplier/applications", &body, Some(&member.access))
            .await
            .status,
        201
    );
    let again = app
        .post("/api/v1/supplier/applications", &body, Some(&member.access))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "application_pending");
    let mine = app
        .get("/api/v1/supplier/applications", Some(&member.access))
        .await
        .json();
    assert_eq!(mine["total"], 1);
}

#[actix_web::test]
async fn review_approves_into_an_inactive_supplier_or_rejects_with_a_reason() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("root@xiaopu.cn").await;
    let first = app.signed_in("first@b.cn").await;
    let second = app.signed_in("second@b.cn").await;
    let a = app.apply_as_supplier(&first, CREDIT_CODES[0]).await.id();
    let b = app.apply_as_supplier(&second, CREDIT_CODES[1]).await.id();

    let pending = app
        .get_json(
            "/api/v1/admin/supplier-applications?status=pending",
            Some(&admin.access),
        )
        .await;
    assert_eq!(pending["total"], 2);
    assert_eq!(
        app.get(
            "/api/v1/admin/supplier-applications?status=bogus",
            Some(&admin.access)
        )
        .await
        .status,
        400
    );

    let approved = app
        .decide_application(&admin, a, "approve", &json!({}))
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    let supplier = approved.json();
    assert_eq!(
        supplier["active"], false,
        "inactive until the deposit is paid in"
    );
    assert_eq!(supplier["required_deposit_fen"], FOOD_SNACKS_DEPOSIT);
    let me = app.get("/api/v1/me", Some(&first.access)).await.json();
    assert_eq!(me["roles"], json!(["buyer", "supplier"]));
    let twice = app
        .decide_application(&admin, a, "approve", &json!({}))
        .await;
    assert_eq!(twice.code(), "already_decided");

    let no_reason = app
        .decide_application(&admin, b, "reject", &json!({"reason": ""}))
        .await;
    assert_eq!(no_reason.status, 422);
    let rejected = app
        .decide_application(
            &admin,
            b,
            "reject",
            &json!({"reason": "vouchers unreadable"}),
        )
        .await;
    assert_eq!(rejected.status, 200);
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(rejected.json()["reject_reason"], "vouchers unreadable");
    assert_eq!(
        app.decide_application(&admin, 99999, "approve", &json!({}))
            .await
            .status,
        404
    );

    // Decisions are audited with their request id.
    let audited: Vec<(String, Option<String>)> = app
        .db_read(|conn| {
            use xiaopu::db::schema::audit_events::dsl::*;
            Ok(audit_events
                .filter(action.like("supplier_application.%"))
                .order(id)
                .select((action, request_id))
                .load(conn)?)
        })
        .await;
    assert_eq!(audited.len(), 2);
    assert!(audited
        .iter()
        .all(|(_, request)| request.as_ref().is_some_and(|r| r.len() == 36)));
}

#[actix_web::test]
async fn the_deposit_makes_a_supplier_active_and_deductions_can_stop_it() {
    let app = TestApp::start().await;
    let supplier = app.approved_supplier("s@b.cn", CREDIT_CODES[0], None).await;
    let deposit = app
        .get_json("/api/v1/supplier/deposit", Some(&supplier.member.access))
        .await;
    assert_eq!(
        (
            deposit["balance_fen"].as_i64(),
            deposit["shortfall_fen"].as_i64()
        ),
        (Some(0), Some(FOOD_SNACKS_DEPOSIT))
    );
    assert_eq!(deposit["supplier"]["active"], false);

    let paid = app
        .pay_deposit(&supplier, FOOD_SNACKS_DEPOSIT, "BANK-1")
        .await
        .json();
    assert_eq!(paid["supplier"]["active"], true);
    assert_eq!(paid["balance_fen"], FOOD_SNACKS_DEPOSIT);
    // A retried request records once; the same reference with another amount is a conflict.
    assert_eq!(
        app.pay_deposit(&supplier, FOOD_SNACKS_DEPOSIT, "BANK-1")
            .await
            .json()["balance_fen"],
        FOOD_SNACKS_DEPOSIT
    );
    assert_eq!(app.pay_deposit(&supplier, 5, "BANK-1").await.status, 409);

    let path = format!(
        "/api/v1/admin/suppliers/{}/deposit/deductions",
        supplier.supplier_id
    );
    let deduct = |amount: i64, case: &'static str| {
        let path = path.clone();
        let admin = supplier.admin.access.clone();
        let app = &app;
        async move {
            let body = json!({"amount_fen": amount, "kind": "penalty", "reason": "fake tracking number", "case_reference": case});
            app.post(&path, &body, Some(&admin)).await
        }
    };
    let first = deduct(600_000, "V-1").await.json();
    assert_eq!(first["deducted_fen"], 600_000);
    assert_eq!(first["deposit"]["balance_fen"], 900_000);
    assert_eq!(
        first["deposit"]["supplier"]["active"], false,
        "below the required deposit"
    );

    let beyond = deduct(2_000_000, "V-2").await.json();
    assert_eq!(
        (beyond["deducted_fen"].as_i64(), beyond["owed_fen"].as_i64()),
        (Some(900_000), Some(1_100_000))
    );
    assert_eq!(beyond["deposit"]["balance_fen"], 0, "never negative");
    assert_eq!(
        beyond["deposit"]["shortfall_fen"],
        1_100_000 + FOOD_SNACKS_DEPOSIT
    );

    // A payment settles what is owed first.
    let topped = app.pay_deposit(&supplier, 2_000_000, "BANK-2").await.json();
    assert_eq!(
        (topped["owed_fen"].as_i64(), topped["balance_fen"].as_i64()),
        (Some(0), Some(900_000))
    );
    assert_eq!(topped["supplier"]["active"], false);
    let admin_view = |active: bool| {
        let (app, token) = (&app, supplier.admin.access.clone());
        async move {
            app.get(
                &format!("/api/v1/admin/suppliers?active={active}"),
                Some(&token),
            )
            .await
            .json()["total"]
                .clone()
        }
    };
    assert_eq!(
        (admin_view(true).await, admin_view(false).await),
        (json!(0), json!(1))
    );
    let topped = app.pay_deposit(&supplier, 600_000, "BANK-3").await.json();
    assert_eq!(topped["supplier"]["active"], true);
    assert_eq!(
        (admin_view(true).await, admin_view(false).await),
        (json!(1), json!(0))
    );
    let kinds: Vec<&str> = topped["entries"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "deposit_payment",
            "deposit_payment",
            "deposit_deduction",
            "deposit_deduction",
            "deposit_payment"
        ]
    );

    let summary = app.ledger_check().await.expect("ledger balances");
    assert_eq!(summary.postings, 5);
}

#[actix_web::test]
async fn only_suppliers_and_admins_reach_their_routes() {
    let app = TestApp::start().await;
    let buyer = app.signed_in("buyer@b.cn").await;
    let supplier = app.approved_supplier("s@b.cn", CREDIT_CODES[0], None).await;
    for path in ["/api/v1/supplier/deposit"] {
        let reply = app.get(path, Some(&buyer.access)).await;
        assert_eq!(
            (reply.status, reply.code()),
            (403, "role_required".to_owned()),
            "{path}"
        );
    }
    assert_eq!(
        app.post("/api/v1/supplier/exit", &json!({}), Some(&buyer.access))
            .await
            .status,
        403
    );
    for token in [&buyer.access, &supplier.member.access] {
        assert_eq!(
            app.get("/api/v1/admin/supplier-applications", Some(token))
                .await
                .status,
            403
        );
        let pay = app
            .post(
                &format!(
                    "/api/v1/admin/suppliers/{}/deposit/payments",
                    supplier.supplier_id
                ),
                &json!({"amount_fen": 1, "reference": "x"}),
                Some(token),
            )
            .await;
        assert_eq!(pay.status, 403);
    }
    assert_eq!(app.get("/api/v1/supplier/deposit", None).await.status, 401);
}

#[actix_web::test]
async fn an_exit_refunds_the_deposit_after_the_clearance_period() {
    let app = TestApp::builder()
        .with_settings(|s| s.suppliers.exit_clearance_days = 0)
        .start()
        .await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let exit = app.request_exit(&supplier).await;
    assert_eq!(exit.status, 200, "{}", exit.text);
    assert_eq!(
        (
            exit.json()["status"].as_str(),
            exit.json()["active"].as_bool()
        ),
        (Some("exiting"), Some(false))
    );
    assert_eq!(app.request_exit(&supplier).await.code(), "exit_in_progress");
    assert_eq!(
        deposit(&app, &supplier).await["exit_held_by"],
        held_by(0, 0, 0)
    );

    let run_exits = || {
        let claim_window = app.state.settings.aftersales.claim_window();
        app.state.db.write(move |conn| {
            xiaopu::settlement::exits::run_due_exits(
                conn,
                claim_window,
                &xiaopu::audit::Actor::system(Clock::system().now()),
            )
        })
    };
    assert_eq!(
        run_exits().await.unwrap(),
        [(
            supplier.supplier_id,
            xiaopu::money::Fen(FOOD_SNACKS_DEPOSIT)
        )]
    );
    let exited = deposit(&app, &supplier).await;
    assert_eq!(exited["balance_fen"], 0);
    assert_eq!(exited["supplier"]["status"], "exited");
    assert_eq!(exited["exit_held_by"], serde_json::Value::Null);
    // Running the job again finds nothing to do.
    assert!(run_exits().await.unwrap().is_empty());
    app.ledger_check().await.expect("ledger balances");
}

/// `exit_held_by` as the deposit view shows it.
fn held_by(parts: i64, cases: i64, disputes: i64) -> serde_json::Value {
    json!({"open_parts": parts, "open_aftersales_cases": cases, "open_disputes": disputes})
}

/// Runs the exits job, which closes nothing, and checks what holds the supplier's exit.
async fn assert_exit_held_by(app: &TestApp, supplier: &SupplierFixture, held: serde_json::Value) {
    assert_eq!(run_exit_job(app).await, 0);
    assert_eq!(deposit(app, supplier).await["exit_held_by"], held);
}

async fn deposit(app: &TestApp, supplier: &SupplierFixture) -> serde_json::Value {
    app.get_json("/api/v1/supplier/deposit", Some(&supplier.member.access))
        .await
}

/// Starts the supplier's exit and moves the end of its clearance period into the past.
async fn exit_past_clearance(app: &TestApp, supplier: &SupplierFixture) {
    let exit = app.request_exit(supplier).await;
    assert_eq!(exit.status, 200, "{}", exit.text);
    let id = supplier.supplier_id;
    app.db_write(move |conn| {
        use xiaopu::db::schema::suppliers;
        diesel::update(suppliers::table.find(id))
            .set(suppliers::exit_due_at.eq(ago(chrono::Duration::minutes(1))))
            .execute(conn)?;
        Ok(())
    })
    .await;
}

/// Runs the supplier-exits job once: how many suppliers it closed.
async fn run_exit_job(app: &TestApp) -> usize {
    let state = app.state.clone();
    let report = xiaopu::blocking::off_worker(move || {
        xiaopu::jobs::run(&state.job_parts(), Job::SupplierExits, "test")
    })
    .await
    .unwrap()
    .unwrap();
    match report {
        RunReport::Done(closed) => closed,
        RunReport::HeldElsewhere => panic!("nobody else runs jobs in a test"),
    }
}

/// The detail of the supplier's `supplier.exited` audit event.
async fn exit_audit(app: &TestApp, supplier_id: i64) -> serde_json::Value {
    let detail: String = app
        .db_read(move |conn| {
            use xiaopu::db::schema::audit_events::dsl::*;
            Ok(audit_events
                .filter(action.eq("supplier.exited"))
                .filter(subject_id.eq(supplier_id.to_string()))
                .select(detail)
                .first(conn)?)
        })
        .await;
    serde_json::from_str(&detail).unwrap()
}

async fn balance(app: &TestApp, account: xiaopu::ledger::AccountSpec) -> i64 {
    app.db_read(move |conn| xiaopu::ledger::service::balance(conn, &account))
        .await
        .0
}

#[actix_web::test]
async fn an_exit_waits_for_its_aftersales_case_dispute_and_part_to_close() {
    let m = fee_market().await;
    let (app, supplier) = (&m.app, &m.supplier);
    let (order_id, part) = received_order(&m, "exit-case", 1).await;
    let line = m.order(order_id).await["parts"][0]["lines"][0]["id"]
        .as_i64()
        .unwrap();
    let opened = open_case(&m, order_id, part, "refund_only", line, 1).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let case_id = opened.id();
    exit_past_clearance(app, supplier).await;

    assert_eq!(run_exit_job(app).await, 0);
    let held = deposit(app, supplier).await;
    assert_eq!(held["supplier"]["status"], "exiting");
    assert_eq!(held["balance_fen"], FOOD_SNACKS_DEPOSIT);
    assert_eq!(held["exit_held_by"], held_by(1, 1, 0));

    // Rejected, the case still holds the exit while the buyer may escalate it; escalated, it
    // is a dispute until the platform decides.
    let rejected = supplier_post(&m, case_id, "reject", json!({"note": "已签收 signed for"})).await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_exit_held_by(app, supplier, held_by(1, 1, 0)).await;
    let escalated = buyer_case_post(
        &m,
        case_id,
        "escalate",
        json!({"text": "没收到 never arrived"}),
    )
    .await;
    assert_eq!(escalated.status, 200, "{}", escalated.text);
    assert_exit_held_by(app, supplier, held_by(1, 0, 1)).await;
    let decided = decide_dispute(
        &m,
        case_id,
        &supplier.admin,
        json!({"decision": "reject", "note": "证据不足 not enough evidence"}),
    )
    .await;
    assert_eq!(decided.status, 200, "{}", decided.text);

    // The part is received but not settled; settled, it may still get a case until the claim
    // window closes.
    assert_exit_held_by(app, supplier, held_by(1, 0, 0)).await;
    let settings = &app.state.settings;
    age_receipt(&m, part, i64::from(settings.money.settlement_window_days)).await;
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(1));
    assert_exit_held_by(app, supplier, held_by(1, 0, 0)).await;
    app.ledger_check().await.expect("ledger balances");

    age_receipt(&m, part, i64::from(settings.aftersales.claim_window_days)).await;
    let payable = balance(app, accounts::supplier_payable(supplier.supplier_id)).await;
    assert_eq!(run_exit_job(app).await, 1);
    let exited = deposit(app, supplier).await;
    assert_eq!(exited["supplier"]["status"], "exited");
    assert_eq!(exited["balance_fen"], 0);
    assert_eq!(exited["exit_held_by"], serde_json::Value::Null);
    assert_eq!(
        exit_audit(app, supplier.supplier_id).await["refunded_fen"],
        FOOD_SNACKS_DEPOSIT
    );
    // What the platform owes the supplier for its sales is not the deposit's business.
    assert_eq!(
        balance(app, accounts::supplier_payable(supplier.supplier_id)).await,
        payable
    );
    assert_eq!(run_exit_job(app).await, 0);
    app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn an_unshipped_paid_order_and_an_unpaid_one_hold_the_exit() {
    let m = market().await;
    let (app, supplier) = (&m.app, &m.supplier);
    let unpaid = m.place_one("exit-unpaid", 1).await;
    assert_eq!(unpaid.status, 201, "{}", unpaid.text);
    let unpaid = unpaid.id();
    let paid = paid_order(&m, "exit-paid", &[(m.item_id, m.sku_id, 1)]).await;
    exit_past_clearance(app, supplier).await;

    assert_exit_held_by(app, supplier, held_by(2, 0, 0)).await;
    let cancelled = m.buyer_post(paid, "cancel").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    assert_exit_held_by(app, supplier, held_by(1, 0, 0)).await;
    app.ledger_check().await.expect("ledger balances");

    make_overdue(&m, unpaid).await;
    assert_eq!(run_job(&m, Job::CancelUnpaid).await, RunReport::Done(1));
    assert_eq!(run_exit_job(app).await, 1);
    let exited = deposit(app, supplier).await;
    assert_eq!(exited["supplier"]["status"], "exited");
    assert_eq!(exited["balance_fen"], 0);
    assert_eq!(
        exit_audit(app, supplier.supplier_id).await["refunded_fen"],
        FOOD_SNACKS_DEPOSIT
    );
    app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn an_exit_refunds_nothing_when_the_supplier_owes_more_than_its_deposit() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let deducted = app
        .post(
            &format!(
                "/api/v1/admin/suppliers/{}/deposit/deductions",
                supplier.supplier_id
            ),
            &json!({"amount_fen": FOOD_SNACKS_DEPOSIT + 500_000, "kind": "penalty", "reason": "fake tracking number", "case_reference": "V-1"}),
            Some(&supplier.admin.access),
        )
        .await;
    assert_eq!(deducted.json()["owed_fen"], 500_000, "{}", deducted.text);
    let bank = balance(&app, accounts::platform_bank()).await;
    exit_past_clearance(&app, &supplier).await;

    assert_eq!(run_exit_job(&app).await, 1);
    let exited = deposit(&app, &supplier).await;
    assert_eq!(exited["supplier"]["status"], "exited");
    assert_eq!(
        (exited["balance_fen"].as_i64(), exited["owed_fen"].as_i64()),
        (Some(0), Some(500_000)),
        "the rest stays owed"
    );
    assert_eq!(balance(&app, accounts::platform_bank()).await, bank);
    let audit = exit_audit(&app, supplier.supplier_id).await;
    assert_eq!(
        (
            audit["deposit_fen"].as_i64(),
            audit["owed_settled_fen"].as_i64(),
            audit["refunded_fen"].as_i64(),
            audit["still_owed_fen"].as_i64()
        ),
        (Some(0), Some(0), Some(0), Some(500_000))
    );
    assert!(
        audit["why"].as_str().unwrap().contains("stays owed"),
        "{audit}"
    );
    app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn an_exit_refund_nets_a_payable_made_negative_by_a_refund_after_settlement() {
    let m = fee_market().await;
    let (app, supplier) = (&m.app, &m.supplier);
    let id = supplier.supplier_id;
    let (order_id, part) = settled_order(&m, "exit-net", 2).await;
    // The supplier withdraws what it earned; a piece refunded afterwards is owed back.
    let payable = balance(app, accounts::supplier_payable(id)).await;
    let withdrawn = withdraw(
        &m,
        "/api/v1/supplier/withdrawals",
        "exit-w",
        payable,
        "6222021234567890",
    )
    .await;
    assert_eq!(withdrawn.status, 201, "{}", withdrawn.text);
    let line = m.order(order_id).await["parts"][0]["lines"][0]["id"]
        .as_i64()
        .unwrap();
    let case_id = open_case(&m, order_id, part, "refund_only", line, 1)
        .await
        .id();
    let approved = supplier_post(&m, case_id, "approve", json!({})).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    let debt = -balance(app, accounts::supplier_payable(id)).await;
    assert_eq!(debt, 2990 - 598 - 60, "price less commission and fee");

    exit_past_clearance(app, supplier).await;
    age_receipt(
        &m,
        part,
        i64::from(app.state.settings.aftersales.claim_window_days),
    )
    .await;
    let bank = balance(app, accounts::platform_bank()).await;
    assert_eq!(run_exit_job(app).await, 1);
    assert_eq!(balance(app, accounts::supplier_payable(id)).await, 0);
    assert_eq!(balance(app, accounts::supplier_deposit(id)).await, 0);
    assert_eq!(
        balance(app, accounts::platform_bank()).await,
        bank - (FOOD_SNACKS_DEPOSIT - debt)
    );
    let audit = exit_audit(app, id).await;
    assert_eq!(
        (
            audit["deposit_fen"].as_i64(),
            audit["payable_settled_fen"].as_i64(),
            audit["refunded_fen"].as_i64(),
            audit["still_owed_fen"].as_i64()
        ),
        (
            Some(FOOD_SNACKS_DEPOSIT),
            Some(debt),
            Some(FOOD_SNACKS_DEPOSIT - debt),
            Some(0)
        )
    );
    assert_eq!(audit["why"], serde_json::Value::Null);
    app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn ledger_rows_are_append_only_and_the_check_catches_tampering() {
    let app = TestApp::start().await;
    app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let blocked = app
        .db_read(|conn| {
            Ok((
                diesel::sql_query("UPDATE ledger_entries SET amount_fen = amount_fen + 1")
                    .execute(conn)
                    .is_err(),
                diesel::sql_query("DELETE FROM ledger_entries")
                    .execute(conn)
                    .is_err(),
                diesel::sql_query("DELETE FROM ledger_postings")
                    .execute(conn)
                    .is_err(),
            ))
        })
        .await;
    assert_eq!(blocked, (true, true, true));
    // A cached balance edited behind the ledger's back is named by the check.
    app.db_read(|conn| Ok(diesel::sql_query("UPDATE ledger_accounts SET balance_fen = balance_fen + 7 WHERE code LIKE 'supplier/%/deposit'").execute(conn)?)).await;
    let violation = app.ledger_check().await.unwrap_err();
    assert!(
        violation.contains("supplier/") && violation.contains("cached balance"),
        "{violation}"
    );
}

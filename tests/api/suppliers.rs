use diesel::prelude::*;
use serde_json::json;
use xiaopu::clock::Clock;

use crate::support::{application_body, TestApp, CREDIT_CODES, FOOD_SNACKS_DEPOSIT};

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
        assert_eq!(reply.status, 422, "{field}: {}", reply.text);
        let errors = reply.json()["errors"].clone();
        assert!(
            errors
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{field}: {errors}"
        );
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
    let a = app
        .post(
            "/api/v1/supplier/applications",
            &application_body(CREDIT_CODES[0]),
            Some(&first.access),
        )
        .await
        .json()["id"]
        .clone();
    let b = app
        .post(
            "/api/v1/supplier/applications",
            &application_body(CREDIT_CODES[1]),
            Some(&second.access),
        )
        .await
        .json()["id"]
        .clone();

    let pending = app
        .get(
            "/api/v1/admin/supplier-applications?status=pending",
            Some(&admin.access),
        )
        .await;
    assert_eq!(pending.status, 200, "{}", pending.text);
    assert_eq!(pending.json()["total"], 2);
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
        .post(
            &format!("/api/v1/admin/supplier-applications/{a}/approve"),
            &json!({}),
            Some(&admin.access),
        )
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
        .post(
            &format!("/api/v1/admin/supplier-applications/{a}/approve"),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(twice.code(), "already_decided");

    let no_reason = app
        .post(
            &format!("/api/v1/admin/supplier-applications/{b}/reject"),
            &json!({"reason": ""}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(no_reason.status, 422);
    let rejected = app
        .post(
            &format!("/api/v1/admin/supplier-applications/{b}/reject"),
            &json!({"reason": "vouchers unreadable"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(rejected.status, 200);
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(rejected.json()["reject_reason"], "vouchers unreadable");
    assert_eq!(
        app.post(
            "/api/v1/admin/supplier-applications/99999/approve",
            &json!({}),
            Some(&admin.access)
        )
        .await
        .status,
        404
    );

    // Decisions are audited with their request id.
    let audited: Vec<(String, Option<String>)> = app
        .state
        .db
        .read(|conn| {
            use xiaopu::db::schema::audit_events::dsl::*;
            Ok(audit_events
                .filter(action.like("supplier_application.%"))
                .order(id)
                .select((action, request_id))
                .load(conn)?)
        })
        .await
        .unwrap();
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
        .get("/api/v1/supplier/deposit", Some(&supplier.member.access))
        .await;
    assert_eq!(deposit.status, 200, "{}", deposit.text);
    let deposit = deposit.json();
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
    let exit = app
        .post(
            "/api/v1/supplier/exit",
            &json!({}),
            Some(&supplier.member.access),
        )
        .await;
    assert_eq!(exit.status, 200, "{}", exit.text);
    assert_eq!(
        (
            exit.json()["status"].as_str(),
            exit.json()["active"].as_bool()
        ),
        (Some("exiting"), Some(false))
    );
    assert_eq!(
        app.post(
            "/api/v1/supplier/exit",
            &json!({}),
            Some(&supplier.member.access)
        )
        .await
        .code(),
        "exit_in_progress"
    );

    let refunded = app
        .state
        .db
        .write(|conn| {
            xiaopu::suppliers::service::run_due_exits(
                conn,
                &xiaopu::audit::Actor::system(Clock::system().now()),
            )
        })
        .await
        .unwrap();
    assert_eq!(
        refunded,
        [(
            supplier.supplier_id,
            xiaopu::money::Fen(FOOD_SNACKS_DEPOSIT)
        )]
    );
    let deposit = app
        .get("/api/v1/supplier/deposit", Some(&supplier.member.access))
        .await
        .json();
    assert_eq!(deposit["balance_fen"], 0);
    assert_eq!(deposit["supplier"]["status"], "exited");
    // Running the job again finds nothing to do.
    let again = app
        .state
        .db
        .write(|conn| {
            xiaopu::suppliers::service::run_due_exits(
                conn,
                &xiaopu::audit::Actor::system(Clock::system().now()),
            )
        })
        .await
        .unwrap();
    assert!(again.is_empty());
    app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn ledger_rows_are_append_only_and_the_check_catches_tampering() {
    let app = TestApp::start().await;
    app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let blocked = app
        .state
        .db
        .read(|conn| {
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
        .await
        .unwrap();
    assert_eq!(blocked, (true, true, true));
    // A cached balance edited behind the ledger's back is named by the check.
    app.state
        .db
        .read(|conn| Ok(diesel::sql_query("UPDATE ledger_accounts SET balance_fen = balance_fen + 7 WHERE code LIKE 'supplier/%/deposit'").execute(conn)?))
        .await
        .unwrap();
    let violation = app.ledger_check().await.unwrap_err();
    assert!(
        violation.contains("supplier/") && violation.contains("cached balance"),
        "{violation}"
    );
}

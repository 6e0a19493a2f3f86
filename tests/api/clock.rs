//! Business time, set and advanced over the admin API: money settles, receipts auto-confirm,
//! unpaid orders lapse and months end when the clock says so, with no row edited by hand.

use serde_json::{json, Value};

use crate::support::{Reply, TestApp};
use crate::worlds::{
    market_with_settings, open_case, paid_order, ship, supplier_post, withdraw, Market,
};

/// Wednesday 10 March 2027, 10:00 in Shanghai: a month with room for a settlement window.
const START: &str = "2027-03-10T10:00:00+08:00";

/// A market whose business time starts at [`START`], with tier thresholds one order can meet.
async fn clocked_market() -> Market {
    market_with_settings(|s| {
        s.clock.now = START.to_owned();
        s.tiers.senior = xiaopu::tiers::TierThreshold {
            gmv_fen: 2990,
            orders: 1,
            buyers: 1,
        };
    })
    .await
}

async fn admin_post(m: &Market, path: &str, body: Value) -> Reply {
    m.app
        .post(path, &body, Some(&m.supplier.admin.access))
        .await
}

async fn advance_days(m: &Market, days: i64) -> Value {
    let moved = admin_post(m, "/api/v1/admin/clock/advance", json!({"days": days})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    moved.json()
}

async fn set_clock(m: &Market, to: &str) {
    let moved = m
        .app
        .put(
            "/api/v1/admin/clock",
            &json!({"now": to}),
            Some(&m.supplier.admin.access),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
}

/// Runs a job now over the admin API; how many rows it handled.
async fn run_job(m: &Market, job: &str) -> i64 {
    let ran = admin_post(m, &format!("/api/v1/admin/jobs/{job}/run"), json!({})).await;
    assert_eq!(ran.status, 200, "{}", ran.text);
    ran.json()["handled"].as_i64().unwrap()
}

async fn earnings(m: &Market) -> Value {
    m.app
        .get_json("/api/v1/me/earnings", Some(&m.shopkeeper.access))
        .await
}

/// A paid order of `quantity` pieces, shipped now: (order id, part id, line id).
async fn shipped_order(m: &Market, key: &str, quantity: i64) -> (i64, i64, i64) {
    let order_id = paid_order(m, key, &[(m.item_id, m.sku_id, quantity)]).await;
    let order = m.order(order_id).await;
    let part = order["parts"][0]["id"].as_i64().unwrap();
    let line = order["parts"][0]["lines"][0]["id"].as_i64().unwrap();
    assert_eq!(ship(m, &m.supplier, part, "SF").await.status, 200);
    (order_id, part, line)
}

#[actix_web::test]
async fn admins_read_set_and_advance_business_time_forward_only() {
    let m = clocked_market().await;
    let admin = &m.supplier.admin;
    let now = m.app.get("/api/v1/admin/clock", Some(&admin.access)).await;
    assert_eq!(now.status, 200, "{}", now.text);
    assert_eq!(now.json()["settable"], true);
    assert!(now.json()["now"]
        .as_str()
        .unwrap()
        .starts_with("2027-03-10T02:"));

    let moved = advance_days(&m, 2).await;
    assert!(moved["now"].as_str().unwrap().starts_with("2027-03-12T02:"));
    let back = m
        .app
        .put(
            "/api/v1/admin/clock",
            &json!({"now": START}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(
        (back.status, back.code().as_str()),
        (409, "clock_backwards")
    );
    for bad in [
        json!({}),
        json!({"days": -1}),
        json!({"days": 5000}),
        json!({"weeks": 1}),
    ] {
        let refused = admin_post(&m, "/api/v1/admin/clock/advance", bad.clone()).await;
        assert_eq!(refused.status, 422, "{bad}: {}", refused.text);
    }
    set_clock(&m, "2027-04-01T00:00:00+08:00").await;
    let now = m.app.get("/api/v1/admin/clock", Some(&admin.access)).await;
    assert!(now.json()["now"]
        .as_str()
        .unwrap()
        .starts_with("2027-03-31T16:00"));

    // Buyers and shopkeepers may not touch the clock.
    let buyer = m
        .app
        .post(
            "/api/v1/admin/clock/advance",
            &json!({"days": 1}),
            Some(&m.buyer.access),
        )
        .await;
    assert_eq!(buyer.status, 403);
    // Each move is in the audit trail.
    assert_eq!(audit_count(&m, "clock.moved").await, 2);
}

async fn audit_count(m: &Market, action: &'static str) -> i64 {
    use diesel::prelude::*;
    use xiaopu::db::schema::audit_events;
    m.app
        .db_read(move |conn| {
            Ok(audit_events::table
                .filter(audit_events::action.eq(action))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
}

#[actix_web::test]
async fn production_has_no_clock_to_set() {
    let app = TestApp::builder()
        .with_settings(crate::support::production)
        .start()
        .await;
    assert!(!app.state.clock.is_settable());
    let admin = app.signed_in_admin("ops@example.cn").await;
    for (method, path) in [
        ("GET", "/api/v1/admin/clock"),
        ("PUT", "/api/v1/admin/clock"),
        ("POST", "/api/v1/admin/clock/advance"),
    ] {
        let request = match method {
            "GET" => app.client.get(app.url(path)),
            "PUT" => app.client.put(app.url(path)),
            _ => app.client.post(app.url(path)),
        };
        let reply = app
            .send(
                request
                    .bearer_auth(&admin.access)
                    .insert_header(("content-type", "application/json")),
                Some(br#"{"days": 1}"#),
            )
            .await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text);
    }
    // And a fixed start is refused at load.
    let mut vars: std::collections::HashMap<String, String> =
        crate::support::production_env().into_iter().collect();
    vars.insert("XIAOPU__CLOCK__NOW".to_owned(), START.to_owned());
    let refused = xiaopu::config::Settings::load_from(None, &vars).unwrap_err();
    assert_eq!(refused.key, "clock.now");
}

/// Paid, shipped, auto-received after `orders.auto_receive_days`, settled after
/// `money.settlement_window_days`, withdrawn; then a refund after settlement drives the balance
/// negative and the next settled commission pays it back.
#[actix_web::test]
async fn a_commission_walks_from_payment_to_withdrawal_as_time_passes() {
    let m = clocked_market().await;
    let settings = m.app.state.settings.clone();
    // 2 × ¥29.90 at 20%: ¥11.96 of commission.
    let (order_id, part, line) = shipped_order(&m, "walk-1", 2).await;
    assert_eq!(earnings(&m).await["pending_fen"], 1196);

    advance_days(&m, i64::from(settings.orders.auto_receive_days) - 1).await;
    assert_eq!(run_job(&m, "auto-receive").await, 0, "not due a day early");
    advance_days(&m, 1).await;
    assert_eq!(run_job(&m, "auto-receive").await, 1);
    assert_eq!(m.order(order_id).await["status"], "received");
    assert_eq!(run_job(&m, "settle").await, 0, "the window is still open");

    advance_days(&m, i64::from(settings.money.settlement_window_days)).await;
    assert_eq!(run_job(&m, "settle").await, 1);
    assert_eq!(m.order(order_id).await["status"], "completed");
    let settled = earnings(&m).await;
    assert_eq!(
        (
            settled["pending_fen"].as_i64(),
            settled["available_fen"].as_i64()
        ),
        (Some(0), Some(1196))
    );

    let withdrawn = withdraw(&m, "/api/v1/me/withdrawals", "walk-w1", 1100, "13812345678").await;
    assert_eq!(withdrawn.status, 201, "{}", withdrawn.text);
    run_job(&m, "send-payouts").await;
    assert_eq!(earnings(&m).await["available_fen"], 96);

    // Still within the claim window: one piece refunded takes back ¥5.98, below zero.
    let case = open_case(&m, order_id, part, "refund_only", line, 1).await;
    assert_eq!(case.status, 201, "{}", case.text);
    let case_id = case.id();
    let approved = supplier_post(&m, case_id, "approve", json!({})).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(earnings(&m).await["available_fen"], 96 - 598);
    let refused = withdraw(&m, "/api/v1/me/withdrawals", "walk-w2", 1000, "13812345678").await;
    assert_eq!(refused.code(), "negative_balance");

    // The next sale, received by the buyer and settled a window later, pays the debt back.
    let (next, _, _) = shipped_order(&m, "walk-2", 2).await;
    assert_eq!(m.buyer_post(next, "confirm-receipt").await.status, 200);
    advance_days(&m, i64::from(settings.money.settlement_window_days)).await;
    assert_eq!(run_job(&m, "settle").await, 1);
    assert_eq!(earnings(&m).await["available_fen"], 96 - 598 + 1196);
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn an_unpaid_order_lapses_when_its_payment_window_passes() {
    let m = clocked_market().await;
    let stock = m.stock().await;
    let placed = m.place_one("lapse-1", 2).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let order_id = placed.id();
    assert_eq!(m.stock().await, stock - 2);
    assert_eq!(run_job(&m, "cancel-unpaid").await, 0);
    let minutes = i64::from(m.app.state.settings.orders.payment_timeout_minutes);
    let moved = admin_post(
        &m,
        "/api/v1/admin/clock/advance",
        json!({"minutes": minutes, "seconds": 1}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(run_job(&m, "cancel-unpaid").await, 1);
    assert_eq!(m.order(order_id).await["status"], "cancelled");
    assert_eq!(m.stock().await, stock);
}

async fn my_tier(m: &Market) -> String {
    let reply = m
        .app
        .get_json("/api/v1/me/tier", Some(&m.shopkeeper.access))
        .await;
    reply["tier"].as_str().unwrap().to_owned()
}

async fn run_tiers(m: &Market) -> Value {
    let ran = admin_post(m, "/api/v1/admin/tiers/runs", json!({})).await;
    assert_eq!(ran.status, 200, "{}", ran.text);
    ran.json()
}

/// A month's settled sale promotes the shopkeeper when the month ends; a month without sales
/// takes them down one level.
#[actix_web::test]
async fn a_shopkeeper_rises_at_the_month_end_and_falls_a_month_later() {
    let m = clocked_market().await;
    let (order_id, _, _) = shipped_order(&m, "tier-1", 1).await;
    assert_eq!(m.buyer_post(order_id, "confirm-receipt").await.status, 200);
    let window = i64::from(m.app.state.settings.money.settlement_window_days);
    advance_days(&m, window).await;
    assert_eq!(run_job(&m, "settle").await, 1);
    assert_eq!(my_tier(&m).await, "rookie");

    let early = admin_post(&m, "/api/v1/admin/tiers/runs", json!({"month": "2027-03"})).await;
    assert_eq!(early.status, 422, "March has not ended: {}", early.text);
    set_clock(&m, "2027-04-01T00:10:00+08:00").await;
    let march = run_tiers(&m).await;
    assert_eq!(
        (march["month"].as_str(), march["promoted"].as_i64()),
        (Some("2027-03"), Some(1))
    );
    assert_eq!(my_tier(&m).await, "senior");
    assert_eq!(run_tiers(&m).await["ran"], false, "a month runs once");

    set_clock(&m, "2027-05-01T00:10:00+08:00").await;
    let april = run_tiers(&m).await;
    assert_eq!(
        (april["month"].as_str(), april["demoted"].as_i64()),
        (Some("2027-04"), Some(1))
    );
    assert_eq!(my_tier(&m).await, "rookie");
}

/// `--as-of` runs a command at another business time: a week from now the receipt's window
/// has closed; an `--as-of` in production, or one that is not a time, stops at start.
#[actix_web::test]
async fn commands_run_as_of_a_time_and_production_refuses_one() {
    let m = clocked_market().await;
    let (order_id, _, _) = shipped_order(&m, "cli-1", 1).await;
    assert_eq!(m.buyer_post(order_id, "confirm-receipt").await.status, 200);
    let url = m.app.database.url.clone();
    let run = |args: &[&str]| {
        let output = crate::cli::xiaopu()
            .args(args)
            .env("DATABASE_URL", &url)
            // The thresholds of `clocked_market`.
            .env("XIAOPU__TIERS__SENIOR__GMV_FEN", "2990")
            .env("XIAOPU__TIERS__SENIOR__ORDERS", "1")
            .env("XIAOPU__TIERS__SENIOR__BUYERS", "1")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (_, stdout, _) = run(&["jobs", "run", "settle", "--as-of", START]);
    assert!(stdout.contains("settle: 0 handled"), "{stdout}");
    let (_, stdout, _) = run(&[
        "jobs",
        "run",
        "settle",
        "--as-of",
        "2027-03-18T10:00:00+08:00",
    ]);
    assert!(stdout.contains("settle: 1 handled"), "{stdout}");
    assert_eq!(m.order(order_id).await["status"], "completed");

    let (code, stdout, stderr) = run(&["tiers", "run", "--as-of", "2027-04-01T00:10:00+08:00"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("tiers 2027-03 shard 1/1"), "{stdout}");
    assert!(stdout.contains("promoted 1"), "{stdout}");

    let (code, _, stderr) = run(&["jobs", "run", "settle", "--as-of", "next tuesday"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--as-of"), "{stderr}");
    let output = crate::cli::xiaopu()
        .args(["--now", START, "migrate"])
        .env("DATABASE_URL", &url)
        .envs(crate::support::production_env())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--now") && stderr.contains("production"),
        "{stderr}"
    );
}

async fn supplier_deposit(m: &Market) -> Value {
    m.app
        .get_json("/api/v1/supplier/deposit", Some(&m.supplier.member.access))
        .await
}

/// A supplier's exit waits out its clearance period, then its open after-sales case: the
/// deposit comes back only once the case is decided and the part settled.
#[actix_web::test]
async fn a_supplier_exits_only_after_its_open_case_is_decided() {
    let m = clocked_market().await;
    let (order_id, part, line) = shipped_order(&m, "exit-1", 2).await;
    assert_eq!(m.buyer_post(order_id, "confirm-receipt").await.status, 200);
    let case = open_case(&m, order_id, part, "refund_only", line, 1).await;
    assert_eq!(case.status, 201, "{}", case.text);
    let case_id = case.id();
    let exit = m.app.request_exit(&m.supplier).await;
    assert_eq!(exit.status, 200, "{}", exit.text);

    let clearance = i64::from(m.app.state.settings.suppliers.exit_clearance_days);
    advance_days(&m, clearance + 1).await;
    assert_eq!(
        run_job(&m, "supplier-exits").await,
        0,
        "the case holds the exit"
    );
    let held = supplier_deposit(&m).await;
    assert_eq!(held["supplier"]["status"], "exiting");
    assert_eq!(held["exit_held_by"]["open_aftersales_cases"], 1);

    let approved = supplier_post(&m, case_id, "approve", json!({})).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(
        run_job(&m, "supplier-exits").await,
        0,
        "the part is not settled yet"
    );
    assert_eq!(run_job(&m, "settle").await, 1);
    assert_eq!(run_job(&m, "supplier-exits").await, 1);
    let exited = supplier_deposit(&m).await;
    assert_eq!(exited["supplier"]["status"], "exited");
    assert_eq!(exited["balance_fen"], 0);
    m.app.ledger_check().await.expect("ledger balances");
}

//! Money: commission accrued at payment, reversed by refunds, settled after the after-sales
//! window; every movement in the ledger.

use serde_json::json;
use xiaopu::jobs::{Job, RunReport};
use xiaopu::ledger::accounts;

use crate::worlds::{
    age_receipt, fee_market, paid_order, received_order, run_job, settled_order, withdraw, Market,
};

#[actix_web::test]
async fn settlement_waits_for_the_window_then_shares_the_sale_once() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    let supplier = m.supplier.supplier_id;
    // 2 × ¥29.90 = ¥59.80; commission 20% = ¥11.96; platform fee 2% = ¥1.19.
    let (order_id, part) = received_order(&m, "settle-1", 2).await;
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 1196);
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(0));

    let window = i64::from(m.app.state.settings.money.settlement_window_days);
    age_receipt(&m, part, window).await;
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(1));
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(0));

    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 0);
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        1196
    );
    assert_eq!(
        m.balance(accounts::supplier_payable(supplier)).await,
        5980 - 1196 - 119
    );
    assert_eq!(m.balance(accounts::platform_fee_revenue()).await, 119);
    assert_eq!(m.balance(accounts::order_funds_held()).await, 0);
    let order = m.order(order_id).await;
    assert_eq!(order["status"], "completed");
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn cancelling_a_paid_order_reverses_the_pending_commission() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    let order_id = paid_order(&m, "cancel-1", &[(m.item_id, m.sku_id, 3)]).await;
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 1794);
    let cancelled = m.buyer_post(order_id, "cancel").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 0);
    assert_eq!(m.balance(accounts::order_funds_held()).await, 0);
    // The refund went out through the gateway right after the cancellation committed.
    assert_eq!(m.balance(accounts::refunds_due()).await, 0);
    assert_eq!(m.balance(accounts::gateway_clearing("sandbox")).await, 0);
    m.app.ledger_check().await.expect("ledger balances");
}

const MY_WITHDRAWALS: &str = "/api/v1/me/withdrawals";

#[actix_web::test]
async fn available_commission_is_withdrawn_once_per_key_and_a_refused_payout_returns_it() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    settled_order(&m, "w-1", 2).await;
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        1196
    );

    let too_small = withdraw(&m, MY_WITHDRAWALS, "k-0", 999, "13812345678").await;
    assert_eq!(too_small.status, 422, "{}", too_small.text);
    assert_eq!(too_small.json()["errors"][0]["field"], "amount_fen");
    let too_big = withdraw(&m, MY_WITHDRAWALS, "k-big", 1197, "13812345678").await;
    assert_eq!(too_big.status, 409);
    assert_eq!(too_big.code(), "insufficient_balance");

    let bank = m.balance(accounts::platform_bank()).await;
    let first = withdraw(&m, MY_WITHDRAWALS, "k-1", 1000, "13812345678").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.json()["account_no"], "*******5678");
    let replay = withdraw(&m, MY_WITHDRAWALS, "k-1", 1000, "13812345678").await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(m.balance(accounts::shopkeeper_available(keeper)).await, 196);
    assert_eq!(m.balance(accounts::payouts_due()).await, 0);
    assert_eq!(m.balance(accounts::platform_bank()).await, bank - 1000);
    let listed = m.app.get(MY_WITHDRAWALS, Some(&m.shopkeeper.access)).await;
    assert_eq!(listed.json()["total"], 1);
    assert_eq!(listed.json()["items"][0]["status"], "paid");

    // A second order settles; a payout the gateway refuses puts the money back.
    settled_order(&m, "w-2", 2).await;
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        1392
    );
    let refused = withdraw(&m, MY_WITHDRAWALS, "k-2", 1200, "6222020000").await;
    assert_eq!(refused.status, 201, "{}", refused.text);
    let listed = m.app.get(MY_WITHDRAWALS, Some(&m.shopkeeper.access)).await;
    assert_eq!(listed.json()["items"][0]["status"], "failed");
    assert!(listed.json()["items"][0]["failure_reason"]
        .as_str()
        .unwrap()
        .contains("closed"));
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        1392
    );
    assert_eq!(m.balance(accounts::payouts_due()).await, 0);
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn a_balance_made_negative_by_a_late_refund_refuses_withdrawals_and_nets_against_income() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    let (order_id, part) = settled_order(&m, "neg-1", 2).await;
    let line = m.order(order_id).await["parts"][0]["lines"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        withdraw(&m, MY_WITHDRAWALS, "n-1", 1100, "13812345678")
            .await
            .status,
        201
    );
    assert_eq!(m.balance(accounts::shopkeeper_available(keeper)).await, 96);
    // One piece refunded after settlement takes back ¥5.98 of commission.
    let case_id = crate::worlds::open_case(&m, order_id, part, "refund_only", line, 1)
        .await
        .id();
    let approved = crate::worlds::supplier_post(&m, case_id, "approve", json!({})).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        96 - 598
    );

    let refused = withdraw(&m, MY_WITHDRAWALS, "n-2", 1000, "13812345678").await;
    assert_eq!(refused.status, 409);
    assert_eq!(refused.code(), "negative_balance");
    // Later income nets against it.
    settled_order(&m, "neg-2", 2).await;
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        96 - 598 + 1196
    );
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn concurrent_withdrawals_never_overdraw_and_suppliers_withdraw_their_payable() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    // 5 × ¥29.90 at 20%: ¥29.90 available.
    settled_order(&m, "c-1", 5).await;
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        2990
    );
    let attempts = (0..10).map(|i| {
        let m = &m;
        async move { withdraw(m, MY_WITHDRAWALS, &format!("c-{i}"), 1000, "13812345678").await }
    });
    let replies = futures_util::future::join_all(attempts).await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let refused = replies
        .iter()
        .filter(|r| r.status == 409 && r.code() == "insufficient_balance")
        .count();
    assert_eq!(
        (created, refused),
        (2, 8),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(m.balance(accounts::shopkeeper_available(keeper)).await, 990);

    let supplier = m.supplier.supplier_id;
    let payable = m.balance(accounts::supplier_payable(supplier)).await;
    assert_eq!(payable, 5 * 2990 - 2990 - 299);
    let paid = withdraw(
        &m,
        "/api/v1/supplier/withdrawals",
        "s-1",
        payable,
        "6222021234567890",
    )
    .await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    assert_eq!(m.balance(accounts::supplier_payable(supplier)).await, 0);
    let listed = m
        .app
        .get(
            "/api/v1/supplier/withdrawals",
            Some(&m.supplier.member.access),
        )
        .await;
    assert_eq!(listed.json()["items"][0]["status"], "paid");
    // A supplier that owes the platform (a penalty beyond its deposit) pays that first.
    let deposit = m.balance(accounts::supplier_deposit(supplier)).await;
    let penalty = m
        .app
        .post(
            &format!("/api/v1/admin/suppliers/{supplier}/deposit/deductions"),
            &json!({
                "amount_fen": deposit + 500,
                "kind": "penalty",
                "reason": "虚假发货 fake shipping",
                "case_reference": "V-1"
            }),
            Some(&m.supplier.admin.access),
        )
        .await;
    assert_eq!(penalty.status, 200, "{}", penalty.text);
    let owing = withdraw(
        &m,
        "/api/v1/supplier/withdrawals",
        "s-2",
        1000,
        "6222021234567890",
    )
    .await;
    assert_eq!(owing.status, 409);
    assert_eq!(owing.code(), "owes_platform");
    // A buyer is not a supplier.
    let not_supplier = m
        .app
        .get("/api/v1/supplier/withdrawals", Some(&m.buyer.access))
        .await;
    assert_eq!(not_supplier.status, 403);
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn earnings_supplier_and_platform_finance_add_up() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    // One order settled (2 pieces), one paid and pending (3 pieces) with one piece refunded.
    settled_order(&m, "v-1", 2).await;
    let pending_order = crate::worlds::paid_order(&m, "v-2", &[(m.item_id, m.sku_id, 3)]).await;
    let order = m.order(pending_order).await;
    let (part, line) = (
        order["parts"][0]["id"].as_i64().unwrap(),
        order["parts"][0]["lines"][0]["id"].as_i64().unwrap(),
    );
    let case_id = crate::worlds::open_case(&m, pending_order, part, "refund_only", line, 1)
        .await
        .id();
    assert_eq!(
        crate::worlds::supplier_post(&m, case_id, "approve", json!({}))
            .await
            .status,
        200
    );

    let e = m
        .app
        .get_json("/api/v1/me/earnings?days=7", Some(&m.shopkeeper.access))
        .await;
    // 1196 settled + 1196 pending (two of three pieces kept); 598 reversed.
    assert_eq!(e["available_fen"], 1196);
    assert_eq!(e["pending_fen"], 1196);
    assert_eq!(e["reversed_fen"], 598);
    assert_eq!(e["today_fen"], 2392);
    assert_eq!(e["this_month_fen"], 2392);
    assert_eq!(e["days"].as_array().unwrap().len(), 7);
    let today = e["days"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(today["orders"], 2);
    assert_eq!(today["earning_fen"], 2392);
    assert_eq!(e["items"][0]["shop_item_id"], m.item_id);
    assert_eq!(e["items"][0]["pieces"], 4);
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await
            + m.balance(accounts::shopkeeper_pending(keeper)).await,
        2392
    );
    let bad = m
        .app
        .get("/api/v1/me/earnings?days=91", Some(&m.shopkeeper.access))
        .await;
    assert_eq!(bad.status, 422);

    let f = m
        .app
        .get_json("/api/v1/supplier/finance", Some(&m.supplier.member.access))
        .await;
    assert_eq!(f["sales_fen"], 5 * 2990);
    assert_eq!(f["refunds_fen"], 2990);
    assert_eq!(f["unsettled_fen"], 2 * 2990);
    assert_eq!(f["payable_fen"], 5980 - 1196 - 119);
    assert_eq!(f["violations_90d"], 0);

    let p = m
        .app
        .get_json("/api/v1/admin/finance", Some(&m.supplier.admin.access))
        .await;
    assert_eq!(p["gmv_fen"], 5 * 2990);
    let account = |code: &str| {
        p["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"] == code)
            .map(|a| a["balance_fen"].as_i64().unwrap())
    };
    assert_eq!(account("platform/fee-revenue"), Some(119));
    assert_eq!(account("shopkeeper/*/pending"), Some(1196));
    assert_eq!(account("supplier/*/payable"), Some(5980 - 1196 - 119));
    let forbidden = m
        .app
        .get("/api/v1/admin/finance", Some(&m.shopkeeper.access))
        .await;
    assert_eq!(forbidden.status, 403);
}

/// How many parts are completed (settled).
async fn completed_parts(m: &Market) -> i64 {
    use diesel::prelude::*;
    use xiaopu::db::schema::supplier_orders;
    m.app
        .db_read(|conn| {
            Ok(supplier_orders::table
                .filter(supplier_orders::status.eq("completed"))
                .count()
                .get_result(conn)?)
        })
        .await
}

#[actix_web::test]
async fn a_settlement_run_killed_midway_finishes_on_rerun_without_posting_twice() {
    let m = fee_market().await;
    let window = i64::from(m.app.state.settings.money.settlement_window_days);
    let mut orders = Vec::new();
    for k in 0..4 {
        let (order_id, part) = received_order(&m, &format!("kill-{k}"), 1).await;
        age_receipt(&m, part, window).await;
        orders.push(order_id);
    }
    let settle = || {
        crate::cli::xiaopu()
            .args(["jobs", "run", "settle"])
            .env("DATABASE_URL", &m.app.database.url)
            .env("XIAOPU__JOBS__BATCH_SIZE", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // On PostgreSQL another session holds the third order's row, so the run settles two parts
    // and waits there; it is killed while it waits. (SQLite has one writer: the kill lands
    // wherever the run is.)
    let (release, released) = std::sync::mpsc::channel::<()>();
    let holder = m.app.database.is_postgres().then(|| {
        let (url, third) = (m.app.database.url.clone(), orders[2]);
        let (locked, is_locked) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            use diesel::prelude::*;
            let mut conn = diesel::PgConnection::establish(&url).unwrap();
            conn.transaction::<_, diesel::result::Error, _>(|conn| {
                diesel::sql_query(format!(
                    "SELECT id FROM orders WHERE id = {third} FOR UPDATE"
                ))
                .execute(conn)?;
                locked.send(()).unwrap();
                let _ = released.recv();
                Ok(())
            })
            .unwrap();
        });
        is_locked.recv().unwrap();
        thread
    });
    let mut run = settle();
    if holder.is_some() {
        let started = std::time::Instant::now();
        while completed_parts(&m).await < 2 {
            assert!(
                started.elapsed().as_secs() < 30,
                "the run did not reach the lock"
            );
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        // Give it the moment to reach the held row, then kill it there.
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(completed_parts(&m).await, 2, "killed midway");
    }
    run.kill().unwrap();
    run.wait().unwrap();
    drop(release);
    if let Some(holder) = holder {
        holder.join().unwrap();
    }

    // The killed run's lease lapses (after five minutes; here at once), then rerun twice: the
    // rest settles, nothing twice.
    m.app
        .db_write(|conn| {
            use diesel::prelude::*;
            use xiaopu::db::schema::job_leases;
            diesel::update(job_leases::table)
                .set(job_leases::expires_at.eq(xiaopu::clock::Clock::system().now()))
                .execute(conn)?;
            Ok(())
        })
        .await;
    for _ in 0..2 {
        assert!(settle().wait().unwrap().success());
    }
    assert_eq!(completed_parts(&m).await, 4);
    let keeper = m.shopkeeper.member.0;
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 0);
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        4 * 598
    );
    let settlements: i64 = m
        .app
        .db_read(|conn| {
            use diesel::prelude::*;
            use xiaopu::db::schema::ledger_postings;
            Ok(ledger_postings::table
                .filter(ledger_postings::kind.eq("commission_settled"))
                .count()
                .get_result(conn)?)
        })
        .await;
    assert_eq!(settlements, 4);
    m.app
        .ledger_check()
        .await
        .expect("ledger balances, no key twice");
}

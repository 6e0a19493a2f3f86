//! After-sales: refunds and returns, partial and whole, the supplier's answer or silence,
//! disputes with deposit compensation; every refund reverses its share of the commission.

use serde_json::{json, Value};
use xiaopu::jobs::{Job, RunReport};
use xiaopu::ledger::accounts;

use crate::support::ago;
use crate::worlds::{
    age_receipt, buyer_case_post, decide_dispute, fee_market, open_case, paid_order,
    received_order, run_job, send_return, settled_order, supplier_post, Market,
};

/// The order's first part and its first line: (part id, line id).
async fn part_and_line(m: &Market, order_id: i64) -> (i64, i64) {
    let order = m.order(order_id).await;
    let part = &order["parts"][0];
    (
        part["id"].as_i64().unwrap(),
        part["lines"][0]["id"].as_i64().unwrap(),
    )
}

#[actix_web::test]
async fn refunds_before_shipping_return_stock_and_commission_and_a_whole_part_is_cancelled() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    let order_id = paid_order(&m, "pre-1", &[(m.item_id, m.sku_id, 3)]).await;
    let (part, line) = part_and_line(&m, order_id).await;
    assert_eq!(m.stock().await, 97);
    // 3 × ¥29.90 at 20%: ¥17.94 pending.
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 1794);

    let opened = open_case(&m, order_id, part, "refund_only", line, 1).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let case = opened.json();
    assert_eq!(case["status"], "requested");
    assert_eq!(case["refund_fen"], 2990);
    assert_eq!(case["messages"][0]["party"], "buyer");
    let case_id = case["id"].as_i64().unwrap();

    // More pieces than are left to claim are refused, naming the field.
    let too_many = open_case(&m, order_id, part, "refund_only", line, 3).await;
    assert_eq!(too_many.status, 422, "{}", too_many.text);
    assert_eq!(too_many.json()["errors"][0]["field"], "lines[0].quantity");
    // A return needs something shipped.
    let early_return = open_case(&m, order_id, part, "return_refund", line, 1).await;
    assert_eq!(early_return.status, 409);
    assert_eq!(early_return.code(), "aftersales_not_allowed");

    let approved = supplier_post(&m, case_id, "approve", json!({})).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(approved.json()["status"], "refunded");
    // Answering twice is a conflict naming the state.
    let again = supplier_post(&m, case_id, "reject", json!({"note": "no"})).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "illegal_case_transition");

    // One of three pieces back: a third of the commission reversed (1794 − 1196), the stock
    // back, the refund sent through the gateway.
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 1196);
    assert_eq!(m.stock().await, 98);
    assert_eq!(m.balance(accounts::refunds_due()).await, 0);
    assert_eq!(
        m.balance(accounts::gateway_clearing("sandbox")).await,
        2 * 2990
    );

    // The other two: the part has nothing left to ship and is cancelled.
    let rest = open_case(&m, order_id, part, "refund_only", line, 2).await;
    assert_eq!(rest.status, 201, "{}", rest.text);
    let rest_id = rest.id();
    assert_eq!(
        supplier_post(&m, rest_id, "approve", json!({}))
            .await
            .status,
        200
    );
    let order = m.order(order_id).await;
    assert_eq!(order["status"], "cancelled");
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 0);
    assert_eq!(m.balance(accounts::order_funds_held()).await, 0);
    assert_eq!(m.balance(accounts::platform_tier_bonus_expense()).await, 0);
    assert_eq!(m.stock().await, 100);
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn a_return_after_settlement_takes_back_each_share_and_restocks() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    let supplier = m.supplier.supplier_id;
    let (order_id, part) = settled_order(&m, "ret-1", 2).await;
    let (_, line) = part_and_line(&m, order_id).await;
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        1196
    );
    let payable_before = m.balance(accounts::supplier_payable(supplier)).await;
    assert_eq!(payable_before, 5980 - 1196 - 119);
    let stock_before = m.stock().await;

    let opened = open_case(&m, order_id, part, "return_refund", line, 1).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let case_id = opened.id();
    let approved = supplier_post(&m, case_id, "approve", json!({"restock": true})).await;
    assert_eq!(approved.json()["status"], "awaiting_return");
    // Nothing comes back before the goods do.
    let early = supplier_post(&m, case_id, "receive-return", json!({})).await;
    assert_eq!(early.status, 409);
    let bad_carrier = send_return(&m, case_id, "UPS", "1").await;
    assert_eq!(bad_carrier.status, 422);
    let sent = send_return(&m, case_id, "SF", "SF99887766").await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.json()["status"], "return_shipped");
    let received = supplier_post(&m, case_id, "receive-return", json!({})).await;
    assert_eq!(received.status, 200, "{}", received.text);
    assert_eq!(received.json()["status"], "refunded");

    // Half the line back after settlement: the shopkeeper gives back half the commission, the
    // platform the fee difference (119 fen on two pieces, 59 on the one kept), the supplier
    // the rest of ¥29.90.
    assert_eq!(m.balance(accounts::shopkeeper_available(keeper)).await, 598);
    assert_eq!(m.balance(accounts::platform_fee_revenue()).await, 59);
    assert_eq!(
        m.balance(accounts::supplier_payable(supplier)).await,
        payable_before - (2990 - 598 - 60)
    );
    assert_eq!(m.stock().await, stock_before + 1);
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn an_open_case_holds_settlement_back_until_it_ends() {
    let m = fee_market().await;
    let (order_id, part) = received_order(&m, "hold-1", 1).await;
    let (_, line) = part_and_line(&m, order_id).await;
    let opened = open_case(&m, order_id, part, "return_refund", line, 1).await;
    let case_id = opened.id();
    let window = i64::from(m.app.state.settings.money.settlement_window_days);
    age_receipt(&m, part, window).await;
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(0));
    // Rejected: still held while the buyer may escalate.
    let rejected = supplier_post(&m, case_id, "reject", json!({"note": "商品完好 intact"})).await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(0));
    // The rejected piece cannot be asked again around the rejection while it may be escalated.
    let again = open_case(&m, order_id, part, "refund_only", line, 1).await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(again.json()["errors"][0]["code"], "exceeds_claimable");
    let escalated = buyer_case_post(
        &m,
        case_id,
        "escalate",
        json!({"text": "照片为证 see photos", "image_urls": ["https://img.example.cn/1.jpg"]}),
    )
    .await;
    assert_eq!(escalated.status, 200, "{}", escalated.text);
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(0));
    let decided = decide_dispute(
        &m,
        case_id,
        &m.supplier.admin,
        json!({"decision": "reject", "note": "证据不足 not enough evidence"}),
    )
    .await;
    assert_eq!(decided.status, 200, "{}", decided.text);
    assert_eq!(decided.json()["status"], "closed");
    // Nor after the platform upheld the rejection.
    let after_decision = open_case(&m, order_id, part, "refund_only", line, 1).await;
    assert_eq!(after_decision.status, 422, "{}", after_decision.text);
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(1));
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn a_dispute_decided_for_the_buyer_refunds_part_and_takes_compensation_from_the_deposit() {
    let m = fee_market().await;
    let supplier = m.supplier.supplier_id;
    let (order_id, part) = received_order(&m, "disp-1", 2).await;
    let (_, line) = part_and_line(&m, order_id).await;
    let case_id = open_case(&m, order_id, part, "refund_only", line, 2)
        .await
        .id();
    // Evidence only in a dispute.
    let early = buyer_case_post(&m, case_id, "evidence", json!({"text": "more"})).await;
    assert_eq!(early.status, 409);
    assert_eq!(early.code(), "not_disputed");
    supplier_post(&m, case_id, "reject", json!({"note": "已签收 signed for"})).await;
    buyer_case_post(
        &m,
        case_id,
        "escalate",
        json!({"text": "没收到 never arrived"}),
    )
    .await;
    let evidence = supplier_post(
        &m,
        case_id,
        "evidence",
        json!({"text": "签收记录 proof of delivery", "image_urls": ["https://img.example.cn/sig.jpg"]}),
    )
    .await;
    assert_eq!(evidence.status, 200, "{}", evidence.text);

    let queue = m
        .app
        .get_json("/api/v1/admin/disputes", Some(&m.supplier.admin.access))
        .await;
    assert_eq!(queue["items"][0]["id"], case_id);
    // Buyers and suppliers cannot decide.
    let not_admin = decide_dispute(
        &m,
        case_id,
        &m.buyer,
        json!({"decision": "refund", "note": "mine"}),
    )
    .await;
    assert_eq!(not_admin.status, 403);
    let deposit_before = m.balance(accounts::supplier_deposit(supplier)).await;
    let gateway_before = m.balance(accounts::gateway_clearing("sandbox")).await;
    // Compensation goes with a decision for the buyer only.
    let reject_with_money = decide_dispute(
        &m,
        case_id,
        &m.supplier.admin,
        json!({"decision": "reject", "compensation_fen": 100, "note": "维持 upheld"}),
    )
    .await;
    assert_eq!(reject_with_money.status, 422);
    assert_eq!(
        reject_with_money.json()["errors"][0]["field"],
        "compensation_fen"
    );

    let decided = decide_dispute(
        &m,
        case_id,
        &m.supplier.admin,
        json!({
            "decision": "refund",
            "lines": [{"order_line_id": line, "quantity": 1}],
            "compensation_fen": 1000,
            "note": "一件未送达 one piece lost"
        }),
    )
    .await;
    assert_eq!(decided.status, 200, "{}", decided.text);
    let case = decided.json();
    assert_eq!(case["status"], "refunded");
    assert_eq!(case["refund_fen"], 2990);
    assert_eq!(case["compensation_fen"], 1000);
    assert_eq!(
        m.balance(accounts::supplier_deposit(supplier)).await,
        deposit_before - 1000
    );
    // The compensation went on to the buyer with the refund, through the gateway.
    assert_eq!(m.balance(accounts::platform_deposit_deductions()).await, 0);
    assert_eq!(m.balance(accounts::refunds_due()).await, 0);
    assert_eq!(
        m.balance(accounts::gateway_clearing("sandbox")).await,
        gateway_before - 2990 - 1000
    );
    // Only the piece decided came back (the decision settles the rest of the case).
    let order = m.order(order_id).await;
    assert_eq!(order["parts"][0]["lines"][0]["refunded_quantity"], 1);
    let violations = m
        .app
        .db_read(move |conn| {
            xiaopu::aftersales::repo::violations_since(
                conn,
                supplier,
                chrono::NaiveDateTime::default(),
            )
        })
        .await;
    assert_eq!(violations, 1);
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn a_supplier_silent_past_the_deadline_has_its_case_approved() {
    let m = fee_market().await;
    let order_id = paid_order(&m, "silent-1", &[(m.item_id, m.sku_id, 1)]).await;
    let (part, line) = part_and_line(&m, order_id).await;
    let case_id = open_case(&m, order_id, part, "refund_only", line, 1)
        .await
        .id();
    assert_eq!(
        run_job(&m, Job::AftersalesDeadlines).await,
        RunReport::Done(0)
    );
    expire(&m, case_id, false).await;
    assert_eq!(
        run_job(&m, Job::AftersalesDeadlines).await,
        RunReport::Done(1)
    );
    let case = m.case(case_id).await;
    assert_eq!(case["status"], "refunded");
    assert_eq!(case["messages"][1]["action"], "approved_automatically");
    // The refund was sent in the same run; the order had nothing else and is cancelled.
    assert_eq!(m.balance(accounts::refunds_due()).await, 0);
    assert_eq!(m.order(order_id).await["status"], "cancelled");
    // Another buyer cannot see it.
    let stranger = m.app.signed_in("stranger@example.cn").await;
    let hidden = m
        .app
        .get(
            &format!("/api/v1/aftersales/{case_id}"),
            Some(&stranger.access),
        )
        .await;
    assert_eq!(hidden.status, 404);
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn cancelling_after_a_partial_refund_returns_only_the_rest_and_closes_open_cases() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    let order_id = paid_order(&m, "pc-1", &[(m.item_id, m.sku_id, 3)]).await;
    let (part, line) = part_and_line(&m, order_id).await;
    let first = open_case(&m, order_id, part, "refund_only", line, 1).await;
    let first_id = first.id();
    supplier_post(&m, first_id, "approve", json!({})).await;
    assert_eq!(m.stock().await, 98);
    let open = open_case(&m, order_id, part, "refund_only", line, 1).await;
    let open_id = open.id();

    let cancelled = m.buyer_post(order_id, "cancel").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    // The refunded piece came back with its refund; the cancellation returns the other two.
    assert_eq!(m.stock().await, 100);
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 0);
    assert_eq!(m.balance(accounts::order_funds_held()).await, 0);
    assert_eq!(
        m.balance(accounts::gateway_clearing("sandbox")).await,
        0,
        "all three pieces refunded, once each"
    );
    let case = m.case(open_id).await;
    assert_eq!(case["status"], "closed");
    // Approving it now is a conflict, not a second refund.
    let late = supplier_post(&m, open_id, "approve", json!({})).await;
    assert_eq!(late.status, 409);
    m.app.ledger_check().await.expect("ledger balances");
}

/// Moves a case's deadline (`respond_by`, or with `escalation` its `escalate_by`) to now.
async fn expire(m: &Market, case_id: i64, escalation: bool) {
    use diesel::prelude::*;
    use xiaopu::db::schema::aftersales_cases;
    m.app
        .db_write(move |conn| {
            let now = ago(chrono::Duration::seconds(1));
            let target = aftersales_cases::table.find(case_id);
            if escalation {
                diesel::update(target)
                    .set(aftersales_cases::escalate_by.eq(now))
                    .execute(conn)?;
            } else {
                diesel::update(target)
                    .set(aftersales_cases::respond_by.eq(now))
                    .execute(conn)?;
            }
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn deadlines_close_unsent_returns_refund_unconfirmed_ones_and_end_escalation() {
    let m = fee_market().await;
    let (order_id, part) = received_order(&m, "dl-1", 3).await;
    let (_, line) = part_and_line(&m, order_id).await;
    let stock = m.stock().await;

    // An approved return the buyer never sends: closed, its piece claimable again.
    let unsent = open_case(&m, order_id, part, "return_refund", line, 1)
        .await
        .id();
    supplier_post(&m, unsent, "approve", json!({})).await;
    expire(&m, unsent, false).await;
    // A return the supplier never confirms: refunded (and restocked, the default).
    let unconfirmed = open_case(&m, order_id, part, "return_refund", line, 1)
        .await
        .id();
    supplier_post(&m, unconfirmed, "approve", json!({})).await;
    let sent = send_return(&m, unconfirmed, "ZTO", "ZTO55667788").await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    expire(&m, unconfirmed, false).await;
    assert_eq!(
        run_job(&m, Job::AftersalesDeadlines).await,
        RunReport::Done(2)
    );
    let status = |case: Value| case["status"].as_str().unwrap().to_owned();
    assert_eq!(status(m.case(unsent).await), "closed");
    assert_eq!(status(m.case(unconfirmed).await), "refunded");
    // Nobody saw the goods arrive: nothing goes back into stock.
    assert_eq!(m.stock().await, stock);
    assert_eq!(
        m.order(order_id).await["parts"][0]["lines"][0]["refunded_quantity"],
        1
    );

    // A supplier past its deadline can no longer reject (the job approves instead).
    let late_answer = open_case(&m, order_id, part, "refund_only", line, 1)
        .await
        .id();
    expire(&m, late_answer, false).await;
    let late_reject = supplier_post(&m, late_answer, "reject", json!({"note": "太晚 late"})).await;
    assert_eq!(late_reject.status, 409);
    assert_eq!(late_reject.code(), "deadline_passed");
    assert_eq!(
        buyer_case_post(&m, late_answer, "withdraw", json!({}))
            .await
            .status,
        200
    );

    // A rejection not escalated in time stays rejected.
    let rejected = open_case(&m, order_id, part, "refund_only", line, 1)
        .await
        .id();
    supplier_post(&m, rejected, "reject", json!({"note": "无问题 fine"})).await;
    expire(&m, rejected, true).await;
    let late = buyer_case_post(&m, rejected, "escalate", json!({"text": "太晚了 late"})).await;
    assert_eq!(late.status, 409);
    assert_eq!(late.code(), "escalation_window_closed");
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn an_order_with_one_part_refunded_whole_can_still_be_cancelled() {
    let m = fee_market().await;
    let (_other, other_item, other_sku) = crate::worlds::second_supplier(&m).await;
    let order_id = paid_order(
        &m,
        "two-1",
        &[(m.item_id, m.sku_id, 1), (other_item, other_sku, 1)],
    )
    .await;
    let order = m.order(order_id).await;
    let mine = order["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["supplier_id"] == m.supplier.supplier_id)
        .unwrap()
        .clone();
    let (part, line) = (
        mine["id"].as_i64().unwrap(),
        mine["lines"][0]["id"].as_i64().unwrap(),
    );
    let case_id = open_case(&m, order_id, part, "refund_only", line, 1)
        .await
        .id();
    assert_eq!(
        supplier_post(&m, case_id, "approve", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(m.order(order_id).await["status"], "paid");
    let cancelled = m.buyer_post(order_id, "cancel").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    assert_eq!(cancelled.json()["status"], "cancelled");
    assert_eq!(m.balance(accounts::order_funds_held()).await, 0);
    assert_eq!(m.stock().await, 100);
    m.app.ledger_check().await.expect("ledger balances");
}

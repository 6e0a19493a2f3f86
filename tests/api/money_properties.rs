//! The money invariants after any sequence of operations: random sequences of order, pay,
//! cancel, ship, receive, refunds (whole and partial, before and after shipping, returns with
//! and without restocking), disputes, settlement and withdrawals, on the database under test.
//! After every step: the ledger balances (each posting, all entries together, cached balances,
//! no account that must stay non-negative below zero, no business key twice); stock equals
//! what a model of the operations expects; the shopkeeper's pending, available and reversed
//! commission and the supplier's payable match what the order lines say.

use diesel::prelude::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use xiaopu::jobs::Job;
use xiaopu::ledger::accounts;
use xiaopu::orders::model::OrderLineRow;
use xiaopu::settlement::LineFigures;

use crate::worlds::{
    age_receipt, buyer_case_post, decide_dispute, open_case, run_job, send_return, ship,
    supplier_post, withdraw, Market,
};

#[derive(Debug, Clone)]
enum Op {
    Place(i64),
    /// The order's next step forward: pay, ship, receive, or settle.
    Advance(usize),
    Pay(usize),
    Cancel(usize),
    Ship(usize),
    Receive(usize),
    RefundOnly(usize, i64),
    Return(usize, i64, bool),
    Dispute(usize, i64, bool, i64),
    Settle(usize),
    Withdraw(i64, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (1i64..=3).prop_map(Op::Place),
        10 => any::<usize>().prop_map(Op::Advance),
        3 => any::<usize>().prop_map(Op::Pay),
        2 => any::<usize>().prop_map(Op::Cancel),
        2 => any::<usize>().prop_map(Op::Ship),
        2 => any::<usize>().prop_map(Op::Receive),
        3 => (any::<usize>(), 1i64..=3).prop_map(|(o, n)| Op::RefundOnly(o, n)),
        2 => (any::<usize>(), 1i64..=3, any::<bool>()).prop_map(|(o, n, r)| Op::Return(o, n, r)),
        1 => (any::<usize>(), 1i64..=3, any::<bool>(), 1i64..=3)
            .prop_map(|(o, n, b, p)| Op::Dispute(o, n, b, p)),
        2 => any::<usize>().prop_map(Op::Settle),
        1 => (100i64..=2000, any::<bool>()).prop_map(|(a, f)| Op::Withdraw(a, f)),
    ]
}

/// What the model knows of each order placed.
struct ModelOrder {
    id: i64,
    quantity: i64,
    /// Pieces put back into stock by refunds so far.
    restocked: i64,
    shipped: bool,
    cancelled: bool,
}

struct Model {
    stock: i64,
    orders: Vec<ModelOrder>,
    steps: usize,
}

impl Model {
    fn pick(&self, i: usize) -> Option<usize> {
        (!self.orders.is_empty()).then(|| i % self.orders.len())
    }
}

/// The order's (part id, line id, part status).
async fn part_of(m: &Market, order_id: i64) -> (i64, i64, String) {
    let order = m.order(order_id).await;
    let part = &order["parts"][0];
    (
        part["id"].as_i64().unwrap(),
        part["lines"][0]["id"].as_i64().unwrap(),
        part["status"].as_str().unwrap().to_owned(),
    )
}

/// Opens a case of `kind` for `pieces` of the order's first line: (case id, line id) if the
/// buyer may (else the model had nothing left to claim there).
async fn open_case_on(m: &Market, order_id: i64, kind: &str, pieces: i64) -> Option<(i64, i64)> {
    let (part, line, _) = part_of(m, order_id).await;
    let opened = open_case(m, order_id, part, kind, line, pieces).await;
    (opened.status == 201).then(|| (opened.id(), line))
}

async fn apply(m: &Market, model: &mut Model, op: &Op) {
    model.steps += 1;
    let key = format!("step-{}", model.steps);
    match *op {
        Op::Place(quantity) => {
            let placed = m.place_one(&key, quantity).await;
            if placed.status == 201 {
                model.stock -= quantity;
                model.orders.push(ModelOrder {
                    id: placed.id(),
                    quantity,
                    restocked: 0,
                    shipped: false,
                    cancelled: false,
                });
            }
        }
        Op::Advance(i) => {
            if let Some(i) = model.pick(i) {
                let next = match part_of(m, model.orders[i].id).await.2.as_str() {
                    "pending_payment" => Op::Pay(i),
                    "paid" => Op::Ship(i),
                    "shipped" => Op::Receive(i),
                    _ => Op::Settle(i),
                };
                Box::pin(apply(m, model, &next)).await;
            }
        }
        Op::Pay(i) => {
            if let Some(i) = model.pick(i) {
                let order_id = model.orders[i].id;
                // Paying a paid or cancelled order is refused; nothing changes then.
                let paid = m.buyer_post(order_id, "pay").await;
                if paid.status == 200 {
                    let complete = paid.json()["checkout"]["complete_url"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    m.app
                        .post(&complete, &json!({}), Some(&m.buyer.access))
                        .await;
                }
            }
        }
        Op::Cancel(i) => {
            if let Some(i) = model.pick(i) {
                if m.buyer_post(model.orders[i].id, "cancel").await.status == 200 {
                    let order = &mut model.orders[i];
                    model.stock += order.quantity - order.restocked;
                    order.cancelled = true;
                }
            }
        }
        Op::Ship(i) => {
            if let Some(i) = model.pick(i) {
                let (part, _, _) = part_of(m, model.orders[i].id).await;
                if ship(m, &m.supplier, part, "SF").await.status == 200 {
                    model.orders[i].shipped = true;
                }
            }
        }
        Op::Receive(i) => {
            if let Some(i) = model.pick(i) {
                m.buyer_post(model.orders[i].id, "confirm-receipt").await;
            }
        }
        Op::RefundOnly(i, pieces) => {
            if let Some(i) = model.pick(i) {
                let opened = open_case_on(m, model.orders[i].id, "refund_only", pieces).await;
                if let Some((case_id, _)) = opened {
                    let approved = supplier_post(m, case_id, "approve", json!({})).await;
                    assert_eq!(approved.status, 200, "{}", approved.text);
                    if !model.orders[i].shipped {
                        model.stock += pieces;
                        model.orders[i].restocked += pieces;
                    }
                }
            }
        }
        Op::Return(i, pieces, restock) => {
            if let Some(i) = model.pick(i) {
                let opened = open_case_on(m, model.orders[i].id, "return_refund", pieces).await;
                if let Some((case_id, _)) = opened {
                    supplier_post(m, case_id, "approve", json!({"restock": restock})).await;
                    send_return(m, case_id, "SF", "SF12345678").await;
                    let received = supplier_post(m, case_id, "receive-return", json!({})).await;
                    assert_eq!(received.status, 200, "{}", received.text);
                    if restock {
                        model.stock += pieces;
                    }
                }
            }
        }
        Op::Dispute(i, pieces, for_buyer, part_pieces) => {
            if let Some(i) = model.pick(i) {
                let opened = open_case_on(m, model.orders[i].id, "refund_only", pieces).await;
                if let Some((case_id, line)) = opened {
                    supplier_post(m, case_id, "reject", json!({"note": "不同意 no"})).await;
                    buyer_case_post(m, case_id, "escalate", json!({"text": "请裁决 decide"})).await;
                    let refunded = part_pieces.min(pieces);
                    let decision = if for_buyer {
                        json!({
                            "decision": "refund",
                            "lines": [{"order_line_id": line, "quantity": refunded}],
                            "compensation_fen": 100,
                            "note": "支持买家 for the buyer"
                        })
                    } else {
                        json!({"decision": "reject", "note": "维持 upheld"})
                    };
                    let decided = decide_dispute(m, case_id, &m.supplier.admin, decision).await;
                    assert_eq!(decided.status, 200, "{}", decided.text);
                    if for_buyer && !model.orders[i].shipped {
                        model.stock += refunded;
                        model.orders[i].restocked += refunded;
                    }
                }
            }
        }
        Op::Settle(i) => {
            if let Some(i) = model.pick(i) {
                let (part, _, status) = part_of(m, model.orders[i].id).await;
                if status == "received" {
                    let window = i64::from(m.app.state.settings.money.settlement_window_days);
                    age_receipt(m, part, window).await;
                }
                run_job(m, Job::Settle).await;
            }
        }
        Op::Withdraw(amount, fail) => {
            let account = if fail { "6222020000" } else { "13812345678" };
            withdraw(m, "/api/v1/me/withdrawals", &key, amount, account).await;
        }
    }
}

/// The paid lines, and what the keeper has withdrawn (not refused).
async fn lines_and_withdrawn(m: &Market) -> (Vec<OrderLineRow>, i64) {
    m.app
        .db_read(|conn| {
            use xiaopu::db::schema::{order_lines, orders, withdrawals};
            let lines = order_lines::table
                .inner_join(orders::table)
                .filter(orders::paid_at.is_not_null())
                .select(OrderLineRow::as_select())
                .load(conn)?;
            let withdrawn: Vec<i64> = withdrawals::table
                .filter(withdrawals::status.ne("failed"))
                .select(withdrawals::amount_fen)
                .load(conn)?;
            Ok((lines, withdrawn.iter().sum()))
        })
        .await
}

async fn check_invariants(m: &Market, model: &Model, history: &[Op]) {
    let context = format!("after {history:?}");
    if let Err(violation) = m.app.ledger_check().await {
        panic!("{violation} {context}");
    }
    assert_eq!(m.stock().await, model.stock, "stock {context}");
    let keeper = m.shopkeeper.member.0;
    let supplier = m.supplier.supplier_id;
    let (lines, withdrawn) = lines_and_withdrawn(m).await;
    let (mut pending, mut settled, mut reversed, mut supplier_net) = (0, 0, 0, 0);
    for line in &lines {
        let kept = LineFigures::kept(line);
        reversed += LineFigures::of(line, line.quantity).earning().0 - kept.earning().0;
        if line.settled_at.is_some() {
            settled += kept.earning().0;
            supplier_net += kept.supplier_net().0;
        } else {
            pending += kept.earning().0;
        }
    }
    assert_eq!(
        m.balance(accounts::shopkeeper_pending(keeper)).await,
        pending,
        "pending {context}"
    );
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await + withdrawn,
        settled,
        "available + withdrawn = settled {context}"
    );
    assert_eq!(
        m.balance(accounts::supplier_payable(supplier)).await,
        supplier_net,
        "supplier payable {context}"
    );
    let earnings = m
        .app
        .get("/api/v1/me/earnings", Some(&m.shopkeeper.access))
        .await
        .json();
    assert_eq!(earnings["reversed_fen"], reversed, "reversed {context}");
}

/// The fee market of `money::fee_market`, with small withdrawals allowed and no per-buyer limit
/// (so a sequence can place as many orders as it likes).
async fn unlimited_market() -> Market {
    let app = crate::support::TestApp::builder()
        .with_settings(|s| {
            s.payments.callback_secret = crate::worlds::CALLBACK_SECRET.to_owned();
            s.money.platform_fee_bps = 200;
            s.money.min_withdrawal_fen = 100;
        })
        .start()
        .await;
    let mut goods = crate::support::goods_body();
    goods["skus"][0]["per_buyer_limit"] = serde_json::Value::Null;
    crate::worlds::market_in(app, goods).await
}

#[actix_web::test]
async fn money_invariants_hold_after_any_sequence_of_operations() {
    let cases: u32 = std::env::var("MONEY_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let sequences = proptest::collection::vec(op(), 20..40);
    for _ in 0..cases {
        let ops = sequences.new_tree(&mut runner).unwrap().current();
        let m = unlimited_market().await;
        let mut model = Model {
            stock: m.stock().await,
            orders: Vec::new(),
            steps: 0,
        };
        for (step, op) in ops.iter().enumerate() {
            apply(&m, &mut model, op).await;
            check_invariants(&m, &model, &ops[..=step]).await;
        }
    }
}

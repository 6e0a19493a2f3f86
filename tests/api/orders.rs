//! Orders: placement (idempotency, no overselling, snapshots), payment callbacks, cancellation.

use std::sync::{Arc, Mutex};
use xiaopu::clock::Clock;

use serde_json::{json, Value};
use xiaopu::idempotency::{request_hash, IdempotencyKey, Idempotent, Outcome};

use crate::support::{ago, goods_body, Reply};
use crate::worlds::{
    make_overdue, market, market_with, order_body, run_job, Market, CALLBACK_SECRET,
};

#[actix_web::test]
async fn an_order_snapshots_its_lines_and_a_replay_returns_the_first_response() {
    let m = market().await;
    let placed = m.place_one("key-1", 2).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let order = placed.json();
    assert_eq!(order["status"], "pending_payment");
    assert_eq!(order["total_fen"], 5980);
    assert!(order["order_no"].as_str().unwrap().len() == 17);
    let part = &order["parts"][0];
    assert_eq!(part["supplier_id"], m.supplier.supplier_id);
    assert_eq!(part["lines"][0]["unit_price_fen"], 2990);
    assert_eq!(part["lines"][0]["sku_attributes"]["size"], "500g");
    assert_eq!(m.stock().await, 98);

    // The same key and body: the first response again, nothing taken twice.
    let replay = m.place_one("key-1", 2).await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.json(), order);
    assert_eq!(replay.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(m.stock().await, 98);
    assert_eq!(m.order_count().await, 1);

    // The same key with another body is refused.
    let other = m.place_one("key-1", 3).await;
    assert_eq!(other.status, 422, "{}", other.text);
    assert_eq!(other.json()["errors"][0]["code"], "idempotency_key_reused");

    // The shopkeeper sees the sale and what it earns (20% of ¥59.80, Rookie: no bonus),
    // with the buyer masked.
    let shop_orders = m
        .app
        .get(
            &format!("/api/v1/me/shops/{}/orders", m.shop_id),
            Some(&m.shopkeeper.access),
        )
        .await;
    assert_eq!(shop_orders.status, 200, "{}", shop_orders.text);
    let seen = &shop_orders.json()["items"][0];
    assert_eq!(seen["buyer_phone"], "138****5678");
    assert_eq!(seen["buyer_name"], "王**");
    assert_eq!(seen["lines"][0]["earning_fen"], 1196);
    assert!(!shop_orders.text.contains("文三路"));
}

#[actix_web::test]
async fn refused_requests_store_nothing_under_their_key() {
    let m = market().await;
    let missing_key = m
        .app
        .post(
            "/api/v1/orders",
            &order_body(&[(m.item_id, m.sku_id, 1)]),
            Some(&m.buyer.access),
        )
        .await;
    assert_eq!(missing_key.status, 400);
    assert_eq!(missing_key.code(), "idempotency_key_required");

    let mut bad = order_body(&[(m.item_id, m.sku_id, 0)]);
    bad["address"]["phone"] = json!("12");
    let refused = m.place("key-v", &bad, &m.buyer).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let fields: Vec<String> = refused.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["lines[0].quantity", "address.phone"]);
    // Nothing was stored under the key: a corrected request with it goes through.
    let placed = m.place_one("key-v", 1).await;
    assert_eq!(placed.status, 201, "{}", placed.text);

    // A SKU of other goods than the item's is named.
    let wrong = m
        .place(
            "key-w",
            &order_body(&[(m.item_id, m.sku_id + 999, 1)]),
            &m.buyer,
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(wrong.json()["errors"][0]["field"], "lines[0].sku_id");
}

#[actix_web::test]
async fn two_hundred_concurrent_orders_for_fifty_pieces_sell_exactly_fifty() {
    let mut goods = goods_body();
    goods["skus"][0]["stock"] = json!(50);
    goods["skus"][0]["per_buyer_limit"] = Value::Null;
    let m = market_with(goods).await;
    let replies = futures_util::future::join_all((0..200).map(|i| {
        let m = &m;
        async move { m.place_one(&format!("race-{i}"), 1).await }
    }))
    .await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let sold_out = replies
        .iter()
        .filter(|r| r.status == 409 && r.code() == "out_of_stock")
        .count();
    let others: Vec<_> = replies
        .iter()
        .filter(|r| r.status != 201 && r.status != 409)
        .map(|r| (r.status, r.text.clone()))
        .collect();
    assert!(others.is_empty(), "{others:?}");
    assert_eq!((created, sold_out), (50, 150));
    assert_eq!(m.stock().await, 0);
    assert_eq!(m.order_count().await, 50);
}

#[actix_web::test]
async fn concurrent_requests_with_one_key_order_once() {
    let m = market().await;
    let replies = futures_util::future::join_all((0..10).map(|_| m.place_one("same-key", 1))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    for reply in replies.iter().filter(|r| r.status == 409) {
        assert_eq!(reply.code(), "idempotency_key_in_use");
    }
    let first: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
    assert!(!first.is_empty());
    // Every 201 is the same order.
    assert!(first
        .iter()
        .all(|r| r.json()["id"] == first[0].json()["id"]));
    assert_eq!(m.order_count().await, 1);
    assert_eq!(m.stock().await, 99);
}

#[actix_web::test]
async fn unavailable_items_and_limits_are_refused_naming_the_line() {
    let m = market().await;
    // goods_body allows 5 per buyer: 3 now, 3 more is over the limit across orders.
    assert_eq!(m.place_one("limit-1", 3).await.status, 201);
    let over = m.place_one("limit-2", 3).await;
    assert_eq!(over.status, 409, "{}", over.text);
    assert_eq!(over.code(), "purchase_limit");
    assert!(over.json()["detail"]
        .as_str()
        .unwrap()
        .starts_with("lines[0]"));
    // Two lines of one SKU are summed: 1 + 2 = 3 > 2 left.
    let summed = m
        .place(
            "limit-3",
            &order_body(&[(m.item_id, m.sku_id, 1), (m.item_id, m.sku_id, 2)]),
            &m.buyer,
        )
        .await;
    assert_eq!(summed.code(), "purchase_limit");
    // A stored refusal is replayed as it was.
    assert_eq!(m.place_one("limit-2", 3).await.code(), "purchase_limit");

    let delisted = m
        .app
        .post(
            &format!("/api/v1/supplier/goods/{}/delist", m.goods_id),
            &json!({}),
            Some(&m.supplier.member.access),
        )
        .await;
    assert_eq!(delisted.status, 200, "{}", delisted.text);
    let refused = m.place_one("after-delist", 1).await;
    assert_eq!(refused.status, 409);
    assert_eq!(refused.code(), "line_unavailable");
    assert!(refused.json()["detail"]
        .as_str()
        .unwrap()
        .starts_with("lines[0]"));
    assert_eq!(m.stock().await, 97);
}

#[actix_web::test]
async fn a_shopkeeper_buying_from_their_own_shop_earns_nothing_and_it_says_why() {
    let m = market().await;
    let own = m
        .place(
            "own-1",
            &order_body(&[(m.item_id, m.sku_id, 1)]),
            &m.shopkeeper,
        )
        .await;
    assert_eq!(own.status, 201, "{}", own.text);
    let seen = m.shop_orders().await;
    let line = &seen["items"][0]["lines"][0];
    assert_eq!(line["earning_fen"], 0);
    assert_eq!(line["no_commission_reason"], "own_shop");
    assert_eq!(line["commission_bps"], 2000);
}

#[actix_web::test]
async fn a_one_line_placement_sends_eight_statements() {
    // Without a per-buyer limit (a limit adds the query of earlier purchases). The eight: the
    // key, the items, the stock, the order, its part, the shop's targeted plan rates, its line,
    // the key's stored response. All eight are prepared by the first placement on a connection
    // and only executed by the next: none is parsed (and planned) again.
    let mut goods = goods_body();
    goods["skus"][0]["per_buyer_limit"] = Value::Null;
    let m = market_with(goods).await;
    let body: xiaopu::orders::dto::PlaceOrderRequest =
        serde_json::from_value(order_body(&[(m.item_id, m.sku_id, 1)])).unwrap();
    let wanted = xiaopu::orders::rules::check_request(&body).unwrap();
    let settings = m.app.state.settings.clone();
    let buyer = m.buyer.member;
    // A connection of its own, so that nothing is cached on it before the first placement.
    let manager = xiaopu::db::DbConnectionManager::new(
        xiaopu::db::DatabaseUrl::parse(&settings.database.url).unwrap(),
        &settings.database,
    );
    let mut conn = manager.connect_now().expect("a connection");

    // Places one order; returns the data statements it started (their SQL, without binds) and
    // the statements it prepared into the connection's cache.
    let mut place = |key: &str| {
        use diesel::connection::{Connection, InstrumentationEvent};
        let events = Arc::new(Mutex::new((Vec::<String>::new(), Vec::<String>::new())));
        let seen = events.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            let mut seen = seen.lock().unwrap();
            match event {
                InstrumentationEvent::StartQuery { query, .. } => {
                    let query = query.to_string();
                    let sql = query.split(" -- binds: ").next().unwrap_or_default();
                    seen.0.push(sql.to_owned());
                }
                InstrumentationEvent::CacheQuery { sql, .. } => seen.1.push(sql.to_owned()),
                _ => {}
            }
        });
        let request = actix_web::test::TestRequest::default()
            .insert_header(("Idempotency-Key", key))
            .to_http_request();
        let idempotent = Idempotent {
            member: buyer,
            scope: "orders.place",
            key: IdempotencyKey::from_request(&request).unwrap(),
            request_hash: request_hash("orders.place", &body),
            status: actix_web::http::StatusCode::CREATED,
        };
        let now = Clock::system().now();
        let outcome = idempotent.run_in(
            &mut conn,
            |conn| {
                xiaopu::orders::placement::place(
                    conn,
                    &settings.placement_terms(),
                    buyer,
                    &body,
                    &wanted,
                    now,
                )
            },
            now,
        );
        conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
        assert!(
            matches!(outcome, Ok(Outcome::Done(ref s)) if s.status == 201),
            "{outcome:?}"
        );
        let (started, cached) = events.lock().unwrap().clone();
        // Transaction control aside (BEGIN, COMMIT).
        let data: Vec<String> = started
            .into_iter()
            .filter(|sql| {
                let sql = sql.trim().to_uppercase();
                !["BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"]
                    .iter()
                    .any(|control| sql.starts_with(control))
            })
            .collect();
        (data, cached)
    };

    let (first, prepared_by_first) = place("count-1");
    assert_eq!(first.len(), 8, "{first:#?}");
    let (second, prepared_by_second) = place("count-2");
    assert_eq!(second.len(), 8, "{second:#?}");
    for sql in &second {
        assert!(
            prepared_by_first.contains(sql),
            "not kept prepared by the first placement: {sql}"
        );
    }
    assert!(prepared_by_second.is_empty(), "{prepared_by_second:#?}");
}

/// A callback signed with the test secret, as the sandbox gateway would send it.
fn signed_callback(body: &Value, secret: &str, age_seconds: i64) -> (String, Vec<u8>) {
    let sandbox = xiaopu::payments::sandbox::Sandbox::new(secret.as_bytes().to_vec(), 300);
    let bytes = body.to_string().into_bytes();
    let timestamp = xiaopu::clock::Clock::system().now().and_utc().timestamp() - age_seconds;
    (sandbox.sign(timestamp, &bytes), bytes)
}

async fn send_callback(m: &Market, signature: &str, body: &[u8]) -> Reply {
    m.app
        .send(
            m.app
                .client
                .post(m.app.url("/api/v1/payments/sandbox/callback"))
                .insert_header(("content-type", "application/json"))
                .insert_header(("X-Sandbox-Signature", signature)),
            Some(body),
        )
        .await
}

#[actix_web::test]
async fn a_signed_callback_pays_once_and_posts_to_the_ledger() {
    let m = market().await;
    let order_id = m.place_one("pay-1", 2).await.id();
    let payment = m.buyer_post(order_id, "pay").await.json();
    assert_eq!(payment["amount_fen"], 5980);
    let payment_no = payment["payment_no"].as_str().unwrap();
    let event = json!({"event_id": "evt-1", "payment_no": payment_no, "amount_fen": 5980, "trade_no": "T1"});

    // Forged (wrong secret), stale, or tampered: 401 and nothing changes.
    let (forged, body) = signed_callback(&event, "another-secret-0123456789abcdefghij", 0);
    assert_eq!(send_callback(&m, &forged, &body).await.status, 401);
    let (stale, body) = signed_callback(&event, CALLBACK_SECRET, 3600);
    assert_eq!(send_callback(&m, &stale, &body).await.status, 401);
    let (signature, _) = signed_callback(&event, CALLBACK_SECRET, 0);
    let mut tampered = event.clone();
    tampered["amount_fen"] = json!(1);
    assert_eq!(
        send_callback(&m, &signature, tampered.to_string().as_bytes())
            .await
            .status,
        401
    );
    assert_eq!(m.order(order_id).await["status"], "pending_payment");

    // An amount that differs is refused and kept for review.
    let mut short = event.clone();
    short["event_id"] = json!("evt-short");
    short["amount_fen"] = json!(100);
    let (signature, body) = signed_callback(&short, CALLBACK_SECRET, 0);
    let refused = send_callback(&m, &signature, &body).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.json()["errors"][0]["code"], "amount_mismatch");
    assert_eq!(m.order(order_id).await["status"], "pending_payment");
    // Kept for an admin's review.
    let review = m
        .app
        .get_json(
            "/api/v1/admin/payments/events?outcome=amount_mismatch",
            Some(&m.supplier.admin.access),
        )
        .await;
    assert_eq!(review["total"], 1);
    assert_eq!(review["items"][0]["event_id"], "evt-short");
    assert_eq!(review["items"][0]["amount_fen"], 100);
    assert_eq!(
        m.app
            .get("/api/v1/admin/payments/events", Some(&m.buyer.access))
            .await
            .status,
        403
    );

    // The genuine event, twice: applied once.
    let (signature, body) = signed_callback(&event, CALLBACK_SECRET, 0);
    for _ in 0..2 {
        let applied = send_callback(&m, &signature, &body).await;
        assert_eq!(applied.status, 200, "{}", applied.text);
        assert_eq!(applied.json()["outcome"], "applied");
    }
    let order = m.order(order_id).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(order["parts"][0]["status"], "paid");
    let timeline = order["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 2);
    assert_eq!(timeline[1]["to"], "paid");
    assert_eq!(timeline[1]["actor"], "gateway");
    let summary = m.app.ledger_check().await.expect("ledger balances");
    assert!(summary.postings >= 1);
    // The order's funds are held, less the commission now pending for the shopkeeper
    // (20% of ¥59.80).
    let held = m
        .balance(xiaopu::ledger::accounts::order_funds_held())
        .await;
    assert_eq!(held, 5980 - 1196);
    let keeper = m.shopkeeper.member.0;
    assert_eq!(
        m.balance(xiaopu::ledger::accounts::shopkeeper_pending(keeper))
            .await,
        1196
    );

    // A paid order cannot be paid again, nor received before it ships.
    let again = m.buyer_post(order_id, "pay").await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "illegal_transition");
    assert!(again.json()["detail"].as_str().unwrap().contains("paid"));
    let early = m.buyer_post(order_id, "confirm-receipt").await;
    assert_eq!(early.status, 409);
    assert_eq!(early.code(), "illegal_transition");
}

#[actix_web::test]
async fn cancelling_returns_the_stock_and_refunds_a_paid_order() {
    let m = market().await;
    let unpaid = m.place_one("c-1", 1).await.id();
    let paid = m.place_one("c-2", 2).await.id();
    assert_eq!(m.pay(paid).await.json()["outcome"], "applied");
    assert_eq!(m.stock().await, 97);
    for order_id in [unpaid, paid] {
        let cancelled = m.buyer_post(order_id, "cancel").await;
        assert_eq!(cancelled.status, 200, "{}", cancelled.text);
        assert_eq!(cancelled.json()["status"], "cancelled");
        // Once only: a second cancel is an illegal transition naming the state.
        let again = m.buyer_post(order_id, "cancel").await;
        assert_eq!(again.status, 409);
        assert!(again.json()["detail"]
            .as_str()
            .unwrap()
            .contains("cancelled"));
    }
    assert_eq!(m.stock().await, 100);
    m.app.ledger_check().await.expect("ledger balances");
    let held = m
        .app
        .db_read(|conn| {
            xiaopu::ledger::service::balance(conn, &xiaopu::ledger::accounts::order_funds_held())
        })
        .await;
    assert_eq!(held.0, 0, "the paid order's money went back");
    // Sent through the gateway once the cancellation committed: nothing is left owed, and the
    // gateway holds nothing of this buyer's any more.
    let (due, at_gateway) = m
        .app
        .db_read(|conn| {
            use xiaopu::ledger::{accounts, service::balance};
            Ok((
                balance(conn, &accounts::refunds_due())?,
                balance(conn, &accounts::gateway_clearing("sandbox"))?,
            ))
        })
        .await;
    assert_eq!((due.0, at_gateway.0), (0, 0));
    assert_eq!(
        run_job(&m, xiaopu::jobs::Job::SendRefunds).await,
        xiaopu::jobs::RunReport::Done(0),
        "nothing left to send"
    );

    // Another buyer's order is not found, not forbidden.
    let stranger = m.app.signed_in("stranger@example.cn").await;
    let peek = m
        .app
        .get(&format!("/api/v1/orders/{paid}"), Some(&stranger.access))
        .await;
    assert_eq!(peek.status, 404);
}

#[actix_web::test]
async fn an_unpaid_order_is_cancelled_once_and_a_late_payment_is_refunded() {
    let m = market().await;
    let order_id = m.place_one("late-1", 3).await.id();
    let payment = m.buyer_post(order_id, "pay").await.json();
    make_overdue(&m, order_id).await;
    use xiaopu::jobs::{Job, RunReport};
    assert_eq!(run_job(&m, Job::CancelUnpaid).await, RunReport::Done(1));
    assert_eq!(run_job(&m, Job::CancelUnpaid).await, RunReport::Done(0));
    let order = m.order(order_id).await;
    assert_eq!(order["status"], "cancelled");
    assert_eq!(order["timeline"][1]["actor"], "system");
    assert_eq!(m.stock().await, 100, "stock returned exactly once");

    // The payment arrives afterwards: taken in, then sent back.
    let late = m
        .app
        .post(
            payment["checkout"]["complete_url"].as_str().unwrap(),
            &json!({}),
            Some(&m.buyer.access),
        )
        .await;
    assert_eq!(late.status, 200, "{}", late.text);
    assert_eq!(late.json()["outcome"], "refunded");
    assert_eq!(m.order(order_id).await["status"], "cancelled");
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn the_unpaid_order_job_racing_payments_settles_every_order_one_way() {
    let mut goods = goods_body();
    goods["skus"][0]["per_buyer_limit"] = Value::Null;
    let m = market_with(goods).await;
    let mut orders = Vec::new();
    for i in 0..6 {
        let order_id = m.place_one(&format!("race-pay-{i}"), 1).await.id();
        let payment = m.buyer_post(order_id, "pay").await.json();
        make_overdue(&m, order_id).await;
        orders.push((
            order_id,
            payment["checkout"]["complete_url"]
                .as_str()
                .unwrap()
                .to_owned(),
        ));
    }
    let empty = json!({});
    let payments = futures_util::future::join_all(
        orders
            .iter()
            .map(|(_, url)| m.app.post(url, &empty, Some(&m.buyer.access))),
    );
    let (outcomes, _) = futures_util::join!(payments, run_job(&m, xiaopu::jobs::Job::CancelUnpaid));
    let mut paid = 0;
    for ((order_id, _), outcome) in orders.iter().zip(&outcomes) {
        assert_eq!(outcome.status, 200, "{}", outcome.text);
        let status = m.order(*order_id).await["status"].clone();
        match outcome.json()["outcome"].as_str().unwrap() {
            "applied" => {
                assert_eq!(status, "paid");
                paid += 1;
            }
            "refunded" => assert_eq!(status, "cancelled"),
            other => panic!("unexpected outcome {other}"),
        }
    }
    // Stock: one piece per paid order; every cancelled order's piece came back once.
    assert_eq!(m.stock().await, 100 - paid);
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn a_refund_decided_but_not_yet_sent_is_sent_by_the_job_once() {
    use xiaopu::ledger::{accounts, service::balance};
    let m = market().await;
    let order_id = m.place_one("outbox-1", 1).await.id();
    assert_eq!(m.pay(order_id).await.json()["outcome"], "applied");
    // The cancellation alone, as a server that stopped right after committing it would leave it.
    m.app
        .db_write(move |conn| {
            let order = xiaopu::orders::repo::find(conn, order_id)?.unwrap();
            xiaopu::aftersales::cancellation::cancel(
                conn,
                &order,
                xiaopu::orders::service::ActorKind::Buyer,
                &xiaopu::audit::Actor::system(Clock::system().now()),
                "test",
            )
        })
        .await;
    let due = || {
        m.app
            .state
            .db
            .read(|conn| balance(conn, &accounts::refunds_due()))
    };
    assert_eq!(
        due().await.unwrap().0,
        2990,
        "owed to the buyer, not yet sent"
    );
    use xiaopu::jobs::{Job, RunReport};
    assert_eq!(run_job(&m, Job::SendRefunds).await, RunReport::Done(1));
    assert_eq!(run_job(&m, Job::SendRefunds).await, RunReport::Done(0));
    assert_eq!(due().await.unwrap().0, 0);
    m.app.ledger_check().await.expect("ledger balances");
}

/// The commission each of the shop's order lines recorded, oldest order first.
async fn recorded_rates(m: &Market) -> Vec<i64> {
    let seen = m.shop_orders().await;
    let mut rates: Vec<i64> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["lines"][0]["commission_bps"].as_i64().unwrap())
        .collect();
    rates.reverse();
    rates
}

#[actix_web::test]
async fn a_scheduled_commission_fall_applies_to_orders_only_once_in_force() {
    let mut goods = goods_body();
    goods["skus"][0]["per_buyer_limit"] = Value::Null;
    let m = market_with(goods).await;
    let fall = m
        .app
        .post(
            &format!("/api/v1/supplier/goods/{}/commission", m.goods_id),
            &json!({"commission_bps": 1800}),
            Some(&m.supplier.member.access),
        )
        .await;
    assert_eq!(fall.status, 200, "{}", fall.text);
    assert_eq!(m.place_one("fall-1", 1).await.status, 201);
    // The notice period ends.
    let goods_id = m.goods_id;
    m.app
        .db_write(move |conn| {
            use diesel::prelude::*;
            use xiaopu::db::schema::goods;
            diesel::update(goods::table.find(goods_id))
                .set(goods::pending_commission_at.eq(ago(chrono::Duration::seconds(1))))
                .execute(conn)?;
            Ok(())
        })
        .await;
    assert_eq!(m.place_one("fall-2", 1).await.status, 201);
    // The first order keeps its snapshot of the rate then in force.
    assert_eq!(recorded_rates(&m).await, [2000, 1800]);
}

#[actix_web::test]
async fn a_closed_shop_or_an_inactive_supplier_sells_nothing() {
    let m = market().await;
    let closed = m
        .app
        .post(
            &format!("/api/v1/me/shops/{}/close", m.shop_id),
            &json!({}),
            Some(&m.shopkeeper.access),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    let refused = m.place_one("closed-1", 1).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.code(), "line_unavailable");

    let other = market().await;
    let supplier_id = other.supplier.supplier_id;
    other
        .app
        .db_write(move |conn| {
            use diesel::prelude::*;
            use xiaopu::db::schema::suppliers;
            diesel::update(suppliers::table.find(supplier_id))
                .set(suppliers::is_active.eq(false))
                .execute(conn)?;
            Ok(())
        })
        .await;
    let refused = other.place_one("inactive-1", 1).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.code(), "line_unavailable");
    assert_eq!(other.stock().await, 100);
}

#[actix_web::test]
async fn keys_are_kept_for_the_retention_period_then_purged() {
    use diesel::prelude::*;
    use xiaopu::db::schema::idempotency_keys;
    let m = market().await;
    for key in ["old-key", "young-key"] {
        assert_eq!(m.place_one(key, 1).await.status, 201);
    }
    let hours = i64::from(m.app.state.settings.idempotency.retention_hours);
    m.app
        .db_write(move |conn| {
            diesel::update(
                idempotency_keys::table.filter(idempotency_keys::idempotency_key.eq("old-key")),
            )
            .set(idempotency_keys::created_at.eq(ago(
                chrono::Duration::hours(hours) + chrono::Duration::minutes(1)
            )))
            .execute(conn)?;
            // One inside the period, by a minute.
            diesel::update(
                idempotency_keys::table.filter(idempotency_keys::idempotency_key.eq("young-key")),
            )
            .set(
                idempotency_keys::created_at
                    .eq(ago(chrono::Duration::hours(hours)) + chrono::Duration::minutes(1)),
            )
            .execute(conn)?;
            Ok(())
        })
        .await;
    assert_eq!(
        run_job(&m, xiaopu::jobs::Job::PurgeKeys).await,
        xiaopu::jobs::RunReport::Done(1)
    );
    let left: Vec<String> = m
        .app
        .db_read(|conn| {
            Ok(idempotency_keys::table
                .select(idempotency_keys::idempotency_key)
                .load(conn)?)
        })
        .await;
    assert_eq!(left, ["young-key"]);
    // The kept key still replays.
    let replay = m.place_one("young-key", 1).await;
    assert_eq!(replay.header("Idempotent-Replayed"), Some("true"));
}

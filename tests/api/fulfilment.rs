//! The supplier's side of orders: its parts only, shipping one by one and from CSV, export,
//! receipt (by the buyer or after the configured days).

use serde_json::{json, Value};
use xiaopu::jobs::{Job, RunReport};

use crate::support::{Reply, SupplierFixture};
use crate::worlds::{age_shipment, market, paid_order, run_job, second_supplier, ship, Market};

async fn supplier_orders(m: &Market, supplier: &SupplierFixture, query: &str) -> Reply {
    m.app
        .get(
            &format!("/api/v1/supplier/orders{query}"),
            Some(&supplier.member.access),
        )
        .await
}

/// Posts a bulk-ship CSV file as the market's supplier.
async fn ship_bulk(m: &Market, file: &str) -> Reply {
    m.app
        .send(
            m.app
                .client
                .post(m.app.url("/api/v1/supplier/orders/ship-bulk"))
                .insert_header(("content-type", "text/csv"))
                .bearer_auth(&m.supplier.member.access),
            Some(file.as_bytes()),
        )
        .await
}

#[actix_web::test]
async fn each_supplier_sees_and_ships_only_its_own_part() {
    let m = market().await;
    let (other, other_item, other_sku) = second_supplier(&m).await;
    let order_id = paid_order(
        &m,
        "split-1",
        &[(m.item_id, m.sku_id, 1), (other_item, other_sku, 2)],
    )
    .await;
    let order = m.order(order_id).await;
    let parts = order["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);

    let mine = supplier_orders(&m, &m.supplier, "").await.json();
    let theirs = supplier_orders(&m, &other, "").await.json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    let my_part = mine["items"][0]["id"].as_i64().unwrap();
    let their_part = theirs["items"][0]["id"].as_i64().unwrap();
    assert_eq!(mine["items"][0]["lines"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["items"][0]["lines"][0]["quantity"], 2);
    assert_eq!(mine["items"][0]["address"]["detail"], "文三路 100 号");

    // Another supplier's part is not found, not forbidden.
    assert_eq!(ship(&m, &other, my_part, "SF").await.status, 404);
    // Carrier from configuration only.
    let unknown = ship(&m, &m.supplier, my_part, "UPS").await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.json()["errors"][0]["field"], "carrier");

    let shipped = ship(&m, &m.supplier, my_part, "SF").await;
    assert_eq!(shipped.status, 200, "{}", shipped.text);
    assert_eq!(shipped.json()["status"], "shipped");
    // Shipping twice is an illegal transition naming the state.
    let twice = ship(&m, &m.supplier, my_part, "SF").await;
    assert_eq!(twice.status, 409);
    assert!(twice.json()["detail"].as_str().unwrap().contains("shipped"));
    // One part shipped, the other paid: the order shows the least advanced.
    assert_eq!(m.order(order_id).await["status"], "paid");
    // And it can no longer be cancelled.
    let cancel = m.buyer_post(order_id, "cancel").await;
    assert_eq!(cancel.status, 409, "{}", cancel.text);
    assert_eq!(m.order(order_id).await["parts"][1]["status"], "paid");

    assert_eq!(ship(&m, &other, their_part, "ZTO").await.status, 200);
    let order = m.order(order_id).await;
    assert_eq!(order["status"], "shipped");
    assert_eq!(order["parts"][0]["carrier"], "SF");
    let received = m.buyer_post(order_id, "confirm-receipt").await;
    assert_eq!(received.status, 200, "{}", received.text);
    let order = received.json();
    assert_eq!(order["status"], "received");
    let steps: Vec<(Value, Value)> = order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["to"].clone(), t["actor"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (json!("pending_payment"), json!("buyer")),
            (json!("paid"), json!("gateway")),
            (json!("shipped"), json!("supplier")),
            (json!("shipped"), json!("supplier")),
            (json!("received"), json!("buyer")),
            (json!("received"), json!("buyer")),
        ]
    );
}

#[actix_web::test]
async fn unpaid_orders_cannot_ship_and_lists_filter_and_page() {
    let m = market().await;
    let unpaid = m.place_one("unpaid-1", 1).await.id();
    let mut paid = Vec::new();
    for i in 0..3 {
        paid.push(paid_order(&m, &format!("paid-{i}"), &[(m.item_id, m.sku_id, 1)]).await);
    }
    let pending = supplier_orders(&m, &m.supplier, "?status=pending_payment")
        .await
        .json();
    let pending_part = pending["items"][0]["id"].as_i64().unwrap();
    assert_eq!(pending["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        pending["items"][0]["order_no"],
        m.order(unpaid).await["order_no"]
    );
    let refused = ship(&m, &m.supplier, pending_part, "SF").await;
    assert_eq!(refused.status, 409);
    assert!(refused.json()["detail"]
        .as_str()
        .unwrap()
        .contains("pending_payment"));

    // Cursor pages of 2 over the 3 paid parts: no duplicates, no gaps.
    let first = supplier_orders(&m, &m.supplier, "?status=paid&limit=2")
        .await
        .json();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = supplier_orders(
        &m,
        &m.supplier,
        &format!("?status=paid&limit=2&cursor={cursor}"),
    )
    .await
    .json();
    assert!(second["next_cursor"].is_null());
    let seen: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));

    let today = xiaopu::clock::Clock::system().now().date();
    let tomorrow = today.succ_opt().unwrap();
    let from_tomorrow = supplier_orders(&m, &m.supplier, &format!("?from={tomorrow}"))
        .await
        .json();
    assert!(from_tomorrow["items"].as_array().unwrap().is_empty());
    let today_only = supplier_orders(&m, &m.supplier, &format!("?from={today}&to={today}"))
        .await
        .json();
    assert_eq!(today_only["items"].as_array().unwrap().len(), 4);
    let backwards = supplier_orders(&m, &m.supplier, &format!("?from={tomorrow}&to={today}")).await;
    assert_eq!(backwards.status, 422);
    let bad_status = supplier_orders(&m, &m.supplier, "?status=lost").await;
    assert_eq!(bad_status.status, 422);

    // The CSV export: a header and one row per line.
    let export = supplier_orders(&m, &m.supplier, "/export?status=paid").await;
    assert_eq!(export.status, 200);
    assert!(export
        .header("content-type")
        .unwrap()
        .starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(export.text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][2], "paid");
    assert_eq!(&rows[0][7], "浙江省 杭州市 西湖区");

    // A buyer is not a supplier.
    assert_eq!(
        m.app
            .get("/api/v1/supplier/orders", Some(&m.buyer.access))
            .await
            .status,
        403
    );
}

#[actix_web::test]
async fn bulk_shipping_reports_every_row() {
    let m = market().await;
    let (other, other_item, other_sku) = second_supplier(&m).await;
    let mut parts = Vec::new();
    for i in 0..2 {
        let order_id = paid_order(&m, &format!("bulk-{i}"), &[(m.item_id, m.sku_id, 1)]).await;
        parts.push(m.order(order_id).await["parts"][0]["id"].as_i64().unwrap());
    }
    let foreign = paid_order(&m, "bulk-foreign", &[(other_item, other_sku, 1)]).await;
    let foreign_part = m.order(foreign).await["parts"][0]["id"].as_i64().unwrap();
    let file = format!(
        "supplier_order_id,carrier,tracking_no\n{},SF,SF0001\n{},UPS,X12345\n{foreign_part},SF,SF0003\nnot-a-number,SF,SF0004\n{},SF\n{},SF,SF0001\n",
        parts[0], parts[1], parts[1], parts[0]
    );
    let reply = ship_bulk(&m, &file).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let report = reply.json();
    let outcomes: Vec<(i64, String, String)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["outcome"].as_str().unwrap().to_owned(),
                r["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(i64, String, String)> = [
        (2, "shipped", ""),
        (3, "error", "unknown_carrier"),
        (4, "error", "not_found"),
        (5, "error", "invalid_row"),
        (6, "error", "invalid_row"),
        (7, "error", "illegal_transition"),
    ]
    .into_iter()
    .map(|(l, o, c)| (l, o.to_owned(), c.to_owned()))
    .collect();
    assert_eq!(outcomes, expected);
    assert_eq!(
        (report["shipped"].as_i64(), report["failed"].as_i64()),
        (Some(1), Some(5))
    );
    // The other supplier's order was not touched.
    assert_eq!(m.order(foreign).await["status"], "paid");
    drop(other);

    // A file over the row limit is refused whole, before anything ships.
    let third = paid_order(&m, "bulk-big", &[(m.item_id, m.sku_id, 1)]).await;
    let third_part = m.order(third).await["parts"][0]["id"].as_i64().unwrap();
    let big: String = std::iter::once(format!("{third_part},SF,SF0009\n"))
        .chain((0..1000).map(|i| format!("{},SF,SF{i:04}\n", 900_000 + i)))
        .collect();
    let refused = ship_bulk(&m, &big).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.json()["errors"][0]["code"], "too_many_rows");
    assert_eq!(m.order(third).await["status"], "paid");

    let not_csv = m
        .app
        .post(
            "/api/v1/supplier/orders/ship-bulk",
            &json!({}),
            Some(&m.supplier.member.access),
        )
        .await;
    assert_eq!(not_csv.status, 415);
}

#[actix_web::test]
async fn receipt_is_confirmed_automatically_after_the_configured_days() {
    let m = market().await;
    let order_id = paid_order(&m, "auto-1", &[(m.item_id, m.sku_id, 1)]).await;
    let part = m.order(order_id).await["parts"][0]["id"].as_i64().unwrap();
    assert_eq!(ship(&m, &m.supplier, part, "SF").await.status, 200);
    assert_eq!(run_job(&m, Job::AutoReceive).await, RunReport::Done(0));
    let days = i64::from(m.app.state.settings.orders.auto_receive_days);
    age_shipment(&m, part, days).await;
    assert_eq!(run_job(&m, Job::AutoReceive).await, RunReport::Done(1));
    let order = m.order(order_id).await;
    assert_eq!(order["status"], "received");
    assert_eq!(
        order["timeline"].as_array().unwrap().last().unwrap()["actor"],
        "system"
    );
}

#[actix_web::test]
async fn a_job_held_by_another_server_is_left_to_it() {
    use diesel::prelude::*;
    use xiaopu::db::schema::job_leases;
    let m = market().await;
    let order_id = m.place_one("lease-1", 1).await.id();
    crate::worlds::make_overdue(&m, order_id).await;
    let hold = |expires_at: chrono::NaiveDateTime| {
        m.app.state.db.write(move |conn| {
            xiaopu::with_backend!(conn, c => diesel::insert_into(job_leases::table)
                .values((
                    job_leases::job.eq("cancel-unpaid"),
                    job_leases::holder.eq("other-server"),
                    job_leases::expires_at.eq(expires_at),
                ))
                .on_conflict(job_leases::job)
                .do_update()
                .set((
                    job_leases::holder.eq("other-server"),
                    job_leases::expires_at.eq(expires_at),
                ))
                .execute(c))?;
            Ok(())
        })
    };
    let now = xiaopu::clock::Clock::system().now();
    hold(now + chrono::Duration::minutes(5)).await.unwrap();
    assert_eq!(
        run_job(&m, Job::CancelUnpaid).await,
        RunReport::HeldElsewhere
    );
    assert_eq!(m.order(order_id).await["status"], "pending_payment");
    // A lapsed lease (its holder died) is taken over.
    hold(now - chrono::Duration::seconds(1)).await.unwrap();
    assert_eq!(run_job(&m, Job::CancelUnpaid).await, RunReport::Done(1));
    assert_eq!(m.order(order_id).await["status"], "cancelled");
}

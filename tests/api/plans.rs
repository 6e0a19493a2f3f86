//! Targeted commission plans: an exclusive rate for chosen shops on chosen goods, used by new
//! orders only while in force; the supplier's view of the shops that sell its goods.

use serde_json::{json, Value};

use crate::support::Reply;
use crate::worlds::{market, market_with, paid_order, Market};

async fn create_plan(m: &Market, body: Value) -> Reply {
    m.app
        .post(
            "/api/v1/supplier/plans",
            &body,
            Some(&m.supplier.member.access),
        )
        .await
}

fn plan_body(m: &Market, bps: i32, starts_in_hours: i64) -> Value {
    let now = xiaopu::clock::Clock::system().now().and_utc();
    json!({
        "name": "爆款合作 star sellers",
        "shop_ids": [m.shop_id],
        "goods_ids": [m.goods_id],
        "commission_bps": bps,
        "starts_at": now + chrono::Duration::hours(starts_in_hours),
        "ends_at": now + chrono::Duration::days(30),
    })
}

/// The rate the last line of a new one-piece order got, and its earning.
async fn rate_of_new_order(m: &Market, key: &str) -> (i64, i64) {
    let placed = m.place_one(key, 1).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let order_id = placed.id();
    let shop_orders = m.shop_orders().await;
    let order = shop_orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == order_id)
        .unwrap()
        .clone();
    (
        order["lines"][0]["commission_bps"].as_i64().unwrap(),
        order["lines"][0]["earning_fen"].as_i64().unwrap(),
    )
}

#[actix_web::test]
async fn a_plan_rate_is_used_only_while_it_is_in_force() {
    // No per-buyer limit: the test orders as often as it checks a rate.
    let mut goods = crate::support::goods_body();
    goods["skus"][0]["per_buyer_limit"] = Value::Null;
    let m = market_with(goods).await;
    // The public rate is 20%.
    assert_eq!(rate_of_new_order(&m, "p-0").await, (2000, 598));

    // Not above the public rate, or goods that are not the supplier's: refused.
    let low = create_plan(&m, plan_body(&m, 2000, 0)).await;
    assert_eq!(low.status, 422, "{}", low.text);
    assert_eq!(low.json()["errors"][0]["code"], "not_above_public_rate");
    let mut foreign = plan_body(&m, 3000, 0);
    foreign["goods_ids"] = json!([m.goods_id + 1000]);
    let refused = create_plan(&m, foreign).await;
    assert_eq!(refused.json()["errors"][0]["field"], "goods_ids[0]");

    // A plan that starts tomorrow does nothing yet.
    let later = create_plan(&m, plan_body(&m, 2500, 24)).await;
    assert_eq!(later.status, 201, "{}", later.text);
    assert_eq!(later.json()["in_force"], false);
    assert_eq!(rate_of_new_order(&m, "p-1").await, (2000, 598));

    // One in force now: 30%.
    let now = create_plan(&m, plan_body(&m, 3000, 0)).await;
    assert_eq!(now.status, 201, "{}", now.text);
    let plan = now.json();
    assert_eq!(plan["in_force"], true);
    assert_eq!(plan["shop_ids"], json!([m.shop_id]));
    assert_eq!(rate_of_new_order(&m, "p-2").await, (3000, 897));

    // Suspended (30 days by default): the public rate again.
    let suspended = m
        .app
        .post(
            &format!("/api/v1/supplier/plans/{}/suspend", plan["id"]),
            &json!({}),
            Some(&m.supplier.member.access),
        )
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.text);
    assert_eq!(suspended.json()["in_force"], false);
    assert_eq!(rate_of_new_order(&m, "p-3").await, (2000, 598));

    // A plan past its end does nothing either.
    let ending = create_plan(&m, plan_body(&m, 3500, 0)).await.json();
    assert_eq!(rate_of_new_order(&m, "p-4").await, (3500, 1046));
    let ending_id = ending["id"].as_i64().unwrap();
    m.app
        .db_write(move |conn| {
            use diesel::prelude::*;
            use xiaopu::db::schema::commission_plans;
            let now = xiaopu::clock::Clock::system().now();
            diesel::update(commission_plans::table.find(ending_id))
                .set((
                    commission_plans::starts_at.eq(now - chrono::Duration::days(2)),
                    commission_plans::ends_at.eq(now - chrono::Duration::seconds(1)),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await;
    assert_eq!(rate_of_new_order(&m, "p-5").await, (2000, 598));

    // Another supplier cannot touch it.
    let other = m
        .app
        .active_supplier("other@example.cn", crate::support::CREDIT_CODES[1])
        .await;
    let foreign_suspend = m
        .app
        .post(
            &format!("/api/v1/supplier/plans/{}/suspend", plan["id"]),
            &json!({}),
            Some(&other.member.access),
        )
        .await;
    assert_eq!(foreign_suspend.status, 404);
}

#[actix_web::test]
async fn suppliers_see_the_shops_that_sell_their_goods_with_ninety_day_figures() {
    let m = market().await;
    paid_order(&m, "s-1", &[(m.item_id, m.sku_id, 2)]).await;
    paid_order(&m, "s-2", &[(m.item_id, m.sku_id, 1)]).await;
    // An unpaid order does not count.
    assert_eq!(m.place_one("s-3", 1).await.status, 201);
    let page = m
        .app
        .get_json(
            "/api/v1/supplier/shopkeepers",
            Some(&m.supplier.member.access),
        )
        .await;
    assert_eq!(page["total"], 1);
    let shop = &page["items"][0];
    assert_eq!(shop["shop_id"], m.shop_id);
    assert_eq!(shop["orders_90d"], 2);
    assert_eq!(shop["gmv_90d_fen"], 3 * 2990);
    assert_eq!(shop["average_order_fen"], 3 * 2990 / 2);
    assert_eq!(shop["refund_rate_bps"], 0);
    assert_eq!(shop["shopkeeper_member_id"], m.shopkeeper.member.0);
}

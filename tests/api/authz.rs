//! The authorization matrix, driven by the OpenAPI document the server builds (so a route
//! added later is checked too):
//! - every operation is called anonymously and by a member of each role, with ids that name
//!   nothing: a route that needs a token answers 401 without one, and a route for one role
//!   answers 403 to the others, before it looks at ids or bodies;
//! - every operation on one party's object (a shop, its items, an order, a payment, a case,
//!   goods, a supplier order, a plan) is called with a valid body by every other party of the
//!   right role: 404, as if the object did not exist (never 403, which would confirm it does),
//!   and nothing changes; the owner still reads each object. (What the owner may do with it is
//!   tested per module: shops, orders, aftersales…)

use std::collections::HashMap;

use serde_json::{json, Value};
use xiaopu::app::openapi_document;
use xiaopu::config::Settings;

use crate::support::{Reply, TestApp, CREDIT_CODES};
use crate::worlds::{market, open_case, order_body, paid_order};

fn document() -> Value {
    let settings = Settings::load_from(None, &HashMap::new()).unwrap();
    serde_json::from_str(&openapi_document(&settings).to_pretty_json().unwrap()).unwrap()
}

/// The roles an operation admits: None when it is public, empty for any signed-in member.
fn roles_of(operation: &Value) -> Option<Vec<&str>> {
    let security = &operation["security"][0];
    assert!(security.is_object(), "{operation} declares no role");
    security.get("bearer").map(|roles| {
        roles
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect()
    })
}

async fn call(app: &TestApp, method: &str, url: &str, body: &Value, token: Option<&str>) -> Reply {
    let request = app
        .client
        .request(method.to_uppercase().parse().unwrap(), app.url(url))
        .insert_header(("content-type", "application/json"));
    let request = match token {
        Some(token) => request.insert_header(("authorization", format!("Bearer {token}"))),
        None => request,
    };
    let body = body.to_string();
    app.send(request, (method != "get").then_some(body.as_bytes()))
        .await
}

/// `path` with every `{parameter}` naming nothing that exists.
fn nothing_at(path: &str) -> String {
    let mut url = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("closed parameter") + open;
        url.push_str(&rest[..open]);
        url.push_str("999999");
        rest = &rest[close + 1..];
    }
    url.push_str(rest);
    url
}

#[actix_web::test]
async fn every_route_answers_401_without_a_token_and_403_to_the_wrong_role() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("admin@authz.cn").await;
    let buyer = app.signed_in("buyer@authz.cn").await;
    let supplier = app
        .active_supplier("supplier@authz.cn", CREDIT_CODES[0])
        .await;
    let (keeper, _, _) = app
        .shopkeeper("keeper@authz.cn", 1, "小林的杂货铺", &admin)
        .await;
    let callers = [
        ("buyer", buyer.access.as_str()),
        ("shopkeeper", keeper.access.as_str()),
        ("supplier", supplier.member.access.as_str()),
        ("admin", admin.access.as_str()),
    ];
    let document = document();
    let (mut operations, mut calls) = (0, 0);
    for (path, methods) in document["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            operations += 1;
            let Some(roles) = roles_of(operation) else {
                continue; // open to anyone (sign-in, the public shop pages, callbacks)
            };
            let url = nothing_at(path);
            let anonymous = call(&app, method, &url, &json!({}), None).await;
            calls += 1;
            assert_eq!(
                anonymous.status, 401,
                "{method} {path} anonymous: {}",
                anonymous.text
            );
            if roles.is_empty() {
                continue; // any signed-in member
            }
            for (role, token) in callers {
                if roles.contains(&role) {
                    continue;
                }
                let reply = call(&app, method, &url, &json!({}), Some(token)).await;
                calls += 1;
                assert_eq!(
                    reply.status, 403,
                    "{method} {path} as {role}: {}",
                    reply.text
                );
            }
        }
    }
    assert!(operations >= 90, "{operations} operations");
    assert!(calls >= 150, "{calls} calls");
    eprintln!(
        "authorization matrix: {operations} operations, {calls} anonymous and wrong-role calls"
    );
}

/// A valid body for each operation on an object that takes one, so that the refusal a caller
/// gets is about the object, not the body. A new such operation must be added here.
fn valid_body(method: &str, path: &str, goods_id: i64) -> Value {
    let text = json!({"text": "照片见附件 see photos", "image_urls": []});
    let parcel = json!({"carrier": "SF", "tracking_no": "SF1234567890"});
    match (method, path) {
        ("post", "/api/v1/aftersales/{id}/escalate" | "/api/v1/aftersales/{id}/evidence")
        | ("post", "/api/v1/supplier/aftersales/{id}/evidence") => text,
        ("post", "/api/v1/aftersales/{id}/return" | "/api/v1/supplier/orders/{id}/ship") => parcel,
        ("patch", "/api/v1/me/shops/{shop_id}") => json!({"description": "新描述"}),
        ("post", "/api/v1/me/shops/{shop_id}/items") => {
            json!({"goods_id": goods_id, "recommendation": "好吃"})
        }
        ("post", "/api/v1/me/shops/{shop_id}/items/bulk") => {
            json!({"items": [{"goods_id": goods_id, "recommendation": "好吃"}]})
        }
        ("patch", "/api/v1/me/shops/{shop_id}/items/{item_id}") => json!({"pinned": true}),
        ("post", "/api/v1/orders/{order_id}/aftersales") => json!({
            "supplier_order_id": 1, "kind": "refund_only",
            "lines": [{"order_line_id": 1, "quantity": 1}], "reason": "破损 damaged"
        }),
        ("post", "/api/v1/supplier/aftersales/{id}/approve") => json!({}),
        ("post", "/api/v1/supplier/aftersales/{id}/reject") => json!({"note": "完好 intact"}),
        ("patch", "/api/v1/supplier/goods/{id}") => json!({"title": "新标题 new title"}),
        ("post", "/api/v1/supplier/goods/{id}/commission") => json!({"commission_bps": 2100}),
        ("put", "/api/v1/supplier/goods/{id}/skus/{sku_id}/stock") => {
            json!({"stock": 5, "version": 1})
        }
        ("post", "/api/v1/supplier/goods/{id}/skus/{sku_id}/stock/adjust") => json!({"delta": 1}),
        ("post", "/api/v1/supplier/plans/{id}/suspend") => json!({"days": 1}),
        _ => json!({}),
    }
}

#[actix_web::test]
async fn another_partys_object_is_404_to_every_other_member_and_changes_nothing() {
    // Party A: the market's supplier, shopkeeper and buyer, with one of everything.
    let m = market().await;
    let app = &m.app;
    let admin = app.signed_in_admin("admin@authz.cn").await;
    let order_id = paid_order(&m, "authz-paid", &[(m.item_id, m.sku_id, 2)]).await;
    let order = m.order(order_id).await;
    let part_id = order["parts"][0]["id"].as_i64().unwrap();
    let line_id = order["parts"][0]["lines"][0]["id"].as_i64().unwrap();
    let case = open_case(&m, order_id, part_id, "refund_only", line_id, 1).await;
    assert_eq!(case.status, 201, "{}", case.text);
    let case_id = case.id();
    let unpaid = m
        .place(
            "authz-unpaid",
            &order_body(&[(m.item_id, m.sku_id, 1)]),
            &m.buyer,
        )
        .await
        .id();
    let payment = app
        .post(
            &format!("/api/v1/orders/{unpaid}/pay"),
            &json!({}),
            Some(&m.buyer.access),
        )
        .await;
    let payment_no = payment.json()["payment_no"].as_str().unwrap().to_owned();
    let now = xiaopu::clock::Clock::system().now().and_utc();
    let plan = app
        .post(
            "/api/v1/supplier/plans",
            &json!({"name": "独家 exclusive", "shop_ids": [m.shop_id], "goods_ids": [m.goods_id],
                    "commission_bps": 3000, "ends_at": now + chrono::Duration::days(30)}),
            Some(&m.supplier.member.access),
        )
        .await;
    assert_eq!(plan.status, 201, "{}", plan.text);
    let plan_id = plan.id();
    let share = app
        .post(
            &format!("/api/v1/me/shops/{}/items/{}/share", m.shop_id, m.item_id),
            &json!({}),
            Some(&m.shopkeeper.access),
        )
        .await;
    assert!(share.status < 300, "{}", share.text);

    // Party B: one of each role, with objects of their own.
    let buyer_b = app.signed_in("buyer-b@authz.cn").await;
    let (keeper_b, _, _) = app
        .shopkeeper("keeper-b@authz.cn", 2, "第二家小店", &admin)
        .await;
    let supplier_b = app
        .active_supplier("supplier-b@authz.cn", CREDIT_CODES[1])
        .await;
    let others_of = |roles: &[&str]| -> Vec<(&'static str, String)> {
        match roles {
            [] => vec![
                ("buyer B", buyer_b.access.clone()),
                ("shopkeeper B", keeper_b.access.clone()),
                ("supplier B", supplier_b.member.access.clone()),
                // A's own supplier and shopkeeper are not the buyer of A's orders either.
                ("supplier A", m.supplier.member.access.clone()),
                ("shopkeeper A", m.shopkeeper.access.clone()),
            ],
            ["shopkeeper"] => vec![("shopkeeper B", keeper_b.access.clone())],
            ["supplier"] => vec![("supplier B", supplier_b.member.access.clone())],
            other => panic!("no other party for {other:?}"),
        }
    };
    let owner_of = |roles: &[&str]| match roles {
        [] => m.buyer.access.clone(),
        ["shopkeeper"] => m.shopkeeper.access.clone(),
        _ => m.supplier.member.access.clone(),
    };

    // A's object for each path parameter; `{id}` names what its path is about.
    let of_a = |path: &str| -> String {
        let id = if path.contains("/aftersales/{id}") {
            case_id.to_string()
        } else if path.contains("/supplier/goods/{id}") {
            m.goods_id.to_string()
        } else if path.contains("/supplier/orders/{id}") {
            part_id.to_string()
        } else if path.contains("/supplier/plans/{id}") {
            plan_id.to_string()
        } else {
            String::new()
        };
        path.replace("{id}", &id)
            .replace("{shop_id}", &m.shop_id.to_string())
            .replace("{item_id}", &m.item_id.to_string())
            .replace("{order_id}", &order_id.to_string())
            .replace("{sku_id}", &m.sku_id.to_string())
            .replace("{payment_no}", &payment_no)
    };

    let document = document();
    let (mut operations, mut calls, mut reads) = (0, 0, 0);
    for (path, methods) in document["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            let Some(roles) = roles_of(operation) else {
                continue;
            };
            if !path.contains('{') || roles.contains(&"admin") {
                continue; // nothing of a party's own, or the platform's view of everything
            }
            operations += 1;
            let url = of_a(path);
            assert!(
                !url.contains('{'),
                "{path}: which object of A's does it name?"
            );
            let body = valid_body(method, path, m.goods_id);
            for (who, token) in others_of(&roles) {
                let reply = call(app, method, &url, &body, Some(&token)).await;
                calls += 1;
                assert_eq!(reply.status, 404, "{method} {url} as {who}: {}", reply.text);
            }
            if method == "get" {
                let reply = call(app, method, &url, &json!({}), Some(&owner_of(&roles))).await;
                reads += 1;
                assert_eq!(
                    reply.status, 200,
                    "{method} {url} as its owner: {}",
                    reply.text
                );
            }
        }
    }
    assert!(operations >= 30, "{operations} operations");
    assert!(calls >= 60, "{calls} calls");
    assert!(reads >= 4, "{reads} reads");
    eprintln!("object matrix: {operations} operations, {calls} calls by other parties, {reads} owner reads");

    // Nothing the others sent changed A's things.
    let after = m.order(order_id).await;
    assert_eq!(after["status"], order["status"]);
    assert_eq!(m.order(unpaid).await["status"], "pending_payment");
    let goods = app
        .get(
            &format!("/api/v1/supplier/goods/{}", m.goods_id),
            Some(&m.supplier.member.access),
        )
        .await
        .json();
    assert_eq!(goods["status"], "listed");
    assert_ne!(goods["title"], "新标题 new title");
    let shop = app
        .get("/api/v1/me/shops", Some(&m.shopkeeper.access))
        .await
        .json();
    assert!(!shop.to_string().contains("新描述"), "{shop}");
    assert_eq!(m.case(case_id).await["status"], "requested");
}

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::{
    ago, assert_refused_by_field, goods_body, TestApp, CREDIT_CODES, FOOD_SNACKS_DEPOSIT,
};

#[actix_web::test]
async fn parity_and_listing_rules_are_refused_by_field() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "skus[0].price_fen",
            Box::new(|b| b["skus"][0]["price_fen"] = json!(3300)),
            "above_reference_price",
        ),
        (
            "commission_bps",
            Box::new(|b| b["commission_bps"] = json!(1400)),
            "below_market_rate",
        ),
        (
            "commission_bps",
            Box::new(|b| {
                b["market_commission_bps"] = json!(0);
                b["commission_bps"] = json!(100);
            }),
            "below_floor",
        ),
        (
            "commission_bps",
            Box::new(|b| b["commission_bps"] = json!(6000)),
            "above_ceiling",
        ),
        (
            "image_urls[0]",
            Box::new(|b| b["image_urls"] = json!(["http://img.example.cn/a.jpg"])),
            "https_required",
        ),
        (
            "brand",
            Box::new(|b| b["brand"] = json!("OtherBrand")),
            "not_authorised",
        ),
        (
            "category",
            Box::new(|b| b["category"] = json!("weapons")),
            "unknown_category",
        ),
        ("skus", Box::new(|b| b["skus"] = json!([])), "count"),
        (
            "skus[0].stock",
            Box::new(|b| b["skus"][0]["stock"] = json!(-1)),
            "out_of_range",
        ),
    ];
    for (field, change, code) in cases {
        let mut body = goods_body();
        change(&mut body);
        let reply = app
            .post(
                "/api/v1/supplier/goods",
                &body,
                Some(&supplier.member.access),
            )
            .await;
        assert_refused_by_field(&reply, field, code);
    }
    // Unbranded goods with a voucher reference are fine.
    let mut unbranded = goods_body();
    unbranded["brand"] = Value::Null;
    unbranded["voucher_reference"] = json!("PV-2026-001");
    assert_eq!(
        app.post(
            "/api/v1/supplier/goods",
            &unbranded,
            Some(&supplier.member.access)
        )
        .await
        .status,
        201
    );
}

#[actix_web::test]
async fn goods_are_orderable_only_while_the_supplier_is_active() {
    let app = TestApp::start().await;
    let supplier = app.approved_supplier("s@b.cn", CREDIT_CODES[0], None).await;
    let token = Some(supplier.member.access.as_str());
    let created = app
        .post("/api/v1/supplier/goods", &goods_body(), token)
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(created.json()["status"], "draft");

    let refused = app
        .post(
            &format!("/api/v1/supplier/goods/{id}/list"),
            &json!({}),
            token,
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (409, "supplier_inactive".to_owned())
    );

    app.pay_deposit(&supplier, FOOD_SNACKS_DEPOSIT, "BANK-1")
        .await;
    let listed = app
        .post(
            &format!("/api/v1/supplier/goods/{id}/list"),
            &json!({}),
            token,
        )
        .await
        .json();
    assert_eq!(
        (listed["status"].as_str(), listed["orderable"].as_bool()),
        (Some("listed"), Some(true))
    );

    let deducted = app
        .post(
            &format!("/api/v1/admin/suppliers/{}/deposit/deductions", supplier.supplier_id),
            &json!({"amount_fen": 1, "kind": "aftersales_compensation", "reason": "late refund", "case_reference": "AS-1"}),
            Some(&supplier.admin.access),
        )
        .await;
    assert_eq!(deducted.status, 200, "{}", deducted.text);
    let goods = app
        .get(&format!("/api/v1/supplier/goods/{id}"), token)
        .await
        .json();
    assert_eq!(
        (goods["status"].as_str(), goods["orderable"].as_bool()),
        (Some("listed"), Some(false)),
        "visible but unavailable"
    );

    app.pay_deposit(&supplier, 1, "BANK-2").await;
    let goods = app
        .get(&format!("/api/v1/supplier/goods/{id}"), token)
        .await
        .json();
    assert_eq!(goods["orderable"], true);

    let delisted = app
        .post(
            &format!("/api/v1/supplier/goods/{id}/delist"),
            &json!({}),
            token,
        )
        .await
        .json();
    assert_eq!(
        (delisted["status"].as_str(), delisted["orderable"].as_bool()),
        (Some("delisted"), Some(false))
    );
    let page = app
        .get("/api/v1/supplier/goods?status=delisted", token)
        .await
        .json();
    assert_eq!(page["total"], 1);
}

#[actix_web::test]
async fn a_commission_fall_waits_for_the_notice_period_and_a_rise_does_not() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let token = Some(supplier.member.access.as_str());
    let id = app
        .post("/api/v1/supplier/goods", &goods_body(), token)
        .await
        .id();
    let change = |rate: i64| {
        let path = format!("/api/v1/supplier/goods/{id}/commission");
        let app = &app;
        async move {
            app.post(&path, &json!({"commission_bps": rate}), token)
                .await
        }
    };

    let rise = change(2500).await.json();
    assert_eq!(rise["commission_bps"], 2500);
    assert!(rise["upcoming_commission"].is_null());

    let fall = change(1800).await.json();
    assert_eq!(
        fall["commission_bps"], 2500,
        "the old rate holds during the notice period"
    );
    assert_eq!(fall["upcoming_commission"]["commission_bps"], 1800);
    // RFC 3339 with its zone, as the OpenAPI document says.
    let effective_at = chrono::DateTime::parse_from_rfc3339(
        fall["upcoming_commission"]["effective_at"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let notice = effective_at.naive_utc() - xiaopu::clock::Clock::system().now();
    assert!(
        notice > chrono::Duration::days(6) && notice <= chrono::Duration::days(7),
        "{notice:?}"
    );

    let below_market = change(1400).await;
    assert_eq!(below_market.status, 422);

    // Time passes: the notice period ends.
    app.db_write(move |conn| {
        use xiaopu::db::schema::goods::dsl::*;
        diesel::update(goods.find(id))
            .set(pending_commission_at.eq(ago(chrono::Duration::seconds(1))))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let after = app
        .get(&format!("/api/v1/supplier/goods/{id}"), token)
        .await
        .json();
    assert_eq!(after["commission_bps"], 1800);
    assert!(after["upcoming_commission"].is_null());

    // A rise during a pending fall cancels it.
    change(1700).await;
    let cancelled = change(3000).await.json();
    assert_eq!(cancelled["commission_bps"], 3000);
    assert!(cancelled["upcoming_commission"].is_null());

    let audited: i64 = app
        .db_read(|conn| {
            use xiaopu::db::schema::audit_events::dsl::*;
            Ok(audit_events
                .filter(action.eq("goods.commission_changed"))
                .count()
                .get_result(conn)?)
        })
        .await;
    assert_eq!(audited, 4);
}

#[actix_web::test]
async fn another_suppliers_goods_are_not_found_and_other_roles_are_forbidden() {
    let app = TestApp::start().await;
    let owner = app.active_supplier("owner@b.cn", CREDIT_CODES[0]).await;
    let other = app.active_supplier("other@b.cn", CREDIT_CODES[1]).await;
    let created = app
        .post(
            "/api/v1/supplier/goods",
            &goods_body(),
            Some(&owner.member.access),
        )
        .await
        .json();
    let (id, sku) = (
        created["id"].as_i64().unwrap(),
        created["skus"][0]["id"].as_i64().unwrap(),
    );
    let token = Some(other.member.access.as_str());
    assert_eq!(
        app.get(&format!("/api/v1/supplier/goods/{id}"), token)
            .await
            .status,
        404
    );
    for (path, body) in [
        (format!("/api/v1/supplier/goods/{id}/list"), json!({})),
        (
            format!("/api/v1/supplier/goods/{id}/commission"),
            json!({"commission_bps": 3000}),
        ),
        (
            format!("/api/v1/supplier/goods/{id}/skus/{sku}/stock/adjust"),
            json!({"delta": 1}),
        ),
    ] {
        assert_eq!(app.post(&path, &body, token).await.status, 404, "{path}");
    }
    let patch = app
        .patch(
            &format!("/api/v1/supplier/goods/{id}"),
            &json!({"title": "mine now"}),
            token,
        )
        .await;
    assert_eq!(patch.status, 404);
    assert_eq!(
        app.get("/api/v1/supplier/goods", token).await.json()["total"],
        0
    );

    let buyer = app.signed_in("buyer@b.cn").await;
    assert_eq!(
        app.get("/api/v1/supplier/goods", Some(&buyer.access))
            .await
            .status,
        403
    );
    assert_eq!(
        app.post("/api/v1/supplier/goods", &goods_body(), Some(&buyer.access))
            .await
            .status,
        403
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/admin/goods/{id}/takedown"),
            &json!({"reason": "x"}),
            Some(&owner.member.access)
        )
        .await
        .status,
        403
    );
}

#[actix_web::test]
async fn stock_updates_are_versioned_and_never_go_below_zero() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let token = Some(supplier.member.access.as_str());
    let created = app
        .post("/api/v1/supplier/goods", &goods_body(), token)
        .await
        .json();
    let (id, sku) = (
        created["id"].as_i64().unwrap(),
        created["skus"][0]["id"].as_i64().unwrap(),
    );
    let version = created["skus"][0]["version"].as_i64().unwrap();
    let put = |stock: i64, version: i64| {
        let path = format!("/api/v1/supplier/goods/{id}/skus/{sku}/stock");
        let (app, supplier) = (&app, &supplier);
        async move {
            app.put(
                &path,
                &json!({"stock": stock, "version": version}),
                Some(&supplier.member.access),
            )
            .await
        }
    };
    let set = put(40, version).await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.json()["skus"][0]["stock"], 40);
    let stale = put(50, version).await;
    assert_eq!(
        (stale.status, stale.code()),
        (409, "stale_version".to_owned())
    );

    let adjust = |delta: i64| {
        let path = format!("/api/v1/supplier/goods/{id}/skus/{sku}/stock/adjust");
        let app = &app;
        async move { app.post(&path, &json!({"delta": delta}), token).await }
    };
    assert_eq!(adjust(-41).await.code(), "insufficient_stock");
    assert_eq!(adjust(-40).await.json()["skus"][0]["stock"], 0);
    assert_eq!(adjust(7).await.json()["skus"][0]["stock"], 7);
    assert_eq!(put(-1, 99).await.status, 422);

    // The database refuses negative stock even behind the service's back.
    let refused = app
        .db_read(|conn| {
            Ok(diesel::sql_query("UPDATE goods_skus SET stock = -1")
                .execute(conn)
                .is_err())
        })
        .await;
    assert!(refused);
}

#[actix_web::test]
async fn concurrent_stock_decrements_never_oversell() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let token = Some(supplier.member.access.as_str());
    let mut body = goods_body();
    body["skus"][0]["stock"] = json!(5);
    let created = app
        .post("/api/v1/supplier/goods", &body, token)
        .await
        .json();
    let path = format!(
        "/api/v1/supplier/goods/{}/skus/{}/stock/adjust",
        created["id"], created["skus"][0]["id"]
    );
    let take_one = json!({"delta": -1});
    let replies =
        futures_util::future::join_all((0..12).map(|_| app.post(&path, &take_one, token))).await;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        ok,
        5,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(replies
        .iter()
        .all(|r| r.status == 200 || r.code() == "insufficient_stock"));
}

#[actix_web::test]
async fn patches_keep_parity_and_takedowns_are_final_for_the_supplier() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let token = supplier.member.access.clone();
    let created = app
        .post("/api/v1/supplier/goods", &goods_body(), Some(&token))
        .await
        .json();
    let (id, sku) = (
        created["id"].as_i64().unwrap(),
        created["skus"][0]["id"].as_i64().unwrap(),
    );
    let patch = |body: Value| {
        let (app, token) = (&app, token.clone());
        async move {
            app.patch(&format!("/api/v1/supplier/goods/{id}"), &body, Some(&token))
                .await
        }
    };
    let cheaper_elsewhere = patch(json!({"reference_price_fen": 2000})).await;
    assert_eq!(cheaper_elsewhere.status, 422);
    assert_eq!(
        cheaper_elsewhere.json()["errors"][0]["code"],
        "above_reference_price"
    );
    let ok = patch(json!({"title": "Dried mango, 500 g", "skus": [{"id": sku, "price_fen": 2890}, {"attributes": {"size": "1kg"}, "price_fen": 3200, "stock": 10}]})).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let body = ok.json();
    assert_eq!(body["title"], "Dried mango, 500 g");
    assert_eq!(body["skus"].as_array().unwrap().len(), 2);
    assert_eq!(body["skus"][0]["price_fen"], 2890);
    assert_eq!(
        body["skus"][0]["stock"], 100,
        "stock only moves through the stock endpoints"
    );
    assert_eq!(
        patch(json!({"skus": [{"id": 999_999, "price_fen": 1}]}))
            .await
            .status,
        422
    );

    let admin = supplier.admin.clone();
    let down = app
        .post(
            &format!("/api/v1/admin/goods/{id}/takedown"),
            &json!({"reason": "counterfeit report"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(down.status, 200, "{}", down.text);
    assert_eq!(down.json()["status"], "taken_down");
    assert_eq!(
        app.post(
            &format!("/api/v1/supplier/goods/{id}/list"),
            &json!({}),
            Some(&token)
        )
        .await
        .code(),
        "taken_down"
    );
    assert_eq!(
        app.post(
            "/api/v1/admin/goods/999999/takedown",
            &json!({"reason": "x"}),
            Some(&admin.access)
        )
        .await
        .status,
        404
    );
}

use std::collections::HashSet;

use diesel::prelude::*;
use serde_json::{json, Value};
use xiaopu::db::schema::{goods, tier_history};

use crate::support::{ago, goods_body, TestApp, CREDIT_CODES};

/// Every page of the shop's items, following cursors; `between` runs before each next page.
async fn all_pages(
    app: &TestApp,
    shop_no: &str,
    limit: u32,
    mut between: impl AsyncFnMut(),
) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/shops/{shop_no}/items?limit={limit}&cursor={c}"),
            None => format!("/api/v1/shops/{shop_no}/items?limit={limit}"),
        };
        let body = app.get_json(&path, None).await;
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
        between().await;
    }
}

#[actix_web::test]
async fn cursor_pages_have_no_duplicates_or_gaps_while_items_are_added() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let admin = supplier.admin.clone();
    let (keeper, shop_id, shop_no) = app.shopkeeper("k@b.cn", 1, "阿明的零食铺", &admin).await;
    let goods_ids = app.seed_goods(supplier.supplier_id, 80).await;
    app.seed_items(shop_id, goods_ids[..50].to_vec()).await;
    // Pin two items from the middle: they lead the list.
    let first_page = app
        .get(&format!("/api/v1/shops/{shop_no}/items?limit=50"), None)
        .await
        .json();
    let ids: Vec<i64> = first_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    for id in [ids[20], ids[30]] {
        let pinned = app
            .patch(
                &format!("/api/v1/me/shops/{shop_id}/items/{id}"),
                &json!({"pinned": true}),
                Some(&keeper.access),
            )
            .await;
        assert_eq!(pinned.status, 200);
    }
    // The first item moved behind the others (items added later go after it).
    let moved = app
        .patch(
            &format!("/api/v1/me/shops/{shop_id}/items/{}", ids[0]),
            &json!({"position": 100_000}),
            Some(&keeper.access),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);

    let mut to_add = goods_ids[50..].iter().copied();
    let seen = all_pages(&app, &shop_no, 7, async || {
        // New items arrive while the buyer scrolls.
        let batch: Vec<i64> = to_add.by_ref().take(3).collect();
        app.seed_items(shop_id, batch).await;
    })
    .await;
    let seen_ids: Vec<i64> = seen.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    let unique: HashSet<i64> = seen_ids.iter().copied().collect();
    assert_eq!(unique.len(), seen_ids.len(), "a page repeated an item");
    assert!(
        ids.iter().all(|id| unique.contains(id)),
        "an item was skipped"
    );
    assert_eq!(
        &seen_ids[..2],
        &[ids[20], ids[30]],
        "pinned items come first"
    );
    let by_position: Vec<i64> = ids[1..]
        .iter()
        .copied()
        .filter(|id| *id != ids[20] && *id != ids[30])
        .chain([ids[0]])
        .collect();
    assert_eq!(&seen_ids[2..50], &by_position[..], "then by position");
    // Items added during the walk land at the end, so the walk saw them too.
    assert_eq!(seen_ids.len(), 80);

    // No commission figure anywhere in public answers.
    for item in &seen {
        let text = item.to_string();
        assert!(
            !text.contains("commission") && !text.contains("earn"),
            "{text}"
        );
    }

    let bad = app
        .get(
            &format!("/api/v1/shops/{shop_no}/items?cursor=nonsense"),
            None,
        )
        .await;
    assert_eq!(
        (bad.status, bad.json()["errors"][0]["field"].clone()),
        (422, json!("cursor"))
    );
    let filtered = app
        .get(
            &format!("/api/v1/shops/{shop_no}/items?q=GOODS%207&limit=50"),
            None,
        )
        .await
        .json();
    let titles: Vec<&str> = filtered["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert!(
        !titles.is_empty() && titles.iter().all(|t| t.contains("goods 7")),
        "{titles:?}"
    );
    let other_category = app
        .get(
            &format!("/api/v1/shops/{shop_no}/items?category=apparel-sports"),
            None,
        )
        .await
        .json();
    assert_eq!(other_category["items"], json!([]));
}

#[actix_web::test]
async fn buyers_see_the_shop_and_its_items_and_delisted_goods_become_unavailable() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let admin = supplier.admin.clone();
    let goods_id = app.listed_goods(&supplier, &goods_body()).await;
    let (keeper, shop_id, shop_no) = app.shopkeeper("k@b.cn", 1, "阿明的零食铺", &admin).await;
    let added = app
        .post(
            &format!("/api/v1/me/shops/{shop_id}/items"),
            &json!({"goods_id": goods_id, "recommendation": "孩子爱吃"}),
            Some(&keeper.access),
        )
        .await;
    let item_id = added.id();

    let described = app
        .patch(
            &format!("/api/v1/me/shops/{shop_id}"),
            &json!({"description": "每天新鲜", "logo_url": "https://img.example.cn/logo.png"}),
            Some(&keeper.access),
        )
        .await;
    assert_eq!(described.status, 200, "{}", described.text);
    let shop = app
        .get_json(&format!("/api/v1/shops/{shop_no}"), None)
        .await;
    assert_eq!(shop["display_name"], "阿明的零食铺的小铺");
    assert_eq!(shop["name"], "阿明的零食铺");
    assert_eq!(shop["logo_url"], "https://img.example.cn/logo.png");
    assert_eq!(shop["description"], "每天新鲜");
    assert_eq!(shop["tier"], "rookie");
    assert_eq!(shop["item_count"], 1);
    assert_eq!(app.get("/api/v1/shops/000000", None).await.status, 404);

    let detail_path = format!("/api/v1/shops/{shop_no}/items/{item_id}");
    let detail = app.get(&detail_path, None).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let body = detail.json();
    assert_eq!(body["availability"], "available");
    assert_eq!(body["recommendation"], "孩子爱吃");
    assert_eq!(body["price_fen"], 2990);
    assert_eq!(body["skus"][0]["in_stock"], true);
    assert_eq!(body["skus"][0]["attributes"]["size"], "500g");
    assert!(!detail.text.contains("commission"), "{}", detail.text);

    // Every SKU sold out: listed, but sold out.
    let sku = body["skus"][0]["id"].as_i64().unwrap();
    let adjust = async |delta: i64| {
        let path = format!("/api/v1/supplier/goods/{goods_id}/skus/{sku}/stock/adjust");
        let reply = app
            .post(
                &path,
                &json!({"delta": delta}),
                Some(&supplier.member.access),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    };
    let list_path = format!("/api/v1/shops/{shop_no}/items");
    let listed_availability =
        async || app.get(&list_path, None).await.json()["items"][0]["availability"].clone();
    adjust(-100).await;
    assert_eq!(listed_availability().await, "sold_out");
    assert_eq!(
        app.get(&detail_path, None).await.json()["availability"],
        "sold_out"
    );
    adjust(100).await;
    assert_eq!(listed_availability().await, "available");

    // A supplier whose deposit falls short is inactive: its goods show, but unavailable.
    app.deactivate_supplier(&supplier, "V-1").await;
    assert_eq!(listed_availability().await, "unavailable");
    assert_eq!(
        app.get(&detail_path, None).await.json()["availability"],
        "unavailable"
    );
    assert_eq!(
        app.pay_deposit(&supplier, 600_000, "BANK-TOPUP")
            .await
            .status,
        200
    );
    assert_eq!(listed_availability().await, "available");

    let delisted = app
        .post(
            &format!("/api/v1/supplier/goods/{goods_id}/delist"),
            &json!({}),
            Some(&supplier.member.access),
        )
        .await;
    assert_eq!(delisted.status, 200, "{}", delisted.text);
    assert_eq!(
        app.get(&detail_path, None).await.json()["availability"],
        "unavailable"
    );
    let page = app
        .get(&format!("/api/v1/shops/{shop_no}/items"), None)
        .await
        .json();
    assert_eq!(page["items"][0]["availability"], "unavailable");
    assert_eq!(page["items"][0]["id"], item_id);

    let closed = app
        .post(
            &format!("/api/v1/me/shops/{shop_id}/close"),
            &json!({}),
            Some(&keeper.access),
        )
        .await;
    assert_eq!(closed.status, 200);
    assert_eq!(app.get(&detail_path, None).await.status, 404);
    assert_eq!(
        app.get(&format!("/api/v1/shops/{shop_no}"), None)
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn the_catalogue_filters_sorts_and_shows_earnings_with_the_tier_bonus() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let admin = supplier.admin.clone();
    let cheap = app.listed_goods(&supplier, &goods_body()).await;
    let mut dear_body = goods_body();
    dear_body["title"] = json!("Yunnan walnut 100% pure");
    dear_body["skus"][0]["price_fen"] = json!(9900);
    dear_body["reference_price_fen"] = json!(9900);
    dear_body["commission_bps"] = json!(3000);
    let dear = app.listed_goods(&supplier, &dear_body).await;
    // A draft is not in the catalogue.
    app.post(
        "/api/v1/supplier/goods",
        &goods_body(),
        Some(&supplier.member.access),
    )
    .await;
    let (keeper, _, _) = app.shopkeeper("k@b.cn", 1, "阿明的零食铺", &admin).await;
    let token = Some(keeper.access.as_str());
    let browse = async |query: &str| {
        app.get(&format!("/api/v1/catalogue/goods{query}"), token)
            .await
    };

    let all = browse("").await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.json()["total"], 2);
    assert_eq!(all.json()["items"][0]["goods_id"], dear, "newest first");
    // ¥29.90 at 20% as a Rookie.
    let cheap_row = all.json()["items"][1].clone();
    assert_eq!(
        (
            cheap_row["earn_fen"].clone(),
            cheap_row["earn_text"].clone()
        ),
        (json!(598), json!("赚¥5.98"))
    );

    let ids = |reply: crate::support::Reply| -> Vec<i64> {
        reply.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["goods_id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(browse("?sort=price_asc").await), [cheap, dear]);
    assert_eq!(ids(browse("?sort=price_desc").await), [dear, cheap]);
    assert_eq!(ids(browse("?sort=commission").await), [dear, cheap]);
    assert_eq!(ids(browse("?min_price_fen=5000").await), [dear]);
    assert_eq!(ids(browse("?max_commission_bps=2500").await), [cheap]);
    assert_eq!(ids(browse("?q=WALNUT%20100%25").await), [dear]);
    assert_eq!(ids(browse("?q=100_").await), Vec::<i64>::new());
    assert_eq!(ids(browse("?category=food-health").await).len(), 2);
    assert_eq!(
        ids(browse("?category=apparel-sports").await),
        Vec::<i64>::new()
    );
    let empty_range = browse("?min_price_fen=10&max_price_fen=1").await;
    assert_eq!(empty_range.status, 422);
    assert_eq!(browse("?sort=cheapest").await.status, 400);

    // A Senior earns 5% more; a scheduled fall shows as upcoming until it takes effect.
    let member_id = keeper.member.0;
    app.db_write(move |conn| {
        diesel::insert_into(tier_history::table)
            .values((
                tier_history::member_id.eq(member_id),
                tier_history::month.eq("2026-10"),
                tier_history::tier.eq("senior"),
                tier_history::created_at.eq(xiaopu::clock::Clock::system().now()),
            ))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let fall = app
        .post(
            &format!("/api/v1/supplier/goods/{cheap}/commission"),
            &json!({"commission_bps": 1600}),
            Some(&supplier.member.access),
        )
        .await;
    assert_eq!(fall.status, 200, "{}", fall.text);
    let rows = browse("?sort=price_asc").await.json();
    assert_eq!(rows["tier"], "senior");
    assert_eq!(rows["items"][0]["earn_fen"], 627);
    assert_eq!(rows["items"][0]["commission_bps"], 2000);
    assert_eq!(
        rows["items"][0]["upcoming_commission"]["commission_bps"],
        1600
    );
    // 2990 × 16% = 478 fen (rounded down), + 5% of that = 23 → 501.
    assert_eq!(rows["items"][0]["upcoming_commission"]["earn_fen"], 501);
    assert_eq!(
        ids(browse("?max_commission_bps=1700").await),
        Vec::<i64>::new()
    );

    // Once the notice period has passed, the new rate is the one in force, in filters too.
    app.db_write(move |conn| {
        diesel::update(goods::table.find(cheap))
            .set(goods::pending_commission_at.eq(ago(chrono::Duration::minutes(1))))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let rows = browse("?sort=price_asc").await.json();
    assert_eq!(rows["items"][0]["commission_bps"], 1600);
    assert_eq!(rows["items"][0]["upcoming_commission"], Value::Null);
    assert_eq!(ids(browse("?max_commission_bps=1700").await), [cheap]);

    let buyer = app.signed_in("b@b.cn").await;
    assert_eq!(
        app.get("/api/v1/catalogue/goods", Some(&buyer.access))
            .await
            .status,
        403
    );
    assert_eq!(app.get("/api/v1/catalogue/goods", None).await.status, 401);
}

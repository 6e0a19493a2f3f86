use diesel::prelude::*;
use serde_json::json;
use xiaopu::db::schema::{goods, shop_items, shops};

use crate::support::{goods_body, TestApp, CREDIT_CODES};

fn items_path(shop_id: i64) -> String {
    format!("/api/v1/me/shops/{shop_id}/items")
}

#[actix_web::test]
async fn a_shopkeeper_curates_listed_goods_and_never_touches_supplier_fields() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let admin = supplier.admin.clone();
    let listed = app.listed_goods(&supplier, &goods_body()).await;
    let draft = app
        .post(
            "/api/v1/supplier/goods",
            &goods_body(),
            Some(&supplier.member.access),
        )
        .await
        .id();
    let (keeper, shop_id, _) = app.shopkeeper("k@b.cn", 1, "阿明的零食铺", &admin).await;
    let token = Some(keeper.access.as_str());

    let added = app
        .post(
            &items_path(shop_id),
            &json!({"goods_id": listed, "recommendation": "<b>好吃</b> & cheap"}),
            token,
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    let item_id = added.id();
    assert_eq!(added.json()["recommendation"], "<b>好吃</b> & cheap");

    let again = app
        .post(
            &items_path(shop_id),
            &json!({"goods_id": listed, "recommendation": "again"}),
            token,
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (409, "already_in_shop".to_owned())
    );
    let not_listed = app
        .post(
            &items_path(shop_id),
            &json!({"goods_id": draft, "recommendation": "draft"}),
            token,
        )
        .await;
    assert_eq!(not_listed.status, 422);
    assert_eq!(not_listed.json()["errors"][0]["field"], "goods_id");
    assert_eq!(not_listed.json()["errors"][0]["code"], "unavailable");
    let too_long = app
        .post(
            &items_path(shop_id),
            &json!({"goods_id": draft, "recommendation": "芒".repeat(501)}),
            token,
        )
        .await;
    assert_eq!(too_long.status, 422);

    // Mass assignment: supplier-owned fields are refused and the goods row stays as it was.
    let goods_before = goods_row(&app, listed).await;
    assert!(!goods_before.1.is_empty());
    for field in ["price_fen", "title", "stock", "commission_bps"] {
        let mut body = json!({"goods_id": listed, "recommendation": "x"});
        body[field] = json!(1);
        let refused = app.post(&items_path(shop_id), &body, token).await;
        assert_eq!(refused.status, 422, "{field}: {}", refused.text);
        assert_eq!(refused.json()["errors"][0]["field"], field);
        let patched = app
            .patch(
                &format!("{}/{item_id}", items_path(shop_id)),
                &json!({ field: 1 }),
                token,
            )
            .await;
        assert_eq!(patched.status, 422, "{field}: {}", patched.text);
        assert_eq!(patched.json()["errors"][0]["code"], "unknown_field");
    }
    assert_eq!(goods_row(&app, listed).await, goods_before);

    let patched = app
        .patch(
            &format!("{}/{item_id}", items_path(shop_id)),
            &json!({"recommendation": "真的好吃", "pinned": true, "position": 7}),
            token,
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(
        (
            &patched.json()["recommendation"],
            &patched.json()["pinned"],
            &patched.json()["position"]
        ),
        (&json!("真的好吃"), &json!(true), &json!(7))
    );

    // Another shopkeeper's shop is not found; a member without a shop is forbidden.
    let (other, other_shop, _) = app.shopkeeper("o@b.cn", 2, "小林好物", &admin).await;
    let foreign = app
        .patch(
            &format!("{}/{item_id}", items_path(shop_id)),
            &json!({"pinned": false}),
            Some(&other.access),
        )
        .await;
    assert_eq!(foreign.status, 404);
    let foreign_add = app
        .post(
            &items_path(shop_id),
            &json!({"goods_id": listed, "recommendation": "mine"}),
            Some(&other.access),
        )
        .await;
    assert_eq!(foreign_add.status, 404);
    let wrong_item = app
        .delete(
            &format!("{}/{item_id}", items_path(other_shop)),
            Some(&other.access),
        )
        .await;
    assert_eq!(wrong_item.status, 404);
    let buyer = app.signed_in("buyer@b.cn").await;
    let forbidden = app
        .post(
            &items_path(shop_id),
            &json!({"goods_id": listed, "recommendation": "x"}),
            Some(&buyer.access),
        )
        .await;
    assert_eq!(forbidden.status, 403);

    // Bulk: one bad entry and nothing is added.
    let second = app.listed_goods(&supplier, &goods_body()).await;
    let bulk = app
        .post(
            &format!("{}/bulk", items_path(shop_id)),
            &json!({"items": [
                {"goods_id": second, "recommendation": "ok"},
                {"goods_id": draft, "recommendation": "draft"}
            ]}),
            token,
        )
        .await;
    assert_eq!(bulk.status, 422);
    assert_eq!(bulk.json()["errors"][0]["field"], "items[1].goods_id");
    assert_eq!(item_count(&app, shop_id).await, 1);
    let bulk = app
        .post(
            &format!("{}/bulk", items_path(shop_id)),
            &json!({"items": [{"goods_id": second, "recommendation": "ok"}]}),
            token,
        )
        .await;
    assert_eq!(bulk.status, 201, "{}", bulk.text);
    assert_eq!(item_count(&app, shop_id).await, 2);

    let removed = app
        .delete(&format!("{}/{item_id}", items_path(shop_id)), token)
        .await;
    assert_eq!(removed.status, 204);
    assert_eq!(item_count(&app, shop_id).await, 1);
    let gone = app
        .delete(&format!("{}/{item_id}", items_path(shop_id)), token)
        .await;
    assert_eq!(gone.status, 404);
    // Once removed, the same goods may be added again.
    let re_added = app
        .post(
            &items_path(shop_id),
            &json!({"goods_id": listed, "recommendation": "back"}),
            token,
        )
        .await;
    assert_eq!(re_added.status, 201, "{}", re_added.text);

    // Listed goods of a supplier that became inactive (deposit short) cannot be added.
    let third = app.listed_goods(&supplier, &goods_body()).await;
    app.deactivate_supplier(&supplier, "V-2").await;
    let inactive = app
        .post(
            &items_path(shop_id),
            &json!({"goods_id": third, "recommendation": "supplier gone"}),
            token,
        )
        .await;
    assert_eq!(inactive.status, 422, "{}", inactive.text);
    assert_eq!(inactive.json()["errors"][0]["field"], "goods_id");
    assert_eq!(inactive.json()["errors"][0]["code"], "unavailable");
}

/// What a supplier owns of goods: title, lowest price, commission, and each SKU's price and
/// stock.
type GoodsRow = ((String, i64, i32), Vec<(i64, i64)>);

async fn goods_row(app: &TestApp, id: i64) -> GoodsRow {
    use xiaopu::db::schema::goods_skus;
    app.db_read(move |conn| {
        let goods = goods::table
            .find(id)
            .select((goods::title, goods::min_price_fen, goods::commission_bps))
            .first(conn)?;
        let skus = goods_skus::table
            .filter(goods_skus::goods_id.eq(id))
            .order(goods_skus::id)
            .select((goods_skus::price_fen, goods_skus::stock))
            .load(conn)?;
        Ok((goods, skus))
    })
    .await
}

/// The shop's cached count, checked against its live rows.
async fn item_count(app: &TestApp, shop_id: i64) -> i64 {
    let (cached, live): (i32, i64) = app
        .db_read(move |conn| {
            let cached = shops::table
                .find(shop_id)
                .select(shops::item_count)
                .first(conn)?;
            let live = shop_items::table
                .filter(shop_items::shop_id.eq(shop_id))
                .filter(shop_items::removed_at.is_null())
                .count()
                .get_result(conn)?;
            Ok((cached, live))
        })
        .await;
    assert_eq!(i64::from(cached), live, "cached item count drifted");
    live
}

#[actix_web::test]
async fn twenty_parallel_adds_to_a_shop_of_990_leave_exactly_1000() {
    let app = TestApp::start().await;
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let admin = supplier.admin.clone();
    let (keeper, shop_id, _) = app.shopkeeper("k@b.cn", 1, "阿明的零食铺", &admin).await;
    let goods_ids = app.seed_goods(supplier.supplier_id, 1010).await;
    app.seed_items(shop_id, goods_ids[..990].to_vec()).await;
    assert_eq!(item_count(&app, shop_id).await, 990);

    let (path, token) = (items_path(shop_id), Some(keeper.access.as_str()));
    let bodies: Vec<_> = goods_ids[990..]
        .iter()
        .map(|goods_id| json!({"goods_id": goods_id, "recommendation": "race"}))
        .collect();
    let adds = bodies.iter().map(|body| app.post(&path, body, token));
    let replies = futures_util::future::join_all(adds).await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let full = replies
        .iter()
        .filter(|r| r.status == 409 && r.code() == "shop_full")
        .count();
    assert_eq!(
        (created, full),
        (10, 10),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(item_count(&app, shop_id).await, 1000);
}

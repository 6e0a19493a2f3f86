//! Abuse limits (issue 9): what a client cannot do by sending too much, too often, too deep or
//! too strange. Each point, and where it is tested (here unless named):
//!
//! - login rate limit, 429 with Retry-After:
//!   `auth::sign_in_endpoints_are_rate_limited_per_client`; registration's own count: here
//! - body over the limit with Content-Length, 413 `payload_too_large`, 600 nested arrays:
//!   `errors::bodies_over_the_limit_get_413_and_deep_nesting_400`; a chunked body: here
//! - page size: `per_page` over the cap is 422 naming it:
//!   `auth::admin_routes_need_the_admin_role_and_pages_are_capped`; `limit`, and the caps in
//!   the OpenAPI document: here
//! - deeply nested (10,000 arrays) and huge JSON: here; serde_json's recursion limit (128) on an
//!   untyped parse: the unit tests of `xiaopu::http::json`
//! - a flood of unknown share codes (API, poster, H5 page): here
//! - per-buyer purchase limit across orders, 409 `purchase_limit` naming the line:
//!   `orders::unavailable_items_and_limits_are_refused_naming_the_line`
//! - every long text field's bound: here (table); SKU attribute names: `xiaopu::goods::rules`
//! - Unicode in shop names: here; forbidden words through case, width, spacing, punctuation:
//!   `shops::names_are_checked_folded_and_unique` and the unit tests of `xiaopu::shops::rules`

use std::collections::HashMap;

use serde_json::{json, Value};
use xiaopu::app::openapi_document;
use xiaopu::config::Settings;

use crate::support::{application_body, goods_body, id_number, Reply, TestApp, CREDIT_CODES};
use crate::worlds::{market, market_in, open_case, order_body, paid_order};

/// A problem document with this status and code, as every error is.
fn assert_problem(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    let body = reply.json();
    assert_eq!(body["status"], status);
    assert_eq!(body["code"], code);
    assert_eq!(body["type"], format!("urn:xiaopu:problem:{code}"));
}

/// A 422 whose `errors` name `field`.
fn assert_names_field(reply: &Reply, field: &str) {
    assert_problem(reply, 422, "validation_failed");
    let errors = reply.json()["errors"].as_array().unwrap().clone();
    assert!(
        errors.iter().any(|e| e["field"] == field),
        "{field} not named in {}",
        reply.text
    );
}

#[actix_web::test]
async fn registration_is_rate_limited_per_client_with_retry_after() {
    let app = TestApp::builder()
        .with_settings(|s| s.rate_limit.auth_max_requests = 2)
        .start()
        .await;
    assert_eq!(app.register("a@b.cn").await.status, 201);
    assert_eq!(app.register("b@b.cn").await.status, 201);
    let limited = app.register("c@b.cn").await;
    assert_problem(&limited, 429, "rate_limited");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // Nothing was created by the refused request.
    assert_eq!(app.login("c@b.cn", "Passw0rd!").await.status, 401);
}

#[actix_web::test]
async fn a_chunked_body_over_the_limit_is_413_in_the_problem_shape() {
    let app = TestApp::builder()
        .with_settings(|s| s.server.body_limit_bytes = 2048)
        .start()
        .await;
    // No Content-Length: the limit is enforced while the chunks arrive.
    let chunks =
        (0..8).map(|_| Ok::<_, std::io::Error>(actix_web::web::Bytes::from(vec![b' '; 1024])));
    let mut response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .insert_header(("content-type", "application/json"))
        .send_stream(futures_util::stream::iter(chunks))
        .await
        .expect("response");
    let reply = Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: String::from_utf8_lossy(&response.body().await.unwrap()).into_owned(),
    };
    assert_problem(&reply, 413, "payload_too_large");
    assert_eq!(app.get("/healthz", None).await.status, 200);
}

#[actix_web::test]
async fn cursor_pages_past_the_cap_name_limit_and_the_document_states_every_cap() {
    let app = TestApp::start().await;
    let reply = app.get("/api/v1/shops/123456/items?limit=101", None).await;
    assert_names_field(&reply, "limit");
    let reply = app.get("/api/v1/shops/123456/items?limit=0", None).await;
    assert_names_field(&reply, "limit");

    let settings = Settings::load_from(None, &HashMap::new()).unwrap();
    let document = serde_json::to_value(openapi_document(&settings)).unwrap();
    let mut sizes = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for parameter in parameters
                .iter()
                .filter(|p| p["name"] == "per_page" || p["name"] == "limit")
            {
                sizes += 1;
                assert_eq!(parameter["schema"]["maximum"], 100, "{method} {path}");
                assert_eq!(parameter["schema"]["minimum"], 1, "{method} {path}");
                assert!(
                    operation["responses"].get("422").is_some(),
                    "{method} {path}"
                );
            }
        }
    }
    assert!(sizes >= 20, "{sizes} page-size parameters");
}

async fn post_login(app: &TestApp, body: String) -> Reply {
    let request = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .insert_header(("content-type", "application/json"));
    app.send(request, Some(body.as_bytes())).await
}

#[actix_web::test]
async fn ten_thousand_nested_arrays_and_huge_bodies_are_refused_and_the_server_lives_on() {
    let app = TestApp::start().await;
    let post_raw = |body: String| post_login(&app, body);
    // Typed bodies refuse a nested value at its first bracket, without descending into it
    // (serde_json's recursion limit, 128, guards untyped parses: `xiaopu::http::json` tests).
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let reply = post_raw(format!(r#"{{"login": {deep}, "password": "x"}}"#)).await;
    assert_names_field(&reply, "login");
    assert_eq!(reply.json()["errors"][0]["code"], "invalid_type");
    let reply = post_raw(format!(r#"{{"login": "a", "password": "b", "x": {deep}}}"#)).await;
    assert_names_field(&reply, "x");
    assert_eq!(reply.json()["errors"][0]["code"], "unknown_field");
    // Unclosed, as the whole body.
    let reply = post_raw("[".repeat(10_000)).await;
    assert_problem(&reply, 422, "validation_failed");
    assert_eq!(reply.json()["errors"][0]["code"], "invalid_type");
    // Over the default limit (64 KiB).
    let huge = json!({"login": "a".repeat(70_000), "password": "x"}).to_string();
    assert_problem(&post_raw(huge).await, 413, "payload_too_large");
    assert_eq!(app.get("/healthz", None).await.status, 200);
}

#[actix_web::test]
async fn a_flood_of_unknown_share_codes_is_limited_per_client_while_found_codes_never_count() {
    let app = TestApp::builder()
        .with_settings(|s| {
            s.rate_limit.share_lookup_max_misses = 3;
            s.server.trust_forwarded_for = true;
        })
        .start()
        .await;
    let m = market_in(app, goods_body()).await;
    let app = &m.app;
    let keeper = Some(m.shopkeeper.access.as_str());
    let shared = app
        .post(
            &format!("/api/v1/me/shops/{}/items/{}/share", m.shop_id, m.item_id),
            &json!({}),
            keeper,
        )
        .await;
    let code = shared.json()["code"].as_str().unwrap().to_owned();
    let from = |client: &'static str, path: String| {
        app.send(
            app.client
                .get(app.url(&path))
                .insert_header(("x-forwarded-for", client)),
            None,
        )
    };
    for _ in 0..5 {
        let found = from("10.0.0.1", format!("/api/v1/share/{code}")).await;
        assert_eq!(found.status, 200, "{}", found.text);
    }
    // Three misses, over the API, its poster and the page, count together.
    for path in [
        "/api/v1/share/ZZZZZZZZ",
        "/api/v1/share/ZZZZZZZZ/poster.svg",
        "/s/ZZZZZZZZ",
    ] {
        assert_eq!(
            from("10.0.0.1", path.to_owned()).await.status,
            404,
            "{path}"
        );
    }
    for path in [
        "/api/v1/share/YYYYYYYY".to_owned(),
        "/s/YYYYYYYY".to_owned(),
        format!("/api/v1/share/{code}"),
    ] {
        let limited = from("10.0.0.1", path.clone()).await;
        assert_problem(&limited, 429, "rate_limited");
        assert!(limited.header("retry-after").is_some(), "{path}");
    }
    // Another client is not affected.
    let other = from("10.0.0.2", format!("/s/{code}")).await;
    assert_eq!(other.status, 200, "{}", other.text);
}

/// A value of `chars` characters for a field.
type Fill = fn(usize) -> String;

fn text(chars: usize) -> String {
    "长".repeat(chars)
}

fn ascii(chars: usize) -> String {
    "A".repeat(chars)
}

fn https_url(chars: usize) -> String {
    let base = "https://img.example.cn/";
    format!("{base}{}", "a".repeat(chars - base.len()))
}

/// One long text field: where it is sent, by whom, in which body, and its bound.
struct LongField {
    method: &'static str,
    path: String,
    token: Option<String>,
    body: Value,
    /// JSON pointer to the field in `body`.
    pointer: &'static str,
    /// The name a 422 gives it.
    field: &'static str,
    max_chars: usize,
    fill: Fill,
}

impl LongField {
    async fn send(&self, app: &TestApp, key: usize) -> Reply {
        let mut body = self.body.clone();
        *body.pointer_mut(self.pointer).expect(self.pointer) =
            json!((self.fill)(self.max_chars + 1));
        let url = app.url(&self.path);
        let mut request = match self.method {
            "PATCH" => app.client.patch(url),
            _ => app.client.post(url),
        }
        .insert_header(("content-type", "application/json"))
        .insert_header(("idempotency-key", format!("long-field-{key}")));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        app.send(request, Some(body.to_string().as_bytes())).await
    }
}

/// The long fields of one request: each of `bounds` (pointer, name, bound, fill) over its
/// bound in an otherwise valid `body`.
fn fields(
    method: &'static str,
    path: String,
    token: &Option<String>,
    body: &Value,
    bounds: &[(&'static str, &'static str, usize, Fill)],
) -> Vec<LongField> {
    bounds
        .iter()
        .map(|&(pointer, field, max_chars, fill)| LongField {
            method,
            path: path.clone(),
            token: token.clone(),
            body: body.clone(),
            pointer,
            field,
            max_chars,
            fill,
        })
        .collect()
}

/// Every request field of free text, one character over its bound, is a 422 naming it.
#[actix_web::test]
async fn every_long_text_field_one_character_over_its_bound_is_refused_by_name() {
    let m = market().await;
    let app = &m.app;
    let admin = m.supplier.admin.clone();
    let order_id = paid_order(&m, "long-fields-order", &[(m.item_id, m.sku_id, 2)]).await;
    let order = app
        .get(&format!("/api/v1/orders/{order_id}"), Some(&m.buyer.access))
        .await
        .json();
    let part = order["parts"][0]["id"].as_i64().unwrap();
    let line = order["parts"][0]["lines"][0]["id"].as_i64().unwrap();
    let case = open_case(&m, order_id, part, "refund_only", line, 1).await;
    assert_eq!(case.status, 201, "{}", case.text);
    let case_id = case.id();
    let opener = app.eligible_member("opener@example.cn", 7, &admin).await;

    let buyer = Some(m.buyer.access.clone());
    let keeper = Some(m.shopkeeper.access.clone());
    let supplier = Some(m.supplier.member.access.clone());
    let admin = Some(admin.access.clone());
    let register =
        json!({"email": "long@example.cn", "password": "Passw0rd!", "display_name": "Lin"});
    let login = json!({"login": "long@example.cn", "password": "Passw0rd!"});
    let application = application_body(CREDIT_CODES[1]);
    let shop = json!({
        "name": "阿明的小铺", "description": "", "logo_url": "https://img.example.cn/a.png"
    });
    let goods = goods_body();
    let mut unbranded = goods_body();
    unbranded["voucher_reference"] = json!("");
    let mut order = order_body(&[(m.item_id, m.sku_id, 1)]);
    order["note"] = json!("");
    let case_body = json!({
        "supplier_order_id": part, "kind": "refund_only",
        "lines": [{"order_line_id": line, "quantity": 1}], "reason": "破损", "image_urls": []
    });
    let shop_path = format!("/api/v1/me/shops/{}", m.shop_id);
    let item_path = format!("{shop_path}/items/{}", m.item_id);
    let supplier_id = m.supplier.supplier_id;
    let keeper_id = m.shopkeeper.member.0;
    let rows: Vec<LongField> = [
        fields(
            "POST",
            "/api/v1/auth/register".into(),
            &None,
            &register,
            &[
                ("/display_name", "display_name", 50, text),
                ("/password", "password", 128, text),
            ],
        ),
        fields(
            "POST",
            "/api/v1/auth/login".into(),
            &None,
            &login,
            &[
                ("/login", "login", 254, text),
                ("/password", "password", 128, text),
            ],
        ),
        fields(
            "POST",
            "/api/v1/auth/refresh".into(),
            &None,
            &json!({"refresh_token": ""}),
            &[("/refresh_token", "refresh_token", 256, ascii)],
        ),
        fields(
            "POST",
            "/api/v1/me/verification".into(),
            &buyer,
            &json!({"legal_name": "王小明", "id_number": id_number(8)}),
            &[("/legal_name", "legal_name", 50, text)],
        ),
        fields(
            "POST",
            "/api/v1/admin/verifications/1/reject".into(),
            &admin,
            &json!({"reason": ""}),
            &[("/reason", "reason", 500, text)],
        ),
        fields(
            "POST",
            "/api/v1/supplier/applications".into(),
            &buyer,
            &application,
            &[
                ("/company_name", "company_name", 100, text),
                ("/contact/name", "contact.name", 50, text),
                (
                    "/brand_authorisations/0/brand",
                    "brand_authorisations[0].brand",
                    100,
                    text,
                ),
                (
                    "/brand_authorisations/0/chain/0",
                    "brand_authorisations[0].chain[0]",
                    100,
                    text,
                ),
                (
                    "/procurement_vouchers/0",
                    "procurement_vouchers[0]",
                    100,
                    text,
                ),
            ],
        ),
        fields(
            "POST",
            format!("/api/v1/admin/suppliers/{supplier_id}/deposit/payments"),
            &admin,
            &json!({"amount_fen": 100, "reference": "R"}),
            &[("/reference", "reference", 100, text)],
        ),
        fields(
            "POST",
            format!("/api/v1/admin/suppliers/{supplier_id}/deposit/deductions"),
            &admin,
            &json!({
                "amount_fen": 100, "kind": "penalty", "reason": "违规", "case_reference": "C-1"
            }),
            &[
                ("/reason", "reason", 500, text),
                ("/case_reference", "case_reference", 100, text),
            ],
        ),
        fields(
            "POST",
            format!("/api/v1/admin/shopkeepers/{keeper_id}/tier"),
            &admin,
            &json!({"tier": "senior", "reason": "复核"}),
            &[("/reason", "reason", 500, text)],
        ),
        fields(
            "POST",
            format!("/api/v1/admin/members/{keeper_id}/violations"),
            &admin,
            &json!({"serious": false, "reason": "违规"}),
            &[("/reason", "reason", 500, text)],
        ),
        fields(
            "POST",
            "/api/v1/supplier/goods".into(),
            &supplier,
            &goods,
            &[
                ("/title", "title", 100, text),
                ("/description", "description", 5000, text),
                ("/brand", "brand", 100, text),
            ],
        ),
        fields(
            "POST",
            "/api/v1/supplier/goods".into(),
            &supplier,
            &unbranded,
            &[("/voucher_reference", "voucher_reference", 100, text)],
        ),
        fields(
            "POST",
            "/api/v1/supplier/goods".into(),
            &supplier,
            &goods,
            &[
                ("/image_urls/0", "image_urls[0]", 1000, https_url),
                ("/skus/0/attributes/size", "skus[0].attributes", 50, text),
            ],
        ),
        fields(
            "POST",
            "/api/v1/supplier/plans".into(),
            &supplier,
            &json!({
                "name": "P", "shop_ids": [m.shop_id], "goods_ids": [m.goods_id],
                "commission_bps": 2500, "ends_at": "2099-01-01T00:00:00Z"
            }),
            &[("/name", "name", 50, text)],
        ),
        fields(
            "POST",
            format!("/api/v1/supplier/orders/{part}/ship"),
            &supplier,
            &json!({"carrier": "SF", "tracking_no": "SF1"}),
            &[("/tracking_no", "tracking_no", 40, ascii)],
        ),
        fields(
            "POST",
            format!("/api/v1/supplier/aftersales/{case_id}/approve"),
            &supplier,
            &json!({"note": ""}),
            &[("/note", "note", 500, text)],
        ),
        fields(
            "POST",
            format!("/api/v1/supplier/aftersales/{case_id}/reject"),
            &supplier,
            &json!({"note": ""}),
            &[("/note", "note", 500, text)],
        ),
        fields(
            "POST",
            "/api/v1/shops".into(),
            &Some(opener.access.clone()),
            &shop,
            &[
                ("/name", "name", 30, text),
                ("/description", "description", 500, text),
                ("/logo_url", "logo_url", 1000, https_url),
            ],
        ),
        fields(
            "PATCH",
            shop_path.clone(),
            &keeper,
            &json!({"description": ""}),
            &[("/description", "description", 500, text)],
        ),
        fields(
            "PATCH",
            item_path,
            &keeper,
            &json!({"recommendation": ""}),
            &[("/recommendation", "recommendation", 500, text)],
        ),
        fields(
            "POST",
            "/api/v1/me/withdrawals".into(),
            &keeper,
            &json!({
                "amount_fen": 1000,
                "account": {"kind": "alipay", "number": "13812345678", "holder": "王小明"}
            }),
            &[("/account/holder", "account.holder", 50, text)],
        ),
        fields(
            "POST",
            "/api/v1/orders".into(),
            &buyer,
            &order,
            &[
                ("/note", "note", 200, text),
                ("/address/name", "address.name", 30, text),
                ("/address/region", "address.region", 100, text),
                ("/address/detail", "address.detail", 200, text),
            ],
        ),
        fields(
            "POST",
            format!("/api/v1/orders/{order_id}/aftersales"),
            &buyer,
            &case_body,
            &[("/reason", "reason", 500, text)],
        ),
        fields(
            "POST",
            format!("/api/v1/aftersales/{case_id}/evidence"),
            &buyer,
            &json!({"text": "", "image_urls": []}),
            &[("/text", "text", 500, text)],
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (key, row) in rows.iter().enumerate() {
        let reply = row.send(app, key).await;
        assert!(
            reply.status == 422
                && reply.json()["errors"]
                    .as_array()
                    .is_some_and(|errors| errors.iter().any(|e| e["field"] == row.field)),
            "{} {} {}: {} {}",
            row.method,
            row.path,
            row.field,
            reply.status,
            reply.text
        );
    }
}

/// Opens a shop named `name` for a new eligible member.
async fn open_shop(app: &TestApp, admin: &crate::support::Session, seq: u32, name: &str) -> Reply {
    let member = app
        .eligible_member(&format!("unicode{seq}@example.cn"), seq, admin)
        .await;
    app.open_shop(&member, name).await
}

#[actix_web::test]
async fn shop_names_count_characters_refuse_invisible_ones_and_fold_look_alikes() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("root@xiaopu.cn").await;
    // Emoji are characters, not bytes: 1 + 29 four-byte emoji is 30 (117 bytes).
    let emoji = format!("铺{}", "🍓".repeat(29));
    assert_eq!(open_shop(&app, &admin, 10, &emoji).await.status, 201);
    let family = open_shop(&app, &admin, 11, "阿明家👨\u{200D}👩\u{200D}👧").await;
    assert_eq!(family.status, 201, "{}", family.text);
    let reply = open_shop(&app, &admin, 12, &format!("铺{}", "🍓".repeat(30))).await;
    assert_names_field(&reply, "name");
    assert_eq!(reply.json()["errors"][0]["code"], "length");

    // Invisible and direction-changing characters, and forbidden words hidden by them.
    for (seq, name) in (13..).zip([
        "官\u{200B}方小铺",
        "旗\u{200C}舰店",
        "授\u{200D}权店",
        "\u{FEFF}阿明小铺",
        "阿明\u{200F}小铺",
        "shop\u{202E}laiciffo",
        "o\u{200B}f\u{200B}f\u{200B}i\u{200B}c\u{200B}i\u{200B}a\u{200B}l",
    ]) {
        let reply = open_shop(&app, &admin, seq, name).await;
        assert_names_field(&reply, "name");
        assert_eq!(
            reply.json()["errors"][0]["code"],
            "invisible_character",
            "{name:?}"
        );
    }
    // Look-alike letters fold to the forbidden word.
    for (seq, name) in (30..).zip(["ＯＦＦＩＣＩＡＬ 小铺", "𝐎𝐟𝐟𝐢𝐜𝐢𝐚𝐥 小铺", "ⓕⓛⓐⓖⓢⓗⓘⓟ 小铺"])
    {
        let reply = open_shop(&app, &admin, seq, name).await;
        assert_names_field(&reply, "name");
        assert_eq!(
            reply.json()["errors"][0]["code"],
            "forbidden_word",
            "{name}"
        );
    }
    // Unique once folded: no invisible character, width or style makes a second "Lin's Snacks".
    assert_eq!(
        open_shop(&app, &admin, 40, "Lin's Snacks").await.status,
        201
    );
    for (seq, name) in (41..).zip(["Ｌｉｎ'ｓ Ｓｎａｃｋｓ", "𝐋𝐢𝐧'𝐬 𝐒𝐧𝐚𝐜𝐤𝐬", "LIN S SNACKS"])
    {
        let reply = open_shop(&app, &admin, seq, name).await;
        assert_names_field(&reply, "name");
        assert_eq!(reply.json()["errors"][0]["code"], "taken", "{name}");
    }
    let hidden = open_shop(&app, &admin, 50, "Lin's\u{200B} Snacks").await;
    assert_eq!(hidden.json()["errors"][0]["code"], "invisible_character");
}

#[actix_web::test]
async fn renaming_a_shop_follows_the_same_unicode_rules() {
    let m = market().await;
    let path = format!("/api/v1/me/shops/{}", m.shop_id);
    let token = Some(m.shopkeeper.access.as_str());
    let reply = m
        .app
        .patch(&path, &json!({"name": "阿明\u{202E}的铺"}), token)
        .await;
    assert_names_field(&reply, "name");
    assert_eq!(reply.json()["errors"][0]["code"], "invisible_character");
    let renamed = m
        .app
        .patch(&path, &json!({"name": "阿明的🍓铺"}), token)
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.json()["name"], "阿明的🍓铺");
}

/// U+0000 cannot be stored by PostgreSQL: refused as a bad request on both databases, in a
/// query string and in a JSON body, instead of reaching the database (Schemathesis found a 500
/// with `q=%00` on PostgreSQL).
#[actix_web::test]
async fn a_nul_character_is_a_bad_request_in_a_url_and_in_a_body() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("admin@nul.cn").await;
    let (keeper, _, _) = app
        .shopkeeper("keeper@nul.cn", 1, "小林的杂货铺", &admin)
        .await;
    let search = app
        .get("/api/v1/catalogue/goods?q=ce%1E%00", Some(&keeper.access))
        .await;
    assert_eq!(search.status, 400, "{}", search.text);
    assert_eq!(search.code(), "nul_character");

    let register = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": "nul@b.cn", "password": "Passw0rd!x", "display_name": "a\u{0}b"}),
            None,
        )
        .await;
    assert_eq!(register.status, 400, "{}", register.text);
    assert_eq!(register.code(), "nul_character");
    assert_eq!(app.login("nul@b.cn", "Passw0rd!x").await.status, 401);
    // Still answering, and an ordinary search works.
    let search = app
        .get("/api/v1/catalogue/goods?q=ce", Some(&keeper.access))
        .await;
    assert_eq!(search.status, 200, "{}", search.text);
}

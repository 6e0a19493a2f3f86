//! The buyer's H5 pages, through HTTP as a browser without JavaScript sends it (the browser
//! itself drives them in `e2e/`).

use serde_json::json;

use crate::support::{goods_body, Reply, TestApp, CREDIT_CODES, PASSWORD};

/// A shop with one item of one SKU, shared.
struct Shared {
    shop_id: i64,
    shop_no: String,
    item_id: i64,
    sku_id: i64,
    code: String,
    keeper_token: String,
}

const PAYLOAD: &str = "<script>window.__pwned=1</script>";

async fn shared_item(app: &TestApp, shop_name: &str, recommendation: &str, title: &str) -> Shared {
    let supplier = app.active_supplier("s@h5.cn", CREDIT_CODES[0]).await;
    let mut body = goods_body();
    body["title"] = json!(title);
    let goods_id = app.listed_goods(&supplier, &body).await;
    let (keeper, shop_id, shop_no) = app
        .shopkeeper("k@h5.cn", 1, shop_name, &supplier.admin)
        .await;
    let token = Some(keeper.access.as_str());
    let added = app
        .post(
            &format!("/api/v1/me/shops/{shop_id}/items"),
            &json!({"goods_id": goods_id, "recommendation": recommendation}),
            token,
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    let item_id = added.id();
    let shared = app
        .post(
            &format!("/api/v1/me/shops/{shop_id}/items/{item_id}/share"),
            &json!({}),
            token,
        )
        .await;
    assert_eq!(shared.status, 201, "{}", shared.text);
    let detail = app
        .get(&format!("/api/v1/shops/{shop_no}/items/{item_id}"), None)
        .await;
    Shared {
        shop_id,
        shop_no,
        item_id,
        sku_id: detail.json()["skus"][0]["id"].as_i64().unwrap(),
        code: shared.json()["code"].as_str().unwrap().to_owned(),
        keeper_token: keeper.access,
    }
}

/// A browser without script: keeps the session cookie, sends forms, follows nothing itself.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: Option<String>,
    language: &'static str,
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookie: None,
            language: "zh-CN,zh;q=0.9",
        }
    }

    fn keep_cookie(&mut self, reply: &Reply) {
        if let Some(set) = reply.header("set-cookie") {
            self.cookie = set.split(';').next().map(str::to_owned);
        }
    }

    fn request(&self, request: awc::ClientRequest) -> awc::ClientRequest {
        let request = request.insert_header(("accept-language", self.language));
        match &self.cookie {
            Some(cookie) => request.insert_header(("cookie", cookie.as_str())),
            None => request,
        }
    }

    async fn get(&mut self, path: &str) -> Reply {
        let request = self.request(self.app.client.get(self.app.url(path)));
        let reply = self.app.send(request, None).await;
        self.keep_cookie(&reply);
        reply
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let request = self
            .request(self.app.client.post(self.app.url(path)))
            .insert_header(("content-type", "application/x-www-form-urlencoded"));
        let body = serde_urlencoded::to_string(fields).unwrap();
        let reply = self.app.send(request, Some(body.as_bytes())).await;
        self.keep_cookie(&reply);
        reply
    }
}

/// The value of the first hidden input named `name`.
fn field(html: &str, name: &str) -> String {
    attribute(html, &format!("name=\"{name}\" value"))
}

/// The quoted value after the first `{prefix}="`.
fn attribute(html: &str, prefix: &str) -> String {
    let marker = format!("{prefix}=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {prefix} in {html}"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&")
}

async fn visits(app: &TestApp, code: &str) -> i64 {
    // The API's open counts one more; subtract it.
    app.get(&format!("/api/v1/share/{code}"), None).await.json()["visits"]
        .as_i64()
        .unwrap()
        - 1
}

#[actix_web::test]
async fn a_share_link_opens_its_item_in_the_shop_and_counts_the_visit() {
    let app = TestApp::builder()
        .with_settings(|s| s.sharing.public_base_url = "https://xiaopu.example.cn".to_owned())
        .start()
        .await;
    let shared = shared_item(
        &app,
        "阿明的零食铺",
        "孩子每天都要吃",
        "FarmJoy dried mango",
    )
    .await;
    let mut browser = Browser::new(&app);
    // Chat apps append their own parameters.
    let page = browser
        .get(&format!(
            "/s/{}?from=singlemessage&isappinstalled=0",
            shared.code
        ))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    for expected in [
        "FarmJoy dried mango",
        "孩子每天都要吃",
        "阿明的零食铺的小铺",
        "新晋掌柜",
        "¥29.90",
        "立即购买",
        &format!("href=\"/shop/{}\"", shared.shop_no),
        &format!("name=\"sku\" value=\"{}\"", shared.sku_id),
        // The card a pasted link shows.
        "<meta property=\"og:title\" content=\"FarmJoy dried mango · 阿明的零食铺的小铺\">",
        "<meta property=\"og:image\" content=\"https://img.example.cn/mango.jpg\">",
        &format!(
            "<meta property=\"og:url\" content=\"https://xiaopu.example.cn/s/{}\">",
            shared.code
        ),
    ] {
        assert!(
            page.text.contains(expected),
            "{expected} missing from {}",
            page.text
        );
    }
    assert!(!page.text.contains("commission"));
    assert_eq!(visits(&app, &shared.code).await, 1);

    let unknown = browser.get("/s/ABCDEFGH").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(unknown.text.contains("分享链接已失效"), "{}", unknown.text);
    assert_eq!(browser.get("/s/not-a-code").await.status, 404);

    let revoked = app
        .delete(
            &format!(
                "/api/v1/me/shops/{}/items/{}/share",
                shared.shop_id, shared.item_id
            ),
            Some(&shared.keeper_token),
        )
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text);
    let gone = browser.get(&format!("/s/{}", shared.code)).await;
    assert_eq!(gone.status, 404);
    assert!(gone.text.contains("分享链接已失效"));

    let shop = browser.get(&format!("/shop/{}", shared.shop_no)).await;
    assert_eq!(shop.status, 200);
    assert!(shop.text.contains("loading=\"lazy\""));
    assert!(shop.text.contains("1 件商品"), "{}", shop.text);
    assert!(shop.text.contains("孩子每天都要吃") && shop.text.contains("FarmJoy dried mango"));
    assert_eq!(browser.get("/shop/000000").await.status, 404);
    assert_eq!(
        browser
            .get(&format!("/shop/{}/item/999999", shared.shop_no))
            .await
            .status,
        404
    );
    assert_eq!(
        browser
            .get(&format!("/shop/{}/item/not-a-number", shared.shop_no))
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn script_in_a_shop_name_a_recommendation_or_a_title_is_shown_as_text() {
    let app = TestApp::start().await;
    let shop_name = "<script>__pwned=1</script>";
    let shared = shared_item(&app, shop_name, PAYLOAD, &format!("Mango {PAYLOAD}")).await;
    let mut browser = Browser::new(&app);
    for path in [
        format!("/s/{}", shared.code),
        format!("/shop/{}", shared.shop_no),
        format!("/shop/{}/item/{}", shared.shop_no, shared.item_id),
        format!(
            "/shop/{}/item/{}/checkout?sku={}&quantity=1&key=k1",
            shared.shop_no, shared.item_id, shared.sku_id
        ),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        assert!(!page.text.contains("<script>"), "{path}: {}", page.text);
        assert!(!page.text.contains("__pwned=1</script>"), "{path}");
        // Escaped, as askama writes it (numeric references).
        for shown in [
            "&#60;script&#62;window.__pwned=1&#60;/script&#62;",
            "&#60;script&#62;__pwned=1&#60;/script&#62;的小铺",
        ] {
            assert!(
                page.text.contains(shown),
                "{path}: {shown} in {}",
                page.text
            );
        }
        // The only script is the site's own file.
        assert_eq!(page.text.matches("<script").count(), 1, "{path}");
    }
}

#[actix_web::test]
async fn pages_send_a_strict_policy_and_a_guarded_session_cookie() {
    let app = TestApp::start().await;
    let shared = shared_item(&app, "阿明的零食铺", "好吃", "FarmJoy dried mango").await;
    let path = format!("/shop/{}", shared.shop_no);
    let page = Browser::new(&app).get(&path).await;
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(policy.contains("img-src 'self' data: https:"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.starts_with("xp_session="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    assert_eq!(page.header("content-language"), Some("zh-CN"));

    let behind_tls = app
        .send(
            app.client
                .get(app.url(&path))
                .insert_header(("x-forwarded-proto", "https")),
            None,
        )
        .await;
    assert!(behind_tls
        .header("set-cookie")
        .unwrap()
        .contains("; Secure"));

    // A valid session is kept, not reissued on every page.
    let mut browser = Browser::new(&app);
    browser.get(&path).await;
    let again = browser.get(&path).await;
    assert_eq!(again.header("set-cookie"), None);

    let css = app.get("/h5/app.css", None).await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    let js = app.get("/h5/app.js", None).await;
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));

    let forced = TestApp::builder()
        .with_settings(|s| s.h5.secure_cookies = true)
        .start()
        .await;
    let page = forced.get("/my/orders", None).await;
    assert!(page.header("set-cookie").unwrap().contains("; Secure"));
}

#[actix_web::test]
async fn the_language_follows_accept_language_and_chinese_is_the_default() {
    let app = TestApp::start().await;
    let shared = shared_item(&app, "阿明的零食铺", "好吃", "FarmJoy dried mango").await;
    let path = format!("/shop/{}/item/{}", shared.shop_no, shared.item_id);
    let chinese = app.get(&path, None).await;
    assert!(chinese.text.contains("<html lang=\"zh-CN\">") && chinese.text.contains("立即购买"));
    let mut browser = Browser::new(&app);
    browser.language = "en-GB,en;q=0.9,zh;q=0.5";
    let english = browser.get(&path).await;
    assert!(english.text.contains("<html lang=\"en\">") && english.text.contains("Buy now"));
    assert!(english.text.contains("Rookie"));
    assert_eq!(english.header("content-language"), Some("en"));
    assert!(english.header("vary").unwrap().contains("Accept-Language"));
    let missing = browser.get("/s/ABCDEFGH").await;
    assert!(missing.text.contains("no longer valid"), "{}", missing.text);
}

#[actix_web::test]
async fn a_form_without_this_sessions_token_is_refused() {
    let app = TestApp::start().await;
    let shared = shared_item(&app, "阿明的零食铺", "好吃", "FarmJoy dried mango").await;
    let mut browser = Browser::new(&app);
    let signed_in = register(&mut browser, "b@h5.cn").await;
    assert!(signed_in);
    let checkout = format!("/shop/{}/item/{}/checkout", shared.shop_no, shared.item_id);
    let sku = shared.sku_id.to_string();
    let mut form = address_form("k-csrf", &sku);
    for token in ["", "forged-token"] {
        form[0] = ("csrf", token);
        let refused = browser.post(&checkout, &form).await;
        assert_eq!(refused.status, 403, "{}", refused.text);
        assert!(refused.text.contains("页面已过期"), "{}", refused.text);
    }
    // A token of another session does not pass either.
    let mut stranger = Browser::new(&app);
    let their_page = stranger.get("/my/orders").await;
    let their_token = field(&their_page.text, "csrf");
    form[0] = ("csrf", &their_token);
    assert_eq!(browser.post(&checkout, &form).await.status, 403);
    let missing = browser.post("/account/sign-out", &[]).await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    assert_eq!(buyer_order_count(&app, "b@h5.cn").await, 0);
}

fn address_form<'a>(key: &'a str, sku: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", ""),
        ("key", key),
        ("sku_id", sku),
        ("quantity", "2"),
        ("name", "王小明"),
        ("phone", "13812345678"),
        ("region", "浙江省 杭州市 西湖区"),
        ("detail", "文三路 100 号"),
        ("note", ""),
    ]
}

/// Registers through the page's form; true once the session is signed in.
async fn register(browser: &mut Browser<'_>, email: &str) -> bool {
    let page = browser.get("/my/orders").await;
    assert_eq!(page.status, 401);
    let csrf = field(&page.text, "csrf");
    let registered = browser
        .post(
            "/account/register",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("phone", ""),
                ("display_name", "小明"),
                ("password", PASSWORD),
                ("next", "/my/orders"),
            ],
        )
        .await;
    assert_eq!(registered.status, 303, "{}", registered.text);
    assert_eq!(registered.header("location"), Some("/my/orders"));
    browser.get("/my/orders").await.status == 200
}

async fn buyer_order_count(app: &TestApp, email: &str) -> i64 {
    let login = app.login(email, PASSWORD).await;
    let token = login.json()["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/orders", Some(&token)).await.json()["total"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn a_buyer_orders_once_per_checkout_and_pays_in_the_sandbox() {
    let app = TestApp::start().await;
    let shared = shared_item(&app, "阿明的零食铺", "好吃", "FarmJoy dried mango").await;
    let mut browser = Browser::new(&app);
    browser.get(&format!("/s/{}", shared.code)).await;
    let base = format!("/shop/{}/item/{}/checkout", shared.shop_no, shared.item_id);

    // Opening checkout mints its key into the address.
    let opened = browser
        .get(&format!("{base}?sku={}&quantity=2", shared.sku_id))
        .await;
    assert_eq!(opened.status, 303, "{}", opened.text);
    let checkout_url = opened.header("location").unwrap().to_owned();
    assert!(checkout_url.contains("&key="), "{checkout_url}");

    // Not signed in: the page offers sign-in and registration, leading back here.
    let page = browser.get(&checkout_url).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("/account/register"));
    assert_eq!(field(&page.text, "next"), checkout_url);
    let registered = browser
        .post(
            "/account/register",
            &[
                ("csrf", &field(&page.text, "csrf")),
                ("email", "buyer@h5.cn"),
                ("display_name", "小明"),
                ("password", PASSWORD),
                ("next", &checkout_url),
            ],
        )
        .await;
    assert_eq!(registered.status, 303, "{}", registered.text);
    assert_eq!(registered.header("location"), Some(checkout_url.as_str()));

    let page = browser.get(&checkout_url).await;
    assert!(page.text.contains("id=\"checkout\""), "{}", page.text);
    let (csrf, key) = (field(&page.text, "csrf"), field(&page.text, "key"));
    let sku = shared.sku_id.to_string();
    let mut form = address_form(&key, &sku);
    form[0] = ("csrf", &csrf);

    // A bad field comes back with the form, its values and the same key.
    let mut bad = form.clone();
    bad[5] = ("phone", "12");
    let refused = browser.post(&base, &bad).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains("11-digit"), "{}", refused.text);
    assert_eq!(field(&refused.text, "key"), key);
    assert!(refused.text.contains("value=\"王小明\""));

    // Submitted twice (a double tap, or a reload of the post): one order, both lead to it.
    let (first, second) = futures_util::future::join(
        browser_post(&app, &browser, &base, &form),
        browser_post(&app, &browser, &base, &form),
    )
    .await;
    assert_eq!((first.status, second.status), (303, 303), "{}", first.text);
    let order_url = first.header("location").unwrap().to_owned();
    assert_eq!(second.header("location"), Some(order_url.as_str()));
    let third = browser.post(&base, &form).await;
    assert_eq!(third.header("location"), Some(order_url.as_str()));
    // Back to the checkout after ordering: its address leads to the order, and the form
    // typed again with a difference does not order a second time.
    let reopened = browser.get(&checkout_url).await;
    assert_eq!(reopened.status, 303, "{}", reopened.text);
    assert_eq!(reopened.header("location"), Some(order_url.as_str()));
    let mut retyped = form.clone();
    retyped[8] = ("note", "请放门口");
    let again = browser.post(&base, &retyped).await;
    assert_eq!(again.status, 303, "{}", again.text);
    assert_eq!(again.header("location"), Some(order_url.as_str()));
    assert_eq!(buyer_order_count(&app, "buyer@h5.cn").await, 1);

    // Another buyer can neither see nor pay this order: it is not there for them.
    let mut other = Browser::new(&app);
    assert!(register(&mut other, "other@h5.cn").await);
    assert_eq!(other.get(&order_url).await.status, 404);
    let other_csrf = field(&other.get("/my/orders").await.text, "csrf");
    let other_pay = other
        .post(&format!("{order_url}/pay"), &[("csrf", &other_csrf)])
        .await;
    assert_eq!(other_pay.status, 404, "{}", other_pay.text);

    let order = browser.get(&order_url).await;
    assert_eq!(order.status, 200);
    assert!(
        order.text.contains("data-status=\"pending_payment\""),
        "{}",
        order.text
    );
    assert!(order.text.contains("¥59.80"));
    let cashier = browser
        .post(&format!("{order_url}/pay"), &[("csrf", &csrf)])
        .await;
    assert_eq!(cashier.status, 200, "{}", cashier.text);
    assert!(cashier.text.contains("¥59.80"));
    // The cashier's confirmation names its order: posted under another order's address, it
    // is refused and pays nothing.
    let elsewhere = browser
        .post(
            "/my/orders/999999/pay/confirm",
            &[
                ("csrf", &csrf),
                ("payment_no", &field(&cashier.text, "payment_no")),
            ],
        )
        .await;
    assert_eq!(elsewhere.status, 404, "{}", elsewhere.text);
    assert!(browser
        .get(&order_url)
        .await
        .text
        .contains("data-status=\"pending_payment\""));
    let paid = browser
        .post(
            &format!("{order_url}/pay/confirm"),
            &[
                ("csrf", &csrf),
                ("payment_no", &field(&cashier.text, "payment_no")),
            ],
        )
        .await;
    assert_eq!(paid.status, 303, "{}", paid.text);
    let order = browser.get(&order_url).await;
    assert!(
        order.text.contains("data-status=\"paid\""),
        "{}",
        order.text
    );
    let list = browser.get("/my/orders").await;
    assert!(list.text.contains(&order_url) && list.text.contains("已支付"));

    // Signing out ends the session: the order is no longer shown.
    let out = browser.post("/account/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(browser.get(&order_url).await.status, 401);

    // Signing in again never leads off the site, whatever `next` says.
    let page = browser.get("/my/orders").await;
    let signed_in = browser
        .post(
            "/account/sign-in",
            &[
                ("csrf", &field(&page.text, "csrf")),
                ("login", "buyer@h5.cn"),
                ("password", PASSWORD),
                ("next", "//evil.example/steal"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.text);
    assert_eq!(signed_in.header("location"), Some("/my/orders"));
    assert_eq!(browser.get("/my/orders").await.status, 200);

    // A disabled account is signed out at its next page, cookie or not.
    app.db_write(|conn| {
        use diesel::prelude::*;
        use xiaopu::db::schema::members;
        diesel::update(members::table.filter(members::email.eq("buyer@h5.cn")))
            .set(members::status.eq("disabled"))
            .execute(conn)?;
        Ok(())
    })
    .await;
    assert_eq!(browser.get("/my/orders").await.status, 401);
}

/// A post with the browser's cookie, without taking the reply's (for concurrent posts).
async fn browser_post(
    app: &TestApp,
    browser: &Browser<'_>,
    path: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let request = browser
        .request(app.client.post(app.url(path)))
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    app.send(
        request,
        Some(serde_urlencoded::to_string(fields).unwrap().as_bytes()),
    )
    .await
}

#[actix_web::test]
async fn a_shop_page_of_items_stays_under_100_kb() {
    let app = TestApp::start().await;
    let shared = shared_item(
        &app,
        "阿明的零食铺",
        &"推荐".repeat(250),
        "FarmJoy dried mango",
    )
    .await;
    let supplier_id: i64 = {
        use diesel::prelude::*;
        use xiaopu::db::schema::goods;
        app.db_read(|conn| Ok(goods::table.select(goods::supplier_id).first(conn)?))
            .await
    };
    let goods = app.seed_goods(supplier_id, 60).await;
    app.seed_items(shared.shop_id, goods).await;
    let page = app.get(&format!("/shop/{}", shared.shop_no), None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.len() < 100 * 1024, "{} bytes", page.text.len());
    assert!(
        page.text.contains("id=\"more\""),
        "a first page, with more to load"
    );
    let more = attribute(&page.text, "data-more href");
    let next = app.get(&more, None).await;
    assert_eq!(next.status, 200, "{more}");
    assert!(next.text.contains("Seeded goods"));
    let searched = app
        .get(
            &format!("/shop/{}?q=dried&category=food-health", shared.shop_no),
            None,
        )
        .await;
    assert!(
        searched.text.contains("FarmJoy dried mango") && !searched.text.contains("Seeded goods")
    );
}

//! The usual worlds the tests start from, built over the HTTP API as a user would, and the
//! steps that move them on: a market (an active supplier's goods in an open shop, and a buyer);
//! orders placed, paid, shipped, received and settled; after-sales cases; withdrawals. Every
//! test file builds on these rather than on its own copy of the setup.

use serde_json::{json, Value};
use xiaopu::jobs::{Job, RunReport};

use crate::support::{ago, goods_body, Reply, Session, SupplierFixture, TestApp, CREDIT_CODES};

pub const CALLBACK_SECRET: &str = "test-callback-secret-0123456789abcdef";

/// A shop selling one goods of an active supplier, and a buyer.
pub struct Market {
    pub app: TestApp,
    pub supplier: SupplierFixture,
    pub shopkeeper: Session,
    pub shop_id: i64,
    pub goods_id: i64,
    pub sku_id: i64,
    pub item_id: i64,
    pub buyer: Session,
}

pub async fn market_with(goods: Value) -> Market {
    let app = TestApp::builder()
        .with_settings(|s| s.payments.callback_secret = CALLBACK_SECRET.to_owned())
        .start()
        .await;
    market_in(app, goods).await
}

/// The market of `market_with` in an app already started (with its own settings).
pub async fn market_in(app: TestApp, goods: Value) -> Market {
    let supplier = app
        .active_supplier("supplier@example.cn", "91350100M000100Y43")
        .await;
    let goods_id = app.listed_goods(&supplier, &goods).await;
    let sku_id = first_sku(&app, &supplier, goods_id).await;
    let (shopkeeper, shop_id, _) = app
        .shopkeeper("keeper@example.cn", 1, "阿明的零食铺", &supplier.admin)
        .await;
    let item_id = add_item(&app, &shopkeeper, shop_id, goods_id).await;
    let buyer = app.signed_in("buyer@example.cn").await;
    Market {
        app,
        supplier,
        shopkeeper,
        shop_id,
        goods_id,
        sku_id,
        item_id,
        buyer,
    }
}

/// The id of the first SKU of the supplier's goods.
pub async fn first_sku(app: &TestApp, supplier: &SupplierFixture, goods_id: i64) -> i64 {
    app.get(
        &format!("/api/v1/supplier/goods/{goods_id}"),
        Some(&supplier.member.access),
    )
    .await
    .json()["skus"][0]["id"]
        .as_i64()
        .unwrap()
}

pub async fn market() -> Market {
    market_with(goods_body()).await
}

pub async fn add_item(app: &TestApp, keeper: &Session, shop_id: i64, goods_id: i64) -> i64 {
    add_item_recommending(app, keeper, shop_id, goods_id, "好吃").await
}

/// Puts goods into the keeper's shop with the keeper's words for it; the item's id.
pub async fn add_item_recommending(
    app: &TestApp,
    keeper: &Session,
    shop_id: i64,
    goods_id: i64,
    recommendation: &str,
) -> i64 {
    let added = app
        .post(
            &format!("/api/v1/me/shops/{shop_id}/items"),
            &json!({"goods_id": goods_id, "recommendation": recommendation}),
            Some(&keeper.access),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    added.id()
}

pub fn order_body(lines: &[(i64, i64, i64)]) -> Value {
    json!({
        "lines": lines.iter().map(|(item, sku, quantity)| json!({
            "shop_item_id": item, "sku_id": sku, "quantity": quantity
        })).collect::<Vec<_>>(),
        "address": {
            "name": "王小明",
            "phone": "13812345678",
            "region": "浙江省 杭州市 西湖区",
            "detail": "文三路 100 号"
        }
    })
}

impl Market {
    pub async fn place(&self, key: &str, body: &Value, buyer: &Session) -> Reply {
        self.app
            .post_with_key("/api/v1/orders", key, body, &buyer.access)
            .await
    }

    pub async fn place_one(&self, key: &str, quantity: i64) -> Reply {
        self.place(
            key,
            &order_body(&[(self.item_id, self.sku_id, quantity)]),
            &self.buyer,
        )
        .await
    }

    pub async fn stock(&self) -> i64 {
        self.app
            .get(
                &format!("/api/v1/supplier/goods/{}", self.goods_id),
                Some(&self.supplier.member.access),
            )
            .await
            .json()["skus"][0]["stock"]
            .as_i64()
            .unwrap()
    }

    pub async fn order(&self, order_id: i64) -> Value {
        self.app
            .get_json(
                &format!("/api/v1/orders/{order_id}"),
                Some(&self.buyer.access),
            )
            .await
    }

    /// The orders of the market's shop, as its shopkeeper sees them.
    pub async fn shop_orders(&self) -> Value {
        self.app
            .get(
                &format!("/api/v1/me/shops/{}/orders", self.shop_id),
                Some(&self.shopkeeper.access),
            )
            .await
            .json()
    }

    /// An after-sales case, as the buyer sees it.
    pub async fn case(&self, case_id: i64) -> Value {
        self.app
            .get(
                &format!("/api/v1/aftersales/{case_id}"),
                Some(&self.buyer.access),
            )
            .await
            .json()
    }

    /// An account's balance on its normal side.
    pub async fn balance(&self, account: xiaopu::ledger::AccountSpec) -> i64 {
        self.app
            .db_read(move |conn| xiaopu::ledger::service::balance(conn, &account))
            .await
            .0
    }

    pub async fn order_count(&self) -> i64 {
        use diesel::prelude::*;
        self.app
            .db_read(|conn| {
                Ok(xiaopu::db::schema::orders::table
                    .count()
                    .get_result::<i64>(conn)?)
            })
            .await
    }

    /// The buyer's POST to one of their order's actions (pay, cancel, confirm-receipt).
    pub async fn buyer_post(&self, order_id: i64, action: &str) -> Reply {
        self.app
            .post(
                &format!("/api/v1/orders/{order_id}/{action}"),
                &json!({}),
                Some(&self.buyer.access),
            )
            .await
    }

    /// Pays an order through the sandbox: /pay, then the sandbox's signed completion.
    pub async fn pay(&self, order_id: i64) -> Reply {
        let payment = self.buyer_post(order_id, "pay").await;
        assert_eq!(payment.status, 200, "{}", payment.text);
        let complete = payment.json()["checkout"]["complete_url"]
            .as_str()
            .unwrap()
            .to_owned();
        self.app
            .post(&complete, &json!({}), Some(&self.buyer.access))
            .await
    }
}

/// Moves the order's payment deadline into the past.
pub async fn make_overdue(m: &Market, order_id: i64) {
    use diesel::prelude::*;
    use xiaopu::db::schema::orders;
    m.app
        .db_write(move |conn| {
            diesel::update(orders::table.find(order_id))
                .set(orders::payment_due_at.eq(ago(chrono::Duration::minutes(1))))
                .execute(conn)?;
            Ok(())
        })
        .await;
}

pub async fn run_job(m: &Market, job: xiaopu::jobs::Job) -> xiaopu::jobs::RunReport {
    let state = m.app.state.clone();
    xiaopu::blocking::off_worker(move || xiaopu::jobs::run(&state.job_parts(), job, "test"))
        .await
        .unwrap()
        .unwrap()
}

/// A market whose platform takes a 2% fee, so every share of a sale is exercised.
pub async fn fee_market() -> Market {
    market_with_settings(|s| s.money.platform_fee_bps = 200).await
}

pub async fn market_with_settings(
    adjust: impl FnOnce(&mut xiaopu::config::Settings) + 'static,
) -> Market {
    let app = TestApp::builder()
        .with_settings(move |s| {
            s.payments.callback_secret = CALLBACK_SECRET.to_owned();
            adjust(s);
        })
        .start()
        .await;
    market_in(app, goods_body()).await
}

/// Which moment of a supplier's part of an order to move back in time.
enum PartMoment {
    Shipped,
    Received,
}

/// Moves a part's `moment` back by `days` and a minute, as if that time had passed.
async fn age_part(m: &Market, part_id: i64, moment: PartMoment, days: i64) {
    use diesel::prelude::*;
    use xiaopu::db::schema::supplier_orders;
    let at = ago(chrono::Duration::days(days) + chrono::Duration::minutes(1));
    m.app
        .db_write(move |conn| {
            let part = supplier_orders::table.find(part_id);
            match moment {
                PartMoment::Shipped => diesel::update(part)
                    .set(supplier_orders::shipped_at.eq(at))
                    .execute(conn)?,
                PartMoment::Received => diesel::update(part)
                    .set(supplier_orders::received_at.eq(at))
                    .execute(conn)?,
            };
            Ok(())
        })
        .await;
}

/// Moves a part's shipment back by `days` and a minute, as if that time had passed.
pub async fn age_shipment(m: &Market, part_id: i64, days: i64) {
    age_part(m, part_id, PartMoment::Shipped, days).await;
}

/// Moves a part's receipt back by `days` and a minute, as if that time had passed.
pub async fn age_receipt(m: &Market, part_id: i64, days: i64) {
    age_part(m, part_id, PartMoment::Received, days).await;
}

/// A paid order of `quantity` pieces, shipped and received: (order id, part id).
pub async fn received_order(m: &Market, key: &str, quantity: i64) -> (i64, i64) {
    let order_id = paid_order(m, key, &[(m.item_id, m.sku_id, quantity)]).await;
    let part = m.order(order_id).await["parts"][0]["id"].as_i64().unwrap();
    assert_eq!(ship(m, &m.supplier, part, "SF").await.status, 200);
    let received = m.buyer_post(order_id, "confirm-receipt").await;
    assert_eq!(received.status, 200, "{}", received.text);
    (order_id, part)
}

/// Settles a received order of `quantity` pieces at once (its receipt aged past the window).
pub async fn settled_order(m: &Market, key: &str, quantity: i64) -> (i64, i64) {
    let (order_id, part) = received_order(m, key, quantity).await;
    let window = i64::from(m.app.state.settings.money.settlement_window_days);
    age_receipt(m, part, window).await;
    assert_eq!(run_job(m, Job::Settle).await, RunReport::Done(1));
    (order_id, part)
}

pub async fn withdraw(m: &Market, path: &str, key: &str, amount: i64, account: &str) -> Reply {
    let token = if path.starts_with("/api/v1/supplier") {
        &m.supplier.member.access
    } else {
        &m.shopkeeper.access
    };
    let body = json!({
        "amount_fen": amount,
        "account": {"kind": "alipay", "number": account, "holder": "王阿明"}
    });
    m.app.post_with_key(path, key, &body, token).await
}

pub async fn paid_order(m: &Market, key: &str, lines: &[(i64, i64, i64)]) -> i64 {
    let placed = m.place(key, &order_body(lines), &m.buyer).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let order_id = placed.id();
    assert_eq!(m.pay(order_id).await.json()["outcome"], "applied");
    order_id
}

pub async fn ship(m: &Market, supplier: &SupplierFixture, part_id: i64, carrier: &str) -> Reply {
    m.app
        .post(
            &format!("/api/v1/supplier/orders/{part_id}/ship"),
            &json!({"carrier": carrier, "tracking_no": format!("{carrier}100{part_id}200")}),
            Some(&supplier.member.access),
        )
        .await
}

/// A second active supplier with goods in the market's shop: (supplier, item id, SKU id).
pub async fn second_supplier(m: &Market) -> (SupplierFixture, i64, i64) {
    let other = m
        .app
        .active_supplier("other@example.cn", CREDIT_CODES[1])
        .await;
    let goods_id = m.app.listed_goods(&other, &goods_body()).await;
    let sku_id = first_sku(&m.app, &other, goods_id).await;
    let item_id = add_item(&m.app, &m.shopkeeper, m.shop_id, goods_id).await;
    (other, item_id, sku_id)
}

pub async fn open_case(
    m: &Market,
    order_id: i64,
    part: i64,
    kind: &str,
    line: i64,
    quantity: i64,
) -> Reply {
    m.app
        .post(
            &format!("/api/v1/orders/{order_id}/aftersales"),
            &json!({
                "supplier_order_id": part,
                "kind": kind,
                "lines": [{"order_line_id": line, "quantity": quantity}],
                "reason": "包装破损 damaged",
                "image_urls": ["https://img.example.cn/broken.jpg"]
            }),
            Some(&m.buyer.access),
        )
        .await
}

pub async fn supplier_post(m: &Market, case_id: i64, action: &str, body: Value) -> Reply {
    m.app
        .post(
            &format!("/api/v1/supplier/aftersales/{case_id}/{action}"),
            &body,
            Some(&m.supplier.member.access),
        )
        .await
}

pub async fn buyer_case_post(m: &Market, case_id: i64, action: &str, body: Value) -> Reply {
    m.app
        .post(
            &format!("/api/v1/aftersales/{case_id}/{action}"),
            &body,
            Some(&m.buyer.access),
        )
        .await
}

/// A platform decision on a disputed case, sent with `admin`'s session: `refund` (lines,
/// compensation) or `reject`, with a note.
pub async fn decide_dispute(m: &Market, case_id: i64, admin: &Session, decision: Value) -> Reply {
    m.app
        .post(
            &format!("/api/v1/admin/disputes/{case_id}/decide"),
            &decision,
            Some(&admin.access),
        )
        .await
}

/// The buyer's parcel back to the supplier for an approved return.
pub async fn send_return(m: &Market, case_id: i64, carrier: &str, tracking_no: &str) -> Reply {
    buyer_case_post(
        m,
        case_id,
        "return",
        json!({"carrier": carrier, "tracking_no": tracking_no}),
    )
    .await
}

//! Production takes no test money: the sandbox is not a gateway there, its "pay" routes do not
//! exist, and a real rail (WeChat Pay here, with test keys) takes its place.

use serde_json::json;

use crate::support::TestApp;

#[actix_web::test]
async fn production_has_no_sandbox_to_pay_with() {
    let app = TestApp::builder()
        .with_settings(crate::support::production)
        .start()
        .await;
    let buyer = app.signed_in_admin("buyer@example.cn").await;
    assert_eq!(app.state.gateways.default_gateway().name(), "wechat");
    assert!(app.state.gateways.sandbox().is_err());
    let complete = app
        .post(
            "/api/v1/payments/sandbox/P00000000000000000001/complete",
            &json!({}),
            Some(&buyer.access),
        )
        .await;
    assert_eq!(complete.status, 404, "{}", complete.text);
    assert_ne!(
        complete.json()["detail"],
        "payment not found",
        "no such route"
    );
    let callback = app
        .post(
            "/api/v1/payments/sandbox/callback",
            &json!({"event_id": "e", "payment_no": "P1", "amount_fen": 1, "trade_no": "t"}),
            None,
        )
        .await;
    assert_eq!(
        callback.status, 404,
        "no sandbox gateway: {}",
        callback.text
    );
    // A WeChat notification still has to be signed by WeChat Pay.
    let unsigned = app
        .post(
            "/api/v1/payments/wechat/callback",
            &json!({"id": "x"}),
            None,
        )
        .await;
    assert_eq!(unsigned.status, 401, "{}", unsigned.text);
}

#[actix_web::test]
async fn outside_production_the_sandbox_cashier_is_there() {
    let app = TestApp::builder().start().await;
    let buyer = app.signed_in_admin("buyer@example.cn").await;
    let complete = app
        .post(
            "/api/v1/payments/sandbox/P00000000000000000001/complete",
            &json!({}),
            Some(&buyer.access),
        )
        .await;
    assert_eq!(complete.status, 404, "{}", complete.text);
    assert_eq!(
        complete.json()["detail"],
        "payment not found",
        "the route is there; the payment is not: {}",
        complete.text
    );
}

/// A pay request is checked before a payment is opened: asking for WeChat's in-app payment
/// without the buyer's openid is refused, naming the field, and opens nothing.
#[actix_web::test]
async fn a_pay_request_missing_what_its_channel_needs_opens_no_payment() {
    let m = crate::worlds::market().await;
    let order_id = m.place_one("pay-channel-1", 1).await.id();
    let path = format!("/api/v1/orders/{order_id}/pay");
    let refused = m
        .app
        .post(
            &path,
            &json!({"channel": "wechat_jsapi"}),
            Some(&m.buyer.access),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.json()["errors"][0]["field"], "openid");
    let payments = m
        .app
        .db_read(move |conn| {
            use diesel::prelude::*;
            use xiaopu::db::schema::payments;
            Ok(payments::table
                .filter(payments::order_id.eq(order_id))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await;
    assert_eq!(payments, 0);
}

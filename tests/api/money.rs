//! Money: commission accrued at payment, reversed by refunds, settled after the after-sales
//! window; every movement in the ledger.

use xiaopu::jobs::{Job, RunReport};
use xiaopu::ledger::accounts;

use crate::fulfilment::{paid_order, ship};
use crate::orders::{market_in, run_job, Market, CALLBACK_SECRET};
use crate::support::{goods_body, TestApp};

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

/// Moves a part's receipt back by `days` and a minute, as if that time had passed.
pub async fn age_receipt(m: &Market, part_id: i64, days: i64) {
    use diesel::prelude::*;
    use xiaopu::db::schema::supplier_orders;
    m.app
        .state
        .db
        .write(move |conn| {
            diesel::update(supplier_orders::table.find(part_id))
                .set(supplier_orders::received_at.eq(xiaopu::clock::now()
                    - chrono::Duration::days(days)
                    - chrono::Duration::minutes(1)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
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

#[actix_web::test]
async fn settlement_waits_for_the_window_then_shares_the_sale_once() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    let supplier = m.supplier.supplier_id;
    // 2 × ¥29.90 = ¥59.80; commission 20% = ¥11.96; platform fee 2% = ¥1.19.
    let (order_id, part) = received_order(&m, "settle-1", 2).await;
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 1196);
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(0));

    let window = i64::from(m.app.state.settings.money.settlement_window_days);
    age_receipt(&m, part, window).await;
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(1));
    assert_eq!(run_job(&m, Job::Settle).await, RunReport::Done(0));

    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 0);
    assert_eq!(
        m.balance(accounts::shopkeeper_available(keeper)).await,
        1196
    );
    assert_eq!(
        m.balance(accounts::supplier_payable(supplier)).await,
        5980 - 1196 - 119
    );
    assert_eq!(m.balance(accounts::platform_fee_revenue()).await, 119);
    assert_eq!(m.balance(accounts::order_funds_held()).await, 0);
    let order = m.order(order_id).await;
    assert_eq!(order["status"], "completed");
    m.app.ledger_check().await.expect("ledger balances");
}

#[actix_web::test]
async fn cancelling_a_paid_order_reverses_the_pending_commission() {
    let m = fee_market().await;
    let keeper = m.shopkeeper.member.0;
    let order_id = paid_order(&m, "cancel-1", &[(m.item_id, m.sku_id, 3)]).await;
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 1794);
    let cancelled = m.buyer_post(order_id, "cancel").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    assert_eq!(m.balance(accounts::shopkeeper_pending(keeper)).await, 0);
    assert_eq!(m.balance(accounts::order_funds_held()).await, 0);
    // The refund went out through the gateway right after the cancellation committed.
    assert_eq!(m.balance(accounts::refunds_due()).await, 0);
    assert_eq!(m.balance(accounts::gateway_clearing("sandbox")).await, 0);
    m.app.ledger_check().await.expect("ledger balances");
}

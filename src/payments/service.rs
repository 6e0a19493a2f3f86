//! Paying orders, gateway callbacks, refunds.

use actix_web::http::header::HeaderMap;

use super::dto::{PayChannel, PayRequest};
use super::gateway::CallbackEvent;
use super::model::{NewPayment, PaymentRow, PaymentStatus};
use super::rails::{CheckoutChannel, CheckoutOrder};
use super::{repo, Gateways};
use crate::audit::Actor;
use crate::db::{backend, DbConn};
use crate::error::{AppError, AppResult};
use crate::ledger::accounts;
use crate::ledger::service::{post, Leg, PostingRequest};
use crate::members::MemberId;
use crate::money::Fen;
use crate::orders::state::OrderStatus;

/// Starts (or resumes) paying the buyer's unpaid order through the default gateway: the
/// payment, and what its cashier needs ([`checkout`], after this transaction commits).
pub fn start(
    conn: &mut DbConn,
    gateways: &Gateways,
    buyer: MemberId,
    order_id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<(PaymentRow, CheckoutOrder)> {
    let order = crate::orders::service::own_order(conn, buyer, order_id)?;
    order.status.transition(OrderStatus::Paid)?;
    let gateway = gateways.default_gateway();
    // One open payment per order: paying again resumes it rather than opening a second one.
    let payment = match repo::open_for_order(conn, order.id)? {
        Some(payment) if payment.gateway == gateway.name() => payment,
        _ => repo::insert(
            conn,
            &NewPayment {
                payment_no: &new_reference("P"),
                order_id: order.id,
                gateway: gateway.name(),
                amount_fen: order.total_fen,
                status: PaymentStatus::Created,
                created_at: now,
            },
        )?,
    };
    let checkout = CheckoutOrder {
        payment_no: payment.payment_no.clone(),
        description: format!("小铺订单 {}", order.order_no),
        amount: Fen(payment.amount_fen),
        expires_at: order.payment_due_at,
    };
    Ok((payment, checkout))
}

/// The channel a pay request asks for, checked against what it needs; `default_return` is
/// where Alipay sends the buyer back unless the request says.
pub fn channel(
    gateway: &str,
    request: PayRequest,
    client_ip: String,
    default_return: String,
) -> AppResult<CheckoutChannel> {
    let chosen = request.channel.unwrap_or(match gateway {
        super::alipay::NAME => PayChannel::AlipayWap,
        _ => PayChannel::WechatH5,
    });
    Ok(match chosen {
        PayChannel::WechatJsapi => CheckoutChannel::WechatJsapi {
            openid: request
                .openid
                .filter(|openid| !openid.trim().is_empty())
                .ok_or_else(|| {
                    AppError::field(
                        "openid",
                        "required",
                        "wechat_jsapi needs the buyer's openid",
                    )
                })?,
        },
        PayChannel::WechatH5 => CheckoutChannel::WechatH5 { client_ip },
        PayChannel::AlipayWap => {
            let return_url = request.return_url.unwrap_or(default_return);
            if !crate::settings::is_http_url(&return_url) {
                return Err(AppError::field(
                    "return_url",
                    "invalid_format",
                    "must be an http(s) URL",
                ));
            }
            CheckoutChannel::AlipayWap { return_url }
        }
    })
}

/// The cashier of a started payment, from its gateway: for a real rail a prepay call, so
/// made off the async workers and outside any transaction.
pub async fn checkout(
    gateways: &Gateways,
    gateway: String,
    order: CheckoutOrder,
    channel: CheckoutChannel,
) -> AppResult<serde_json::Value> {
    let gateways = gateways.clone();
    crate::blocking::off_worker(move || gateways.get(&gateway)?.checkout(&order, &channel)).await?
}

/// A reference we hand to gateways: a prefix and 20 random digits.
fn new_reference(prefix: &str) -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    format!(
        "{prefix}{:010}{:010}",
        rng.gen_range(0..10_000_000_000_u64),
        rng.gen_range(0..10_000_000_000_u64)
    )
}

/// Checks a callback's signature (401 and nothing else if it is bad) and reads it: None for a
/// notification that needs nothing here.
pub fn verify(
    gateways: &Gateways,
    gateway: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> AppResult<Option<CallbackEvent>> {
    gateways.get(gateway)?.verify_callback(headers, body)
}

/// Sends pending refunds (of one order, or the oldest `limit`) through their gateways: each
/// call outside any transaction, then the refund marked sent with its ledger posting. A failed
/// call is counted on the refund and tried again next time. Returns how many were sent.
pub fn send_refunds(
    conn: &mut DbConn,
    gateways: &Gateways,
    order_id: Option<i64>,
    limit: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<usize> {
    let mut sent = 0;
    for refund in repo::pending_refunds(conn, order_id, limit)? {
        let payment = &refund.payment;
        let amount = Fen(refund.amount_fen);
        let answer = gateways
            .get(&payment.gateway)
            .and_then(|gateway| gateway.refund(payment, &refund.refund_no, amount));
        let gateway_refund_no = match answer {
            Ok(reference) => reference,
            Err(error) => {
                tracing::warn!(refund_no = %refund.refund_no, %error, "refund not sent; retried later");
                backend::write_transaction(conn, |conn| {
                    repo::record_refund_failure(conn, refund.id, &error.to_string())
                })?;
                continue;
            }
        };
        let recorded = backend::write_transaction(conn, |conn| -> AppResult<bool> {
            if !repo::mark_refund_sent(conn, refund.id, &gateway_refund_no, now)? {
                return Ok(false);
            }
            post(
                conn,
                &Actor::system(now),
                PostingRequest {
                    business_key: format!("refund-sent:{}", refund.refund_no),
                    kind: "order_refund_sent",
                    memo: format!(
                        "refund {} sent through {} as {gateway_refund_no}",
                        refund.refund_no, payment.gateway
                    ),
                    legs: vec![
                        Leg::debit(accounts::refunds_due(), amount),
                        Leg::credit(accounts::gateway_clearing(&payment.gateway), amount),
                    ],
                },
            )?;
            Ok(true)
        })?;
        if recorded {
            sent += 1;
        }
    }
    Ok(sent)
}

/// The sandbox's "pay": a signed callback for the buyer's open payment, sent through the same
/// verification as a callback from outside.
pub fn sandbox_completion(
    conn: &mut DbConn,
    gateways: &Gateways,
    buyer: MemberId,
    payment_no: &str,
    of_order: Option<i64>,
) -> AppResult<(HeaderMap, Vec<u8>)> {
    let payment = repo::find_by_no(conn, payment_no)?
        .filter(|p| p.gateway == super::sandbox::NAME)
        .filter(|p| of_order.is_none_or(|order| p.order_id == order))
        .ok_or(AppError::NotFound {
            resource: "payment",
        })?;
    crate::orders::service::own_order(conn, buyer, payment.order_id)?;
    let (signature, body) = gateways
        .sandbox()?
        .completion(&payment, Fen(payment.amount_fen));
    let mut headers = HeaderMap::new();
    headers.insert(
        actix_web::http::header::HeaderName::from_static("x-sandbox-signature"),
        actix_web::http::header::HeaderValue::from_str(&signature)
            .map_err(|e| AppError::internal(e.to_string()))?,
    );
    Ok((headers, body))
}

/// Sends refunds that a request just decided, after its transaction committed. Best effort:
/// what fails here is sent by the `send-refunds` job.
pub async fn send_refunds_now(
    db: &crate::db::Db,
    clock: &crate::clock::Clock,
    gateways: &Gateways,
    batch: i64,
    order_id: Option<i64>,
) {
    let now = clock.now();
    let gateways = gateways.clone();
    let sent = db
        .read(move |conn| send_refunds(conn, &gateways, order_id, batch, now))
        .await;
    if let Err(error) = sent {
        tracing::warn!(%error, "refunds not sent now; the send-refunds job retries");
    }
}

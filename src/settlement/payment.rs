//! A payment confirmed by its gateway: the money held for the order, the order paid, each line's
//! commission pending; or, for an order no longer waiting, the money owed back. Once per event.

use super::refunds::refund_payment;
use super::service::accrue_order;
use crate::audit::Actor;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::ledger::accounts;
use crate::ledger::service::{post, Leg, PostingRequest};
use crate::members::MemberId;
use crate::money::Fen;
use crate::orders::repo as orders_repo;
use crate::orders::service::{ActorKind, Transition};
use crate::orders::state::OrderStatus;
use crate::payments::dto::CallbackResult;
use crate::payments::gateway::CallbackEvent;
use crate::payments::model::{CallbackOutcome, NewPaymentEvent};
use crate::payments::repo;

/// Applies a verified callback inside the caller's transaction, once per event id.
pub fn apply(
    conn: &mut DbConn,
    gateway: &str,
    event: &CallbackEvent,
    payload: &str,
    now: chrono::NaiveDateTime,
) -> AppResult<CallbackOutcome> {
    let earlier = repo::record_event(
        conn,
        &NewPaymentEvent {
            gateway,
            event_id: &event.event_id,
            payment_no: &event.payment_no,
            amount_fen: event.amount.0,
            outcome: CallbackOutcome::Applied,
            payload,
            created_at: now,
        },
    )?;
    if let Some(outcome) = earlier {
        return Ok(outcome);
    }
    let outcome = apply_new(conn, gateway, event, now)?;
    repo::set_event_outcome(conn, gateway, &event.event_id, outcome)?;
    if outcome == CallbackOutcome::AmountMismatch {
        tracing::warn!(
            gateway,
            payment_no = %event.payment_no,
            amount_fen = event.amount.0,
            "payment callback amount differs from the payment; kept for review"
        );
    }
    Ok(outcome)
}

fn apply_new(
    conn: &mut DbConn,
    gateway: &str,
    event: &CallbackEvent,
    now: chrono::NaiveDateTime,
) -> AppResult<CallbackOutcome> {
    let Some(payment) = repo::find_by_no(conn, &event.payment_no)?.filter(|p| p.gateway == gateway)
    else {
        return Ok(CallbackOutcome::UnknownPayment);
    };
    if event.amount.0 != payment.amount_fen {
        return Ok(CallbackOutcome::AmountMismatch);
    }
    if !repo::mark_succeeded(conn, payment.id, &event.trade_no, now)? {
        return Ok(CallbackOutcome::AlreadyApplied);
    }
    let actor = Actor::system(now);
    // The money has arrived, whatever happens to the order next.
    post(
        conn,
        &actor,
        PostingRequest {
            business_key: format!("payment:{}", payment.payment_no),
            kind: "order_payment",
            memo: format!("order {} paid through {gateway}", payment.order_id),
            legs: vec![
                Leg::debit(accounts::gateway_clearing(gateway), Fen(payment.amount_fen)),
                Leg::credit(accounts::order_funds_held(), Fen(payment.amount_fen)),
            ],
        },
    )?;
    // Only the change that finds the order unpaid pays it: a cancellation that came first
    // (the unpaid-order job, the buyer) wins, and this money goes back.
    if orders_repo::pay_order(conn, payment.order_id, now)? {
        accrue_order(conn, &actor, payment.order_id)?;
        orders_repo::move_parts(
            conn,
            payment.order_id,
            OrderStatus::PendingPayment,
            OrderStatus::Paid,
            now,
        )?;
        Transition {
            order_id: payment.order_id,
            part_id: None,
            from: OrderStatus::PendingPayment,
            to: OrderStatus::Paid,
            by: ActorKind::Gateway,
            actor: &actor,
            note: Some(&payment.payment_no),
            at: now,
        }
        .record(conn)?;
        return Ok(CallbackOutcome::Applied);
    }
    let reason = "payment arrived after the order was cancelled or paid otherwise";
    refund_payment(conn, &payment, &actor, reason)?;
    Ok(CallbackOutcome::Refunded)
}

/// Pays the buyer's open sandbox payment: what the JSON API and the H5 cashier both call.
/// `of_order`: the order the payment must be for (404 otherwise), when the caller names one.
/// `batch`: how many refunds to send at once if the callback refunds (`jobs.batch_size`).
pub async fn complete_sandbox(
    db: &crate::db::Db,
    clock: &crate::clock::Clock,
    gateways: &crate::payments::Gateways,
    batch: i64,
    buyer: MemberId,
    payment_no: String,
    of_order: Option<i64>,
) -> AppResult<CallbackResult> {
    let sandbox_gateways = gateways.clone();
    let (headers, body) = db
        .read(move |conn| {
            crate::payments::service::sandbox_completion(
                conn,
                &sandbox_gateways,
                buyer,
                &payment_no,
                of_order,
            )
        })
        .await?;
    let gateway = crate::payments::sandbox::NAME.to_owned();
    let event = crate::payments::service::verify(gateways, &gateway, &headers, &body)?
        .ok_or_else(|| AppError::internal("the sandbox confirmed no payment"))?;
    handle_callback(db, clock, gateways, batch, gateway, event, body).await
}

/// Applies a verified callback in its own transaction, then sends the refunds it decided.
pub async fn handle_callback(
    db: &crate::db::Db,
    clock: &crate::clock::Clock,
    gateways: &crate::payments::Gateways,
    batch: i64,
    gateway: String,
    event: CallbackEvent,
    body: Vec<u8>,
) -> AppResult<CallbackResult> {
    let now = clock.now();
    let payload = String::from_utf8_lossy(&body).into_owned();
    let outcome = db
        .write(move |conn| apply(conn, &gateway, &event, &payload, now))
        .await?;
    if outcome == CallbackOutcome::Refunded {
        crate::payments::service::send_refunds_now(db, clock, gateways, batch, None).await;
    }
    match outcome {
        CallbackOutcome::AmountMismatch => Err(AppError::field(
            "amount_fen",
            "amount_mismatch",
            "the amount differs from the payment's; the event is kept for review",
        )),
        CallbackOutcome::UnknownPayment => Err(AppError::NotFound {
            resource: "payment",
        }),
        outcome => Ok(CallbackResult {
            outcome: outcome.as_str().to_owned(),
        }),
    }
}

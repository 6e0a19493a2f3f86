//! Paying orders, gateway callbacks, refunds.

use actix_web::http::header::HeaderMap;

use super::gateway::CallbackEvent;
use super::model::{
    CallbackOutcome, NewPayment, NewPaymentEvent, NewRefund, PaymentRow, PaymentStatus,
    RefundStatus,
};
use super::{repo, Gateways};
use crate::audit::Actor;
use crate::db::{backend, DbConn};
use crate::error::{AppError, AppResult};
use crate::ledger::accounts;
use crate::ledger::service::{post, Leg, PostingRequest};
use crate::members::MemberId;
use crate::money::Fen;
use crate::orders::repo as orders_repo;
use crate::orders::service::{ActorKind, Transition};
use crate::orders::state::OrderStatus;

/// Starts (or resumes) paying the buyer's unpaid order through the default gateway.
pub fn start(
    conn: &mut DbConn,
    gateways: &Gateways,
    buyer: MemberId,
    order_id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<(PaymentRow, serde_json::Value)> {
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
    let checkout = gateway.checkout(&payment);
    Ok((payment, checkout))
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

/// Checks a callback's signature (401 and nothing else if it is bad) and reads it.
pub fn verify(
    gateways: &Gateways,
    gateway: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> AppResult<CallbackEvent> {
    gateways.get(gateway)?.verify_callback(headers, body)
}

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
        crate::commission::service::accrue_order(conn, &actor, payment.order_id)?;
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

/// Refunds a paid order in full (cancelled before shipping): every line's pieces, with their
/// commission reversed.
pub fn refund_order(
    conn: &mut DbConn,
    order_id: i64,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    let payment = repo::succeeded_for_order(conn, order_id)?
        .ok_or_else(|| AppError::internal(format!("paid order {order_id} has no payment")))?;
    let pieces = orders_repo::lines_of_orders(conn, &[order_id])?
        .into_iter()
        .map(|line| {
            let left = line.quantity - line.refunded_quantity;
            (line, left)
        })
        .filter(|(_, left)| *left > 0)
        .collect();
    crate::commission::service::refund_lines(
        conn,
        actor,
        crate::commission::service::LineRefund {
            order_id,
            refund_no: &full_refund_no(&payment),
            reason,
            aftersales_case_id: None,
            pieces,
        },
    )?;
    repo::mark_refunded(conn, payment.id)?;
    Ok(())
}

/// One full refund per payment: a number derived from it lets the gateway see a retry as the
/// same refund.
fn full_refund_no(payment: &PaymentRow) -> String {
    format!("R{}", payment.payment_no.trim_start_matches('P'))
}

/// A payment that arrived for an order no longer waiting for it goes back whole, once. Nothing
/// accrued on it, so only the order's funds are owed back.
fn refund_payment(
    conn: &mut DbConn,
    payment: &PaymentRow,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    if !repo::mark_refunded(conn, payment.id)? {
        return Ok(());
    }
    let refund_no = full_refund_no(payment);
    let amount = Fen(payment.amount_fen);
    post(
        conn,
        actor,
        PostingRequest {
            business_key: format!("refund:{refund_no}"),
            kind: crate::commission::service::REFUND_POSTING_KIND,
            memo: format!("order {} refunded: {reason}", payment.order_id),
            legs: vec![
                Leg::debit(accounts::order_funds_held(), amount),
                Leg::credit(accounts::refunds_due(), amount),
            ],
        },
    )?;
    owe_refund(conn, payment, &refund_no, amount, reason, None, actor.at)
}

/// Records a refund the caller has decided and posted as owed (Cr refunds due): it is sent
/// through the payment's gateway after the transaction commits ([`send_refunds`]).
pub fn owe_refund(
    conn: &mut DbConn,
    payment: &PaymentRow,
    refund_no: &str,
    amount: Fen,
    reason: &str,
    aftersales_case_id: Option<i64>,
    now: chrono::NaiveDateTime,
) -> AppResult<()> {
    repo::insert_refund(
        conn,
        &NewRefund {
            refund_no,
            payment_id: payment.id,
            order_id: payment.order_id,
            amount_fen: amount.0,
            reason,
            status: RefundStatus::Pending,
            attempts: 0,
            created_at: now,
            aftersales_case_id,
        },
    )
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
        .sandbox()
        .completion(&payment, Fen(payment.amount_fen));
    let mut headers = HeaderMap::new();
    headers.insert(
        actix_web::http::header::HeaderName::from_static("x-sandbox-signature"),
        actix_web::http::header::HeaderValue::from_str(&signature)
            .map_err(|e| AppError::internal(e.to_string()))?,
    );
    Ok((headers, body))
}

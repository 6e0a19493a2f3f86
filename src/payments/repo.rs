use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{
    CallbackOutcome, NewPayment, NewPaymentEvent, NewRefund, PaymentEventRow, PaymentRow,
    PaymentStatus, PendingRefund, RefundStatus,
};
use crate::db::schema::{payment_events, payments, refunds};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::pagination::Page;
use crate::with_backend;

pub fn insert(conn: &mut DbConn, payment: &NewPayment) -> AppResult<PaymentRow> {
    Ok(
        with_backend!(conn, c => diesel::insert_into(payments::table)
        .values(payment)
        .returning(PaymentRow::as_returning())
        .get_result(c))?,
    )
}

pub fn find_by_no(conn: &mut DbConn, payment_no: &str) -> AppResult<Option<PaymentRow>> {
    Ok(payments::table
        .filter(payments::payment_no.eq(payment_no))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The order's payment still waiting for the gateway, if any.
pub fn open_for_order(conn: &mut DbConn, order_id: i64) -> AppResult<Option<PaymentRow>> {
    Ok(payments::table
        .filter(payments::order_id.eq(order_id))
        .filter(payments::status.eq(PaymentStatus::Created))
        .order(payments::id.desc())
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The order's payment that succeeded (and is not refunded yet).
pub fn succeeded_for_order(conn: &mut DbConn, order_id: i64) -> AppResult<Option<PaymentRow>> {
    Ok(payments::table
        .filter(payments::order_id.eq(order_id))
        .filter(payments::status.eq(PaymentStatus::Succeeded))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// created → succeeded; false if the payment had already moved.
pub fn mark_succeeded(
    conn: &mut DbConn,
    id: i64,
    trade_no: &str,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(diesel::update(
        payments::table
            .find(id)
            .filter(payments::status.eq(PaymentStatus::Created)),
    )
    .set((
        payments::status.eq(PaymentStatus::Succeeded),
        payments::gateway_trade_no.eq(trade_no),
        payments::succeeded_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

/// succeeded → refunded; false if it had already moved.
pub fn mark_refunded(conn: &mut DbConn, id: i64) -> AppResult<bool> {
    Ok(diesel::update(
        payments::table
            .find(id)
            .filter(payments::status.eq(PaymentStatus::Succeeded)),
    )
    .set(payments::status.eq(PaymentStatus::Refunded))
    .execute(conn)?
        == 1)
}

/// Records a callback; None if this event was recorded before (then its earlier outcome).
pub fn record_event(
    conn: &mut DbConn,
    event: &NewPaymentEvent,
) -> AppResult<Option<CallbackOutcome>> {
    let inserted = with_backend!(conn, c => diesel::insert_into(payment_events::table)
        .values(event)
        .on_conflict((payment_events::gateway, payment_events::event_id))
        .do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(None);
    }
    Ok(Some(
        payment_events::table
            .filter(payment_events::gateway.eq(event.gateway))
            .filter(payment_events::event_id.eq(event.event_id))
            .select(payment_events::outcome)
            .first(conn)?,
    ))
}

pub fn set_event_outcome(
    conn: &mut DbConn,
    gateway: &str,
    event_id: &str,
    outcome: CallbackOutcome,
) -> AppResult<()> {
    diesel::update(
        payment_events::table
            .filter(payment_events::gateway.eq(gateway))
            .filter(payment_events::event_id.eq(event_id)),
    )
    .set(payment_events::outcome.eq(outcome))
    .execute(conn)?;
    Ok(())
}

pub fn insert_refund(conn: &mut DbConn, refund: &NewRefund) -> AppResult<()> {
    diesel::insert_into(refunds::table)
        .values(refund)
        .execute(conn)?;
    Ok(())
}

/// Refunds still to send (of one order, or all), oldest first.
pub fn pending_refunds(
    conn: &mut DbConn,
    order_id: Option<i64>,
    limit: i64,
) -> AppResult<Vec<PendingRefund>> {
    let mut query = refunds::table
        .inner_join(payments::table)
        .filter(refunds::status.eq(RefundStatus::Pending))
        .into_boxed();
    if let Some(order_id) = order_id {
        query = query.filter(refunds::order_id.eq(order_id));
    }
    Ok(query
        .order(refunds::id)
        .limit(limit)
        .select((
            refunds::id,
            refunds::refund_no,
            refunds::amount_fen,
            PaymentRow::as_select(),
        ))
        .load(conn)?)
}

/// pending → sent; false if it had been sent already (by another server).
pub fn mark_refund_sent(
    conn: &mut DbConn,
    id: i64,
    gateway_refund_no: &str,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(diesel::update(
        refunds::table
            .find(id)
            .filter(refunds::status.eq(RefundStatus::Pending)),
    )
    .set((
        refunds::status.eq(RefundStatus::Sent),
        refunds::gateway_refund_no.eq(gateway_refund_no),
        refunds::sent_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

/// Counts a failed attempt, keeping the gateway's answer for the operator.
pub fn record_refund_failure(conn: &mut DbConn, id: i64, error: &str) -> AppResult<()> {
    diesel::update(refunds::table.find(id))
        .set((
            refunds::attempts.eq(refunds::attempts + 1),
            refunds::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// A page of gateway callbacks (of one outcome, or all), newest first, and how many there are.
pub fn events_page(
    conn: &mut DbConn,
    outcome: Option<&str>,
    page: Page,
) -> AppResult<(Vec<PaymentEventRow>, i64)> {
    let filtered = || {
        let mut query = payment_events::table.into_boxed();
        if let Some(outcome) = outcome {
            query = query.filter(payment_events::outcome.eq(outcome.to_owned()));
        }
        query
    };
    crate::newest_first_page!(conn, filtered, payment_events::id, PaymentEventRow, page)
}

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{
    NewPayment, NewPaymentEvent, NewRefund, PaymentRow, STATUS_CREATED, STATUS_REFUNDED,
    STATUS_SUCCEEDED,
};
use crate::db::schema::{payment_events, payments, refunds};
use crate::db::DbConn;
use crate::error::AppResult;
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
        .filter(payments::status.eq(STATUS_CREATED))
        .order(payments::id.desc())
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The order's payment that succeeded (and is not refunded yet).
pub fn succeeded_for_order(conn: &mut DbConn, order_id: i64) -> AppResult<Option<PaymentRow>> {
    Ok(payments::table
        .filter(payments::order_id.eq(order_id))
        .filter(payments::status.eq(STATUS_SUCCEEDED))
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
            .filter(payments::status.eq(STATUS_CREATED)),
    )
    .set((
        payments::status.eq(STATUS_SUCCEEDED),
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
            .filter(payments::status.eq(STATUS_SUCCEEDED)),
    )
    .set(payments::status.eq(STATUS_REFUNDED))
    .execute(conn)?
        == 1)
}

/// Records a callback; None if this event was recorded before (then its earlier outcome).
pub fn record_event(conn: &mut DbConn, event: &NewPaymentEvent) -> AppResult<Option<String>> {
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
    outcome: &str,
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

//! Queries of the money state of order lines.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{aftersales_cases, order_lines, supplier_orders};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::orders::model::OrderLineRow;

pub fn lines_of_part(conn: &mut DbConn, part_id: i64) -> AppResult<Vec<OrderLineRow>> {
    Ok(order_lines::table
        .filter(order_lines::supplier_order_id.eq(part_id))
        .order(order_lines::id)
        .select(OrderLineRow::as_select())
        .load(conn)?)
}

/// Counts `pieces` more of the line as refunded, unless that would pass its quantity.
pub fn add_refunded(conn: &mut DbConn, line_id: i64, pieces: i32) -> AppResult<bool> {
    Ok(diesel::update(
        order_lines::table
            .find(line_id)
            .filter((order_lines::refunded_quantity + pieces).le(order_lines::quantity)),
    )
    .set(order_lines::refunded_quantity.eq(order_lines::refunded_quantity + pieces))
    .execute(conn)?
        == 1)
}

pub fn mark_settled(conn: &mut DbConn, part_id: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(
        order_lines::table
            .filter(order_lines::supplier_order_id.eq(part_id))
            .filter(order_lines::settled_at.is_null()),
    )
    .set(order_lines::settled_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Open cases hold settlement back: the open states, and a rejection still open to escalation.
macro_rules! holds_settlement {
    ($now:expr) => {
        aftersales_cases::status
            .eq_any(crate::aftersales::state::OPEN)
            .or(aftersales_cases::status
                .eq(crate::aftersales::state::CaseStatus::Rejected)
                .and(aftersales_cases::escalate_by.gt($now)))
    };
}

/// Parts received by `cutoff` with no open after-sales case at `now`, oldest receipt first:
/// `(order id, part id)`.
pub fn settlement_due(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    now: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<(i64, i64)>> {
    let open_case = aftersales_cases::table
        .filter(aftersales_cases::supplier_order_id.eq(supplier_orders::id))
        .filter(holds_settlement!(now));
    Ok(supplier_orders::table
        .filter(supplier_orders::status.eq(crate::orders::state::OrderStatus::Received))
        .filter(supplier_orders::received_at.le(cutoff))
        .filter(diesel::dsl::not(diesel::dsl::exists(open_case)))
        .order((supplier_orders::received_at, supplier_orders::id))
        .limit(limit)
        .select((supplier_orders::order_id, supplier_orders::id))
        .load(conn)?)
}

/// Whether a case on the part holds its settlement back at `now` (checked again under the
/// order's lock: a case opened after the job chose the part wins).
pub fn has_open_case(conn: &mut DbConn, part_id: i64, now: NaiveDateTime) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        aftersales_cases::table
            .filter(aftersales_cases::supplier_order_id.eq(part_id))
            .filter(holds_settlement!(now)),
    ))
    .get_result(conn)?)
}

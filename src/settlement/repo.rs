//! Queries of the money state of order lines.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{aftersales_cases, order_lines, supplier_orders};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::orders::case_state::CaseStatus;
use crate::orders::model::OrderLineRow;
use crate::orders::state::OrderStatus;
use crate::suppliers::model::OpenBusiness;

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
/// They hold a supplier's exit back too ([`open_business`]).
macro_rules! holds_settlement {
    ($now:expr) => {
        aftersales_cases::status
            .eq_any(crate::orders::case_state::OPEN)
            .or(aftersales_cases::status
                .eq(crate::orders::case_state::CaseStatus::Rejected)
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

/// The supplier's business that can still move money at `now`, by kind, in one statement.
///
/// Parts count until they are final. An unpaid one counts too: it can still be paid, and the
/// cancel-unpaid job ends it within `orders.payment_timeout_minutes`, so it holds an exit only
/// briefly (and an inactive supplier's goods take no new orders). A completed part received after
/// `claim_cutoff` also counts: the buyer may open a case on it until the claim window closes, and
/// a refund after settlement is taken back from the supplier's payable. Cases count while they
/// hold settlement back, undecided disputes apart.
pub fn open_business(
    conn: &mut DbConn,
    supplier_id: i64,
    now: NaiveDateTime,
    claim_cutoff: NaiveDateTime,
) -> AppResult<OpenBusiness> {
    let parts = supplier_orders::table
        .filter(supplier_orders::supplier_id.eq(supplier_id))
        .filter(
            supplier_orders::status
                .eq_any(crate::orders::state::OPEN)
                .or(supplier_orders::status
                    .eq(OrderStatus::Completed)
                    .and(supplier_orders::received_at.ge(claim_cutoff))),
        )
        .count();
    let cases_of_supplier =
        || aftersales_cases::table.filter(aftersales_cases::supplier_id.eq(supplier_id));
    let cases = cases_of_supplier()
        .filter(holds_settlement!(now))
        .filter(aftersales_cases::status.ne(CaseStatus::Disputed))
        .count();
    let disputes = cases_of_supplier()
        .filter(aftersales_cases::status.eq(CaseStatus::Disputed))
        .count();
    let (parts, cases, disputes): (Option<i64>, Option<i64>, Option<i64>) = diesel::select((
        parts.single_value(),
        cases.single_value(),
        disputes.single_value(),
    ))
    .get_result(conn)?;
    Ok(OpenBusiness {
        parts: parts.unwrap_or(0),
        cases: cases.unwrap_or(0),
        disputes: disputes.unwrap_or(0),
    })
}

//! Queries of after-sales cases.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{CaseChanges, CaseLineRow, CaseRow, MessageRow, NewCase, NewMessage};
use crate::db::schema::{
    aftersales_cases, aftersales_lines, aftersales_messages, supplier_violations,
};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::orders::case_state::{CaseStatus, CLAIMING};
use crate::pagination::Page;
use crate::with_backend;

pub fn insert(conn: &mut DbConn, case: &NewCase) -> AppResult<i64> {
    Ok(
        with_backend!(conn, c => diesel::insert_into(aftersales_cases::table)
            .values(case)
            .returning(aftersales_cases::id)
            .get_result(c))?,
    )
}

pub fn insert_lines(conn: &mut DbConn, lines: &[CaseLineRow]) -> AppResult<()> {
    for line in lines {
        diesel::insert_into(aftersales_lines::table)
            .values(line)
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert_message(conn: &mut DbConn, message: &NewMessage) -> AppResult<()> {
    diesel::insert_into(aftersales_messages::table)
        .values(message)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: i64) -> AppResult<Option<CaseRow>> {
    Ok(aftersales_cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?)
}

/// Pieces of each of `line_ids` that cases already ask for or got back, at `now`:
/// `(line id, pieces)`. Besides the claiming states, a rejection still open to escalation holds
/// its pieces, and so does a dispute the platform decided (the buyer cannot ask again).
pub fn claimed_pieces(
    conn: &mut DbConn,
    line_ids: &[i64],
    now: NaiveDateTime,
) -> AppResult<Vec<(i64, i64)>> {
    let rows: Vec<(i64, i32)> = aftersales_lines::table
        .inner_join(aftersales_cases::table)
        .filter(aftersales_lines::order_line_id.eq_any(line_ids))
        .filter(
            aftersales_cases::status
                .eq_any(CLAIMING)
                .or(aftersales_cases::status
                    .eq(CaseStatus::Rejected)
                    .and(aftersales_cases::escalate_by.gt(now)))
                .or(aftersales_cases::status
                    .eq(CaseStatus::Closed)
                    .and(aftersales_cases::decided_by_member_id.is_not_null())),
        )
        .select((aftersales_lines::order_line_id, aftersales_lines::quantity))
        .load(conn)?;
    let mut claimed: std::collections::BTreeMap<i64, i64> = Default::default();
    for (line_id, pieces) in rows {
        *claimed.entry(line_id).or_default() += i64::from(pieces);
    }
    Ok(claimed.into_iter().collect())
}

/// Moves the case from `from` to `to` with `changes`, only if it is still in `from` (a racing
/// answer finds it moved and gets 409).
pub fn move_case(
    conn: &mut DbConn,
    id: i64,
    from: CaseStatus,
    to: CaseStatus,
    now: NaiveDateTime,
    changes: &CaseChanges,
) -> AppResult<bool> {
    Ok(diesel::update(
        aftersales_cases::table
            .find(id)
            .filter(aftersales_cases::status.eq(from)),
    )
    .set((
        aftersales_cases::status.eq(to),
        aftersales_cases::updated_at.eq(now),
        changes,
    ))
    .execute(conn)?
        == 1)
}

pub fn lines_of_cases(conn: &mut DbConn, case_ids: &[i64]) -> AppResult<Vec<CaseLineRow>> {
    Ok(aftersales_lines::table
        .filter(aftersales_lines::case_id.eq_any(case_ids))
        .order(aftersales_lines::id)
        .select(CaseLineRow::as_select())
        .load(conn)?)
}

pub fn messages_of_cases(conn: &mut DbConn, case_ids: &[i64]) -> AppResult<Vec<MessageRow>> {
    Ok(aftersales_messages::table
        .filter(aftersales_messages::case_id.eq_any(case_ids))
        .order(aftersales_messages::id)
        .select(MessageRow::as_select())
        .load(conn)?)
}

/// Whose cases a list shows.
#[derive(Debug, Clone, Copy)]
pub enum CasesOf {
    Buyer(i64),
    Supplier(i64),
    /// The platform's queue: every case in the status filter.
    Platform,
}

/// A page of cases, newest first, and how many there are.
pub fn page(
    conn: &mut DbConn,
    of: CasesOf,
    status: Option<CaseStatus>,
    page: Page,
) -> AppResult<(Vec<CaseRow>, i64)> {
    let query = || {
        let mut query = aftersales_cases::table.into_boxed();
        query = match of {
            CasesOf::Buyer(id) => query.filter(aftersales_cases::buyer_member_id.eq(id)),
            CasesOf::Supplier(id) => query.filter(aftersales_cases::supplier_id.eq(id)),
            CasesOf::Platform => query,
        };
        if let Some(status) = status {
            query = query.filter(aftersales_cases::status.eq(status));
        }
        query
    };
    crate::newest_first_page!(conn, query, aftersales_cases::id, CaseRow, page)
}

/// Cases whose party to act next let `respond_by` pass: `(order id, case id)`, oldest first.
pub fn overdue(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> AppResult<Vec<(i64, i64)>> {
    Ok(aftersales_cases::table
        .filter(aftersales_cases::status.eq_any(crate::orders::case_state::WITH_DEADLINE))
        .filter(aftersales_cases::respond_by.le(now))
        .order((aftersales_cases::respond_by, aftersales_cases::id))
        .limit(limit)
        .select((aftersales_cases::order_id, aftersales_cases::id))
        .load(conn)?)
}

/// What a refunded case gave back (a decision may refund part of what was asked).
pub fn set_refunded_amount(conn: &mut DbConn, id: i64, amount: crate::money::Fen) -> AppResult<()> {
    diesel::update(aftersales_cases::table.find(id))
        .set(aftersales_cases::refund_fen.eq(amount.0))
        .execute(conn)?;
    Ok(())
}

/// A violation against the supplier, once per case.
pub fn record_violation(
    conn: &mut DbConn,
    supplier_id: i64,
    case_id: i64,
    kind: &str,
    now: chrono::NaiveDateTime,
) -> AppResult<()> {
    with_backend!(conn, c => diesel::insert_into(supplier_violations::table)
        .values((
            supplier_violations::supplier_id.eq(supplier_id),
            supplier_violations::aftersales_case_id.eq(case_id),
            supplier_violations::kind.eq(kind),
            supplier_violations::created_at.eq(now),
        ))
        .on_conflict(supplier_violations::aftersales_case_id)
        .do_nothing()
        .execute(c))?;
    Ok(())
}

/// The supplier's violations since `since`.
pub fn violations_since(
    conn: &mut DbConn,
    supplier_id: i64,
    since: NaiveDateTime,
) -> AppResult<i64> {
    Ok(supplier_violations::table
        .filter(supplier_violations::supplier_id.eq(supplier_id))
        .filter(supplier_violations::created_at.ge(since))
        .count()
        .get_result(conn)?)
}

pub fn cases_of_order(conn: &mut DbConn, order_id: i64) -> AppResult<Vec<CaseRow>> {
    Ok(aftersales_cases::table
        .filter(aftersales_cases::order_id.eq(order_id))
        .order(aftersales_cases::id)
        .select(CaseRow::as_select())
        .load(conn)?)
}

/// Closes a case whatever its state (its order was cancelled and refunded in full).
pub fn close(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(aftersales_cases::table.find(id))
        .set((
            aftersales_cases::status.eq(CaseStatus::Closed),
            aftersales_cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

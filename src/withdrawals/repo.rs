//! Queries of withdrawals.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{NewWithdrawal, WithdrawalRow, WithdrawalStatus};
use crate::db::schema::withdrawals;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::pagination::Page;
use crate::with_backend;

pub fn insert(conn: &mut DbConn, new: &NewWithdrawal) -> AppResult<WithdrawalRow> {
    Ok(
        with_backend!(conn, c => diesel::insert_into(withdrawals::table)
            .values(new)
            .returning(WithdrawalRow::as_returning())
            .get_result(c))?,
    )
}

pub fn find(conn: &mut DbConn, id: i64) -> AppResult<Option<WithdrawalRow>> {
    Ok(withdrawals::table
        .find(id)
        .select(WithdrawalRow::as_select())
        .first(conn)
        .optional()?)
}

/// Requested withdrawals to pay out (one, or the oldest `limit`).
pub fn requested(conn: &mut DbConn, id: Option<i64>, limit: i64) -> AppResult<Vec<WithdrawalRow>> {
    let mut query = withdrawals::table
        .filter(withdrawals::status.eq(WithdrawalStatus::Requested))
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(withdrawals::id.eq(id));
    }
    Ok(query
        .order(withdrawals::id)
        .limit(limit)
        .select(WithdrawalRow::as_select())
        .load(conn)?)
}

/// Ends a requested withdrawal as `status`; false if it had ended already.
pub fn finish(
    conn: &mut DbConn,
    id: i64,
    status: WithdrawalStatus,
    payout_no: Option<&str>,
    failure: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(diesel::update(
        withdrawals::table
            .find(id)
            .filter(withdrawals::status.eq(WithdrawalStatus::Requested)),
    )
    .set((
        withdrawals::status.eq(status),
        withdrawals::gateway_payout_no.eq(payout_no),
        withdrawals::failure_reason.eq(failure),
        withdrawals::finished_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

pub fn record_attempt_error(conn: &mut DbConn, id: i64, error: &str) -> AppResult<()> {
    diesel::update(withdrawals::table.find(id))
        .set((
            withdrawals::attempts.eq(withdrawals::attempts + 1),
            withdrawals::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn page(
    conn: &mut DbConn,
    party: &str,
    party_id: i64,
    page: Page,
) -> AppResult<(Vec<WithdrawalRow>, i64)> {
    let query = || {
        withdrawals::table
            .filter(withdrawals::party.eq(party))
            .filter(withdrawals::party_id.eq(party_id))
    };
    crate::newest_first_page!(conn, query, withdrawals::id, WithdrawalRow, page)
}

//! Queries on the ledger.

use diesel::prelude::*;

use super::model::{AccountEntry, AccountRow, NewAccount, NewEntry, NewPosting, PostingRow};
use super::AccountSpec;
use crate::db::schema::{ledger_accounts, ledger_entries, ledger_postings};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::pagination::Page;
use crate::with_backend;

pub fn find_account(conn: &mut DbConn, code: &str) -> AppResult<Option<AccountRow>> {
    Ok(ledger_accounts::table
        .filter(ledger_accounts::code.eq(code))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?)
}

/// The account's id, creating it on first use (concurrent first uses create it once).
pub fn ensure_account(
    conn: &mut DbConn,
    spec: &AccountSpec,
    now: chrono::NaiveDateTime,
) -> AppResult<i64> {
    let new = NewAccount {
        code: &spec.code,
        normal_side: spec.normal_side.as_str(),
        allow_negative: spec.allow_negative,
        balance_fen: 0,
        created_at: now,
    };
    with_backend!(conn, c => diesel::insert_into(ledger_accounts::table)
        .values(&new)
        .on_conflict(ledger_accounts::code)
        .do_nothing()
        .execute(c))?;
    Ok(ledger_accounts::table
        .filter(ledger_accounts::code.eq(&spec.code))
        .select(ledger_accounts::id)
        .first(conn)?)
}

pub fn find_posting(conn: &mut DbConn, business_key: &str) -> AppResult<Option<PostingRow>> {
    Ok(ledger_postings::table
        .filter(ledger_postings::business_key.eq(business_key))
        .select(PostingRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_posting(conn: &mut DbConn, new: &NewPosting) -> AppResult<i64> {
    Ok(
        with_backend!(conn, c => diesel::insert_into(ledger_postings::table)
        .values(new)
        .returning(ledger_postings::id)
        .get_result(c))?,
    )
}

pub fn insert_entry(conn: &mut DbConn, new: &NewEntry) -> AppResult<()> {
    diesel::insert_into(ledger_entries::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// Moves the cached balance by `natural_delta` (positive grows the normal side).
pub fn move_balance(conn: &mut DbConn, account_id: i64, natural_delta: i64) -> AppResult<()> {
    diesel::update(ledger_accounts::table.find(account_id))
        .set(ledger_accounts::balance_fen.eq(ledger_accounts::balance_fen + natural_delta))
        .execute(conn)?;
    Ok(())
}

/// Debit-positive amounts of a posting's entries.
pub fn posting_amounts(conn: &mut DbConn, posting_id: i64) -> AppResult<Vec<i64>> {
    Ok(ledger_entries::table
        .filter(ledger_entries::posting_id.eq(posting_id))
        .select(ledger_entries::amount_fen)
        .load(conn)?)
}

/// One page of an account's entries, newest first, and how many there are.
pub fn account_entries(
    conn: &mut DbConn,
    account_id: i64,
    page: Page,
) -> AppResult<(Vec<AccountEntry>, i64)> {
    let total = ledger_entries::table
        .filter(ledger_entries::account_id.eq(account_id))
        .count()
        .get_result(conn)?;
    let rows = ledger_entries::table
        .inner_join(ledger_postings::table)
        .filter(ledger_entries::account_id.eq(account_id))
        .order(ledger_entries::id.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select((
            ledger_entries::id,
            ledger_entries::amount_fen,
            ledger_entries::created_at,
            ledger_postings::id,
            ledger_postings::business_key,
            ledger_postings::kind,
            ledger_postings::memo,
        ))
        .load(conn)?;
    Ok((rows, total))
}

//! `xiaopu ledger check`: every invariant of the ledger, set-based, stopping at the first breach.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::Side;
use crate::db::DbConn;
use crate::error::AppResult;

#[derive(Debug, PartialEq, Eq)]
pub struct LedgerSummary {
    pub accounts: i64,
    pub postings: i64,
    pub entries: i64,
}

#[derive(QueryableByName)]
struct Unbalanced {
    #[diesel(sql_type = BigInt)]
    posting_id: i64,
    #[diesel(sql_type = Text)]
    business_key: String,
    #[diesel(sql_type = BigInt)]
    entry_count: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct AccountSum {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    normal_side: String,
    #[diesel(sql_type = Bool)]
    allow_negative: bool,
    #[diesel(sql_type = BigInt)]
    cached: i64,
    #[diesel(sql_type = BigInt)]
    summed: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Ok with the ledger's size, or Err naming the first violation found.
pub fn check(conn: &mut DbConn) -> AppResult<Result<LedgerSummary, String>> {
    // SUM widens to NUMERIC on PostgreSQL: cast back to BIGINT so both backends agree.
    let unbalanced: Vec<Unbalanced> = diesel::sql_query(
        "SELECT p.id AS posting_id, p.business_key, \
                CAST(COUNT(e.id) AS BIGINT) AS entry_count, \
                CAST(COALESCE(SUM(e.amount_fen), 0) AS BIGINT) AS total \
         FROM ledger_postings p LEFT JOIN ledger_entries e ON e.posting_id = p.id \
         GROUP BY p.id, p.business_key \
         HAVING COUNT(e.id) < 2 OR COALESCE(SUM(e.amount_fen), 0) <> 0 \
         ORDER BY p.id LIMIT 1",
    )
    .load(conn)?;
    if let Some(p) = unbalanced.first() {
        return Ok(Err(format!(
            "posting {} ({}) has {} entries summing to {} (needs 2 or more summing to 0)",
            p.posting_id, p.business_key, p.entry_count, p.total
        )));
    }
    let duplicated: Vec<Unbalanced> = diesel::sql_query(
        "SELECT CAST(MIN(id) AS BIGINT) AS posting_id, business_key, \
                CAST(COUNT(*) AS BIGINT) AS entry_count, CAST(0 AS BIGINT) AS total \
         FROM ledger_postings GROUP BY business_key HAVING COUNT(*) > 1 LIMIT 1",
    )
    .load(conn)?;
    if let Some(p) = duplicated.first() {
        return Ok(Err(format!(
            "business key {} was posted {} times",
            p.business_key, p.entry_count
        )));
    }
    let grand: Vec<Count> = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM ledger_entries",
    )
    .load(conn)?;
    if let Some(total) = grand.first().map(|g| g.n).filter(|n| *n != 0) {
        return Ok(Err(format!("all entries sum to {total}, not 0")));
    }
    let accounts: Vec<AccountSum> = diesel::sql_query(
        "SELECT a.code, a.normal_side, a.allow_negative, a.balance_fen AS cached, \
                CAST(COALESCE(SUM(e.amount_fen), 0) AS BIGINT) AS summed \
         FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id \
         GROUP BY a.id, a.code, a.normal_side, a.allow_negative, a.balance_fen \
         ORDER BY a.id",
    )
    .load(conn)?;
    for account in &accounts {
        let natural = match Side::parse(&account.normal_side) {
            Some(Side::Debit) => account.summed,
            Some(Side::Credit) => -account.summed,
            None => {
                return Ok(Err(format!(
                    "account {} has an unknown normal side {:?}",
                    account.code, account.normal_side
                )))
            }
        };
        if natural != account.cached {
            return Ok(Err(format!(
                "account {}: cached balance {} differs from the sum of its entries {}",
                account.code, account.cached, natural
            )));
        }
        if natural < 0 && !account.allow_negative {
            return Ok(Err(format!(
                "account {} may not go negative but holds {}",
                account.code, natural
            )));
        }
    }
    let count = |conn: &mut DbConn, table: &str| -> AppResult<i64> {
        let rows: Vec<Count> =
            diesel::sql_query(format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"))
                .load(conn)?;
        Ok(rows.first().map_or(0, |r| r.n))
    };
    Ok(Ok(LedgerSummary {
        accounts: accounts.len() as i64,
        postings: count(conn, "ledger_postings")?,
        entries: count(conn, "ledger_entries")?,
    }))
}

//! Aggregates for the finance views. Raw SQL where SUM is needed: PostgreSQL widens it to
//! NUMERIC, so every sum is cast back to BIGINT and both backends read the same type.
//! Parameters are `$n` in order of appearance, which both backends bind by position.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::db::schema::{order_lines, orders};
use crate::db::DbConn;
use crate::error::AppResult;

/// A shopkeeper's line paid since a time, as the earnings view needs it.
#[derive(Debug, Queryable)]
pub struct PaidLine {
    pub order_id: i64,
    pub shop_item_id: i64,
    pub title: String,
    pub quantity: i32,
    pub refunded_quantity: i32,
    pub commission_fen: i64,
    pub tier_bonus_fen: i64,
    pub paid_at: Option<NaiveDateTime>,
}

pub fn paid_lines_since(
    conn: &mut DbConn,
    shopkeeper: i64,
    since: NaiveDateTime,
) -> AppResult<Vec<PaidLine>> {
    Ok(order_lines::table
        .inner_join(orders::table)
        .filter(order_lines::shopkeeper_member_id.eq(shopkeeper))
        // Lines are written at placement, before payment: a bound the index can use.
        .filter(order_lines::created_at.ge(since - chrono::Duration::days(1)))
        .filter(orders::paid_at.ge(since))
        .select((
            order_lines::order_id,
            order_lines::shop_item_id,
            order_lines::title,
            order_lines::quantity,
            order_lines::refunded_quantity,
            order_lines::commission_fen,
            order_lines::tier_bonus_fen,
            orders::paid_at,
        ))
        .load(conn)?)
}

#[derive(QueryableByName)]
struct Sum {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// What refunds took back from the shopkeeper's commission, ever: the debits of refund
/// postings on its pending and available accounts.
pub fn reversed(conn: &mut DbConn, shopkeeper: i64) -> AppResult<i64> {
    let rows: Vec<Sum> = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(e.amount_fen), 0) AS BIGINT) AS total \
         FROM ledger_entries e \
         JOIN ledger_postings p ON p.id = e.posting_id \
         JOIN ledger_accounts a ON a.id = e.account_id \
         WHERE a.code IN ($1, $2) AND p.kind = $3",
    )
    .bind::<Text, _>(crate::ledger::accounts::shopkeeper_pending(shopkeeper).code)
    .bind::<Text, _>(crate::ledger::accounts::shopkeeper_available(shopkeeper).code)
    .bind::<Text, _>(crate::settlement::service::REFUND_POSTING_KIND)
    .load(conn)?;
    Ok(rows.first().map_or(0, |r| r.total))
}

#[derive(Debug, QueryableByName)]
pub struct SalesTotals {
    #[diesel(sql_type = BigInt)]
    pub sales_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub refunds_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub unsettled_fen: i64,
}

/// Paid sales, refunds and what is not settled yet, of one supplier or (None) of everyone.
pub fn sales_totals(conn: &mut DbConn, supplier_id: Option<i64>) -> AppResult<SalesTotals> {
    let rows: Vec<SalesTotals> = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(l.amount_fen), 0) AS BIGINT) AS sales_fen, \
                CAST(COALESCE(SUM(l.refunded_quantity * l.unit_price_fen), 0) AS BIGINT) AS refunds_fen, \
                CAST(COALESCE(SUM(CASE WHEN l.settled_at IS NULL \
                     THEN (l.quantity - l.refunded_quantity) * l.unit_price_fen ELSE 0 END), 0) AS BIGINT) AS unsettled_fen \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.paid_at IS NOT NULL AND ($1 IS NULL OR l.supplier_id = $2)",
    )
    .bind::<Nullable<BigInt>, _>(supplier_id)
    .bind::<Nullable<BigInt>, _>(supplier_id)
    .load(conn)?;
    Ok(rows.into_iter().next().unwrap_or(SalesTotals {
        sales_fen: 0,
        refunds_fen: 0,
        unsettled_fen: 0,
    }))
}

#[derive(Debug, QueryableByName)]
pub struct AccountBalance {
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = BigInt)]
    pub balance_fen: i64,
}

/// The platform's own accounts, one by one.
pub fn platform_accounts(conn: &mut DbConn) -> AppResult<Vec<AccountBalance>> {
    Ok(diesel::sql_query(
        "SELECT code, balance_fen FROM ledger_accounts WHERE code LIKE 'platform/%' ORDER BY code",
    )
    .load(conn)?)
}

/// The sum of the balances of every account whose code matches a LIKE `pattern`.
pub fn balance_total(conn: &mut DbConn, pattern: &str) -> AppResult<i64> {
    let rows: Vec<Sum> = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(balance_fen), 0) AS BIGINT) AS total \
         FROM ledger_accounts WHERE code LIKE $1",
    )
    .bind::<Text, _>(pattern)
    .load(conn)?;
    Ok(rows.first().map_or(0, |r| r.total))
}

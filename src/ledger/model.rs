use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{ledger_accounts, ledger_entries, ledger_postings};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_accounts)]
pub struct AccountRow {
    pub id: i64,
    pub code: String,
    pub normal_side: String,
    pub allow_negative: bool,
    pub balance_fen: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = ledger_accounts)]
pub struct NewAccount<'a> {
    pub code: &'a str,
    pub normal_side: &'a str,
    pub allow_negative: bool,
    pub balance_fen: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_postings)]
pub struct PostingRow {
    pub id: i64,
    pub business_key: String,
    pub kind: String,
    pub memo: String,
    pub actor_member_id: Option<i64>,
    pub request_id: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = ledger_postings)]
pub struct NewPosting<'a> {
    pub business_key: &'a str,
    pub kind: &'a str,
    pub memo: &'a str,
    pub actor_member_id: Option<i64>,
    pub request_id: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = ledger_entries)]
pub struct NewEntry {
    pub posting_id: i64,
    pub account_id: i64,
    pub amount_fen: i64,
    pub created_at: NaiveDateTime,
}

/// One entry of an account, with its posting, as shown to the account's owner.
#[derive(Debug, Clone, Queryable)]
pub struct AccountEntry {
    pub entry_id: i64,
    pub amount_fen: i64,
    pub created_at: NaiveDateTime,
    pub posting_id: i64,
    pub business_key: String,
    pub kind: String,
    pub memo: String,
}

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::withdrawals;

crate::text_enum! {
    /// requested → paid | failed (the gateway refused it; the money went back).
    pub enum WithdrawalStatus {
        Requested = "requested",
        Paid = "paid",
        Failed = "failed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = withdrawals)]
pub struct WithdrawalRow {
    pub id: i64,
    pub withdrawal_no: String,
    pub party: String,
    pub party_id: i64,
    pub requested_by_member_id: i64,
    pub amount_fen: i64,
    pub account_kind: String,
    pub account_no: String,
    pub account_holder: String,
    pub gateway: String,
    pub status: WithdrawalStatus,
    pub gateway_payout_no: Option<String>,
    pub failure_reason: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = withdrawals)]
pub struct NewWithdrawal<'a> {
    pub withdrawal_no: &'a str,
    pub party: &'a str,
    pub party_id: i64,
    pub requested_by_member_id: i64,
    pub amount_fen: i64,
    pub account_kind: &'a str,
    pub account_no: &'a str,
    pub account_holder: &'a str,
    pub gateway: &'a str,
    pub status: WithdrawalStatus,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
}

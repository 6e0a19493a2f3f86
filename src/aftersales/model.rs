use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::CaseKind;
use crate::db::schema::{aftersales_cases, aftersales_lines, aftersales_messages};
use crate::orders::case_state::CaseStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = aftersales_cases)]
pub struct CaseRow {
    pub id: i64,
    pub case_no: String,
    pub order_id: i64,
    pub supplier_order_id: i64,
    pub supplier_id: i64,
    pub buyer_member_id: i64,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub reason: String,
    pub image_urls: String,
    pub refund_fen: i64,
    pub restock: bool,
    pub return_carrier: Option<String>,
    pub return_tracking_no: Option<String>,
    pub supplier_note: Option<String>,
    pub respond_by: NaiveDateTime,
    pub escalate_by: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub decided_by_member_id: Option<i64>,
    pub compensation_fen: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = aftersales_cases)]
pub struct NewCase<'a> {
    pub case_no: &'a str,
    pub order_id: i64,
    pub supplier_order_id: i64,
    pub supplier_id: i64,
    pub buyer_member_id: i64,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub reason: &'a str,
    pub image_urls: String,
    pub refund_fen: i64,
    pub restock: bool,
    pub respond_by: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = aftersales_lines)]
pub struct CaseLineRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub case_id: i64,
    pub order_line_id: i64,
    pub quantity: i32,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = aftersales_messages)]
pub struct MessageRow {
    pub id: i64,
    pub case_id: i64,
    pub party: String,
    pub member_id: Option<i64>,
    pub action: String,
    pub body: String,
    pub image_urls: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = aftersales_messages)]
pub struct NewMessage<'a> {
    pub case_id: i64,
    pub party: &'a str,
    pub member_id: Option<i64>,
    pub action: &'a str,
    pub body: &'a str,
    pub image_urls: String,
    pub created_at: NaiveDateTime,
}

/// Columns a move of a case may set besides its status (absent ones stay as they are).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = aftersales_cases)]
pub struct CaseChanges<'a> {
    pub respond_by: Option<NaiveDateTime>,
    pub refund_fen: Option<i64>,
    pub restock: Option<bool>,
    pub return_carrier: Option<&'a str>,
    pub return_tracking_no: Option<&'a str>,
    pub supplier_note: Option<&'a str>,
    pub escalate_by: Option<NaiveDateTime>,
    pub decision_note: Option<&'a str>,
    pub decided_by_member_id: Option<i64>,
    pub compensation_fen: Option<i64>,
}

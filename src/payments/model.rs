use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{payment_events, payments, refunds};

pub const STATUS_CREATED: &str = "created";
pub const STATUS_SUCCEEDED: &str = "succeeded";
pub const STATUS_REFUNDED: &str = "refunded";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    pub id: i64,
    pub payment_no: String,
    pub order_id: i64,
    pub gateway: String,
    pub amount_fen: i64,
    pub status: String,
    pub gateway_trade_no: Option<String>,
    pub created_at: NaiveDateTime,
    pub succeeded_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment<'a> {
    pub payment_no: &'a str,
    pub order_id: i64,
    pub gateway: &'a str,
    pub amount_fen: i64,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_events)]
pub struct PaymentEventRow {
    pub id: i64,
    pub gateway: String,
    pub event_id: String,
    pub payment_no: String,
    pub amount_fen: i64,
    pub outcome: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = payment_events)]
pub struct NewPaymentEvent<'a> {
    pub gateway: &'a str,
    pub event_id: &'a str,
    pub payment_no: &'a str,
    pub amount_fen: i64,
    pub outcome: &'a str,
    pub payload: &'a str,
    pub created_at: NaiveDateTime,
}

pub const REFUND_PENDING: &str = "pending";
pub const REFUND_SENT: &str = "sent";

#[derive(Debug, Insertable)]
#[diesel(table_name = refunds)]
pub struct NewRefund<'a> {
    pub refund_no: &'a str,
    pub payment_id: i64,
    pub order_id: i64,
    pub amount_fen: i64,
    pub reason: &'a str,
    pub status: &'a str,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
    pub aftersales_case_id: Option<i64>,
}

/// A refund waiting to be sent, with its payment.
#[derive(Debug, Clone, Queryable)]
pub struct PendingRefund {
    pub id: i64,
    pub refund_no: String,
    pub amount_fen: i64,
    pub payment: PaymentRow,
}

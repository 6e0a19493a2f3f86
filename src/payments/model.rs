use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{payment_events, payments, refunds};

crate::text_enum! {
    /// created → succeeded (the gateway's callback) → refunded (the order's money went back).
    pub enum PaymentStatus {
        Created = "created",
        Succeeded = "succeeded",
        Refunded = "refunded",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    pub id: i64,
    pub payment_no: String,
    pub order_id: i64,
    pub gateway: String,
    pub amount_fen: i64,
    pub status: PaymentStatus,
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
    pub status: PaymentStatus,
    pub created_at: NaiveDateTime,
}

crate::text_enum! {
    /// What a callback did; stored with the event, so a repeat of the event answers the same.
    pub enum CallbackOutcome {
        /// The order is paid.
        Applied = "applied",
        /// The payment had been confirmed by another event already: nothing changed.
        AlreadyApplied = "already_applied",
        /// The amount differs from the payment's: nothing changed; kept for review.
        AmountMismatch = "amount_mismatch",
        /// The order was cancelled (or paid otherwise) first: the money went back to the buyer.
        Refunded = "refunded",
        /// No payment has this number: nothing changed.
        UnknownPayment = "unknown_payment",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_events)]
pub struct PaymentEventRow {
    pub id: i64,
    pub gateway: String,
    pub event_id: String,
    pub payment_no: String,
    pub amount_fen: i64,
    pub outcome: CallbackOutcome,
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
    pub outcome: CallbackOutcome,
    pub payload: &'a str,
    pub created_at: NaiveDateTime,
}

crate::text_enum! {
    /// pending → sent (the gateway took it).
    pub enum RefundStatus {
        Pending = "pending",
        Sent = "sent",
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = refunds)]
pub struct NewRefund<'a> {
    pub refund_no: &'a str,
    pub payment_id: i64,
    pub order_id: i64,
    pub amount_fen: i64,
    pub reason: &'a str,
    pub status: RefundStatus,
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

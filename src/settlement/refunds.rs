//! Refunds decided in the transaction that causes them: the ledger posting that owes the buyer
//! their money, and the refund row the payments module sends through the gateway after commit.

use super::service::{refund_lines, LineRefund, REFUND_POSTING_KIND};
use crate::audit::Actor;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::ledger::accounts;
use crate::ledger::service::{post, Leg, PostingRequest};
use crate::money::Fen;
use crate::orders::repo as orders_repo;
use crate::payments::model::{NewRefund, PaymentRow, RefundStatus};
use crate::payments::repo;

/// Refunds a paid order in full (cancelled before shipping): every line's pieces, with their
/// commission reversed.
pub fn refund_order(
    conn: &mut DbConn,
    order_id: i64,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    let payment = repo::succeeded_for_order(conn, order_id)?
        .ok_or_else(|| AppError::internal(format!("paid order {order_id} has no payment")))?;
    let pieces = orders_repo::lines_of_orders(conn, &[order_id])?
        .into_iter()
        .map(|line| {
            let left = line.quantity - line.refunded_quantity;
            (line, left)
        })
        .filter(|(_, left)| *left > 0)
        .collect();
    refund_lines(
        conn,
        actor,
        LineRefund {
            order_id,
            refund_no: &full_refund_no(&payment),
            reason,
            aftersales_case_id: None,
            pieces,
        },
    )?;
    repo::mark_refunded(conn, payment.id)?;
    Ok(())
}

/// One full refund per payment: a number derived from it lets the gateway see a retry as the
/// same refund.
fn full_refund_no(payment: &PaymentRow) -> String {
    format!("R{}", payment.payment_no.trim_start_matches('P'))
}

/// A payment that arrived for an order no longer waiting for it goes back whole, once. Nothing
/// accrued on it, so only the order's funds are owed back.
pub(super) fn refund_payment(
    conn: &mut DbConn,
    payment: &PaymentRow,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    if !repo::mark_refunded(conn, payment.id)? {
        return Ok(());
    }
    let refund_no = full_refund_no(payment);
    let amount = Fen(payment.amount_fen);
    post(
        conn,
        actor,
        PostingRequest {
            business_key: format!("refund:{refund_no}"),
            kind: REFUND_POSTING_KIND,
            memo: format!("order {} refunded: {reason}", payment.order_id),
            legs: vec![
                Leg::debit(accounts::order_funds_held(), amount),
                Leg::credit(accounts::refunds_due(), amount),
            ],
        },
    )?;
    owe_refund(conn, payment, &refund_no, amount, reason, None, actor.at)
}

/// Records a refund the caller has decided and posted as owed (Cr refunds due): it is sent
/// through the payment's gateway after the transaction commits ([`crate::payments::service::send_refunds`]).
pub fn owe_refund(
    conn: &mut DbConn,
    payment: &PaymentRow,
    refund_no: &str,
    amount: Fen,
    reason: &str,
    aftersales_case_id: Option<i64>,
    now: chrono::NaiveDateTime,
) -> AppResult<()> {
    repo::insert_refund(
        conn,
        &NewRefund {
            refund_no,
            payment_id: payment.id,
            order_id: payment.order_id,
            amount_fen: amount.0,
            reason,
            status: RefundStatus::Pending,
            attempts: 0,
            created_at: now,
            aftersales_case_id,
        },
    )
}

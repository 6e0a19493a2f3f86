//! Posting a line's money: accrual at payment, reversal on refund, settlement.

use chrono::NaiveDateTime;

use super::{repo, LineFigures};
use crate::audit::Actor;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::ledger::accounts;
use crate::ledger::service::{post, post_unless_zero, Leg, PostingRequest};
use crate::money::Fen;
use crate::orders::model::OrderLineRow;
use crate::orders::repo as orders_repo;
use crate::orders::service::{ActorKind, Transition};
use crate::orders::state::OrderStatus;

/// The order was paid: each line's commission and tier bonus become pending for its shopkeeper.
/// The commission comes out of the order's funds; the bonus is the platform's expense.
pub fn accrue_order(conn: &mut DbConn, actor: &Actor, order_id: i64) -> AppResult<()> {
    for line in orders_repo::lines_of_orders(conn, &[order_id])? {
        let whole = LineFigures::of(&line, line.quantity);
        post_unless_zero(
            conn,
            actor,
            PostingRequest {
                business_key: format!("commission-accrued:{}", line.id),
                kind: "commission_accrued",
                memo: format!("order line {} paid: commission pending", line.id),
                legs: vec![
                    Leg::debit(accounts::order_funds_held(), whole.commission),
                    Leg::debit(accounts::platform_tier_bonus_expense(), whole.tier_bonus),
                    Leg::credit(
                        accounts::shopkeeper_pending(line.shopkeeper_member_id),
                        whole.earning(),
                    ),
                ],
            },
        )?;
    }
    Ok(())
}

/// The kind of every refund posting (the finance views sum them).
pub const REFUND_POSTING_KIND: &str = "order_refund";

/// A refund of pieces of an order's lines, decided in the caller's transaction.
pub struct LineRefund<'a> {
    pub order_id: i64,
    /// Unique per refund: the ledger's business key and the gateway's refund reference.
    pub refund_no: &'a str,
    pub reason: &'a str,
    pub aftersales_case_id: Option<i64>,
    /// Lines as read inside this transaction (after the order's lock), and pieces of each.
    pub pieces: Vec<(OrderLineRow, i32)>,
}

/// Counts the pieces as refunded, reverses their share of commission, bonus and fee (from
/// pending before settlement, from available balances after it), and owes the buyer their
/// amount through the payment's gateway. Returns the amount refunded.
pub fn refund_lines(conn: &mut DbConn, actor: &Actor, refund: LineRefund) -> AppResult<Fen> {
    if refund.pieces.is_empty() {
        return Ok(Fen(0));
    }
    let mut legs = Vec::new();
    let mut total = 0;
    for (line, pieces) in &refund.pieces {
        if *pieces <= 0 || !repo::add_refunded(conn, line.id, *pieces)? {
            return Err(AppError::Conflict {
                code: "nothing_left_to_refund",
                detail: format!(
                    "order line {} has {} of {} pieces refunded already",
                    line.id, line.refunded_quantity, line.quantity
                ),
            });
        }
        let kept = line.quantity - line.refunded_quantity;
        let back = LineFigures::of(line, kept).minus(LineFigures::of(line, kept - pieces));
        total += back.amount.0;
        let shopkeeper = line.shopkeeper_member_id;
        legs.push(Leg::credit(
            accounts::platform_tier_bonus_expense(),
            back.tier_bonus,
        ));
        if line.settled_at.is_none() {
            legs.push(Leg::debit(
                accounts::shopkeeper_pending(shopkeeper),
                back.earning(),
            ));
            legs.push(Leg::debit(
                accounts::order_funds_held(),
                Fen(back.amount.0 - back.commission.0),
            ));
        } else {
            // Settled money has been shared out: each party gives back its share.
            legs.push(Leg::debit(
                accounts::shopkeeper_available(shopkeeper),
                back.earning(),
            ));
            legs.push(Leg::debit(
                accounts::platform_fee_revenue(),
                back.platform_fee,
            ));
            legs.push(Leg::net_debit(
                accounts::supplier_payable(line.supplier_id),
                back.supplier_net().0,
            ));
        }
    }
    legs.push(Leg::credit(accounts::refunds_due(), Fen(total)));
    let payment = crate::payments::repo::succeeded_for_order(conn, refund.order_id)?
        .ok_or_else(|| AppError::internal(format!("order {} has no payment", refund.order_id)))?;
    post(
        conn,
        actor,
        PostingRequest {
            business_key: format!("refund:{}", refund.refund_no),
            kind: REFUND_POSTING_KIND,
            memo: format!("order {} refunded: {}", refund.order_id, refund.reason),
            legs,
        },
    )?;
    super::refunds::owe_refund(
        conn,
        &payment,
        refund.refund_no,
        Fen(total),
        refund.reason,
        refund.aftersales_case_id,
        actor.at,
    )?;
    Ok(Fen(total))
}

/// Settles one received part once its after-sales window has passed (the caller chose it):
/// commission pending → available, the supplier's net to its payable, the fee to the platform,
/// and the part completed. Only the change that finds the part received does anything.
pub fn settle_part(
    conn: &mut DbConn,
    actor: &Actor,
    order_id: i64,
    part_id: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    orders_repo::lock_order(conn, order_id)?;
    if repo::has_open_case(conn, part_id, now)?
        || !orders_repo::move_part(
            conn,
            part_id,
            OrderStatus::Received,
            OrderStatus::Completed,
            now,
        )?
    {
        return Ok(false);
    }
    for line in repo::lines_of_part(conn, part_id)? {
        if line.settled_at.is_some() {
            continue;
        }
        let kept = LineFigures::kept(&line);
        post_unless_zero(
            conn,
            actor,
            PostingRequest {
                business_key: format!("commission-settled:{}", line.id),
                kind: "commission_settled",
                memo: format!("order line {} settled", line.id),
                legs: vec![
                    Leg::debit(
                        accounts::shopkeeper_pending(line.shopkeeper_member_id),
                        kept.earning(),
                    ),
                    Leg::credit(
                        accounts::shopkeeper_available(line.shopkeeper_member_id),
                        kept.earning(),
                    ),
                    Leg::debit(
                        accounts::order_funds_held(),
                        Fen(kept.amount.0 - kept.commission.0),
                    ),
                    Leg::net_debit(
                        accounts::supplier_payable(line.supplier_id),
                        -kept.supplier_net().0,
                    ),
                    Leg::credit(accounts::platform_fee_revenue(), kept.platform_fee),
                ],
            },
        )?;
    }
    repo::mark_settled(conn, part_id, now)?;
    Transition {
        order_id,
        part_id: Some(part_id),
        from: OrderStatus::Received,
        to: OrderStatus::Completed,
        by: ActorKind::System,
        actor,
        note: Some("after-sales window closed; settled"),
        at: now,
    }
    .record(conn)?;
    crate::orders::service::refresh_order_status(conn, order_id, now)?;
    Ok(true)
}

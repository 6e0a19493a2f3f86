//! Cancelling an order before it ships: the order side (parts cancelled, stock returned), and for
//! a paid order the refund of what is left and the end of its after-sales cases. Here, above
//! orders and the money core, because a cancellation is the first after-sales act: a refund
//! before shipping.

use crate::audit::Actor;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::orders::model::OrderRow;
use crate::orders::repo as orders_repo;
use crate::orders::service::{ActorKind, Transition};
use crate::orders::state::{self, OrderStatus};
use crate::settlement::refunds::refund_order;

/// Cancels an order that is still unpaid or paid but not shipped: every part cancelled, the
/// stock returned, a paid order refunded in full. Exactly once: only the change that finds the
/// order in its expected state does any of this.
pub fn cancel(
    conn: &mut DbConn,
    order: &OrderRow,
    kind: ActorKind,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    let now = actor.at;
    let from = order.status;
    from.transition(OrderStatus::Cancelled)?;
    if !orders_repo::cancel_order(conn, order.id, from, reason, now)? {
        // Another change (a payment, the job) came first: answer with the state it left.
        let current = orders_repo::find(conn, order.id)?.map_or(from, |order| order.status);
        return Err(state::illegal(current, OrderStatus::Cancelled));
    }
    // Parts refunded whole before shipping are cancelled already; every other must move.
    let live_parts = orders_repo::parts(conn, order.id)?
        .iter()
        .filter(|part| part.status != OrderStatus::Cancelled)
        .count();
    if orders_repo::move_parts(conn, order.id, from, OrderStatus::Cancelled, now)? != live_parts {
        // A part moved on (shipped) since the order was read: nothing may be cancelled.
        return Err(state::illegal(OrderStatus::Shipped, OrderStatus::Cancelled));
    }
    // Per SKU and in SKU order, as placement takes it, so the two never wait on each other
    // crosswise.
    let mut returned: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
    // Pieces refunded before shipping went back to stock with their refund.
    for line in orders_repo::lines_of_orders(conn, &[order.id])? {
        *returned.entry(line.sku_id).or_default() +=
            i64::from(line.quantity - line.refunded_quantity);
    }
    for (sku_id, quantity) in returned {
        orders_repo::return_stock(conn, sku_id, quantity, now)?;
    }
    Transition {
        order_id: order.id,
        part_id: None,
        from,
        to: OrderStatus::Cancelled,
        by: kind,
        actor,
        note: Some(reason),
        at: now,
    }
    .record(conn)?;
    if from == OrderStatus::Paid {
        refund_order(conn, order.id, actor, reason)?;
        // Whatever after-sales cases asked is refunded now with the rest.
        super::service::close_cases_of_cancelled_order(conn, order.id, actor)?;
    }
    Ok(())
}

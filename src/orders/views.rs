//! Orders as each party sees them, built from rows (stored or just inserted).

use super::dto::{
    AddressView, OrderLineView, OrderView, ShopOrderLineView, ShopOrderView, SupplierOrderView,
    TimelineEntry,
};
use super::model::{OrderEventRow, OrderLineRow, OrderRow, SupplierOrderRow};
use super::rules::{mask_name, mask_phone};
use super::state::OrderStatus;
use crate::money::{Bps, Fen};

/// The buyer's view: parts with their lines, and the timeline from placement on. The rows may
/// be those of several orders; only this order's are used.
pub fn order_view(
    order: &OrderRow,
    parts: &[SupplierOrderRow],
    lines: &[OrderLineRow],
    events: &[OrderEventRow],
) -> OrderView {
    let mut timeline = vec![TimelineEntry {
        at: order.created_at.and_utc(),
        supplier_order_id: None,
        from: None,
        to: OrderStatus::PendingPayment,
        actor: "buyer".to_owned(),
        note: None,
    }];
    timeline.extend(
        events
            .iter()
            .filter(|e| e.order_id == order.id)
            .map(|event| TimelineEntry {
                at: event.created_at.and_utc(),
                supplier_order_id: event.supplier_order_id,
                from: Some(event.from_status),
                to: event.to_status,
                actor: event.actor_kind.clone(),
                note: event.note.clone(),
            }),
    );
    OrderView {
        id: order.id,
        order_no: order.order_no.clone(),
        status: order.status,
        shop_id: order.shop_id,
        total_fen: Fen(order.total_fen),
        address: AddressView {
            name: order.recipient_name.clone(),
            phone: order.recipient_phone.clone(),
            region: order.region.clone(),
            detail: order.address_detail.clone(),
        },
        note: order.buyer_note.clone(),
        payment_due_at: order.payment_due_at.and_utc(),
        paid_at: order.paid_at.map(|at| at.and_utc()),
        cancelled_at: order.cancelled_at.map(|at| at.and_utc()),
        cancel_reason: order.cancel_reason.clone(),
        created_at: order.created_at.and_utc(),
        parts: parts
            .iter()
            .filter(|part| part.order_id == order.id)
            .map(|part| SupplierOrderView {
                id: part.id,
                supplier_id: part.supplier_id,
                status: part.status,
                total_fen: Fen(part.total_fen),
                carrier: part.carrier.clone(),
                tracking_no: part.tracking_no.clone(),
                shipped_at: part.shipped_at.map(|at| at.and_utc()),
                received_at: part.received_at.map(|at| at.and_utc()),
                lines: lines
                    .iter()
                    .filter(|line| line.supplier_order_id == part.id)
                    .map(line_view)
                    .collect(),
            })
            .collect(),
        timeline,
    }
}

pub fn line_view(line: &OrderLineRow) -> OrderLineView {
    OrderLineView {
        id: line.id,
        shop_item_id: line.shop_item_id,
        goods_id: line.goods_id,
        sku_id: line.sku_id,
        title: line.title.clone(),
        sku_attributes: serde_json::from_str(&line.sku_attributes).unwrap_or_default(),
        unit_price_fen: Fen(line.unit_price_fen),
        quantity: line.quantity,
        amount_fen: Fen(line.amount_fen),
        refunded_quantity: line.refunded_quantity,
    }
}

/// The shopkeeper's view: the buyer masked, each line with what it earns.
pub fn shop_order_view(order: &OrderRow, lines: &[OrderLineRow]) -> ShopOrderView {
    ShopOrderView {
        id: order.id,
        order_no: order.order_no.clone(),
        status: order.status,
        total_fen: Fen(order.total_fen),
        buyer_name: mask_name(&order.recipient_name),
        buyer_phone: mask_phone(&order.recipient_phone),
        region: order.region.clone(),
        created_at: order.created_at.and_utc(),
        lines: lines
            .iter()
            .filter(|line| line.order_id == order.id)
            .map(|line| ShopOrderLineView {
                id: line.id,
                title: line.title.clone(),
                quantity: line.quantity,
                amount_fen: Fen(line.amount_fen),
                commission_bps: Bps(line.commission_bps),
                commission_plan_id: line.commission_plan_id,
                tier_bonus_bps: Bps(line.tier_bonus_bps),
                earning_fen: Fen(line.commission_fen + line.tier_bonus_fen),
                no_commission_reason: line.no_commission_reason.clone(),
            })
            .collect(),
    }
}

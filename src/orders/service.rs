//! Orders after placement: what buyers and shopkeepers see, and the buyer's own changes.

use chrono::NaiveDateTime;

use super::dto::{OrderView, ShopOrderView};
use super::model::{NewOrderEvent, OrderRow};
use super::repo;
use super::state::{self, OrderStatus};
use super::views;
use crate::audit::Actor;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::members::MemberId;
use crate::pagination::{Page, Paginated};

/// Who moved an order, as its timeline shows.
#[derive(Debug, Clone, Copy)]
pub enum ActorKind {
    Buyer,
    Supplier,
    System,
    Gateway,
}

impl ActorKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Buyer => "buyer",
            Self::Supplier => "supplier",
            Self::System => "system",
            Self::Gateway => "gateway",
        }
    }
}

/// The buyer's own order; another member's is not found.
pub fn own_order(conn: &mut DbConn, buyer: MemberId, order_id: i64) -> AppResult<OrderRow> {
    repo::find(conn, order_id)?
        .filter(|order| order.buyer_member_id == buyer.0)
        .ok_or(AppError::NotFound { resource: "order" })
}

pub fn view(conn: &mut DbConn, order: &OrderRow) -> AppResult<OrderView> {
    Ok(views_of(conn, std::slice::from_ref(order))?.remove(0))
}

/// The views of several orders, with three queries for all of them (parts, lines, events).
fn views_of(conn: &mut DbConn, orders: &[OrderRow]) -> AppResult<Vec<OrderView>> {
    let ids: Vec<i64> = orders.iter().map(|order| order.id).collect();
    let parts = repo::parts_of_orders(conn, &ids)?;
    let lines = repo::lines_of_orders(conn, &ids)?;
    let events = repo::events_of_orders(conn, &ids)?;
    Ok(orders
        .iter()
        .map(|order| views::order_view(order, &parts, &lines, &events))
        .collect())
}

pub fn buyer_orders(
    conn: &mut DbConn,
    buyer: MemberId,
    status: Option<OrderStatus>,
    page: Page,
) -> AppResult<Paginated<OrderView>> {
    let (orders, total) = repo::buyer_page(conn, buyer.0, status, page)?;
    Ok(Paginated::new(views_of(conn, &orders)?, page, total))
}

/// The shop's orders for its shopkeeper (another member's shop is not found).
pub fn shop_orders(
    conn: &mut DbConn,
    owner: MemberId,
    shop_id: i64,
    page: Page,
) -> AppResult<Paginated<ShopOrderView>> {
    crate::shops::service::own_shop(conn, owner, shop_id)?;
    let (orders, total) = repo::shop_page(conn, shop_id, page)?;
    let ids: Vec<i64> = orders.iter().map(|order| order.id).collect();
    let lines = repo::lines_of_orders(conn, &ids)?;
    Ok(Paginated::new(
        orders
            .iter()
            .map(|order| views::shop_order_view(order, &lines))
            .collect(),
        page,
        total,
    ))
}

/// One change of state of an order (or of one of its parts), as its timeline records it.
pub struct Transition<'a> {
    pub order_id: i64,
    pub part_id: Option<i64>,
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub by: ActorKind,
    pub actor: &'a Actor,
    pub note: Option<&'a str>,
    pub at: NaiveDateTime,
}

impl Transition<'_> {
    pub fn record(&self, conn: &mut DbConn) -> AppResult<()> {
        repo::insert_event(
            conn,
            &NewOrderEvent {
                order_id: self.order_id,
                supplier_order_id: self.part_id,
                from_status: self.from,
                to_status: self.to,
                actor_kind: self.by.as_str(),
                actor_member_id: self.actor.member.map(|m| m.0),
                note: self.note,
                created_at: self.at,
            },
        )
    }
}

/// The buyer confirms receipt of every shipped part.
pub fn confirm_receipt(
    conn: &mut DbConn,
    order: &OrderRow,
    kind: ActorKind,
    actor: &Actor,
) -> AppResult<()> {
    let now = actor.at;
    let parts = repo::parts(conn, order.id)?;
    let shipped: Vec<_> = parts
        .iter()
        .filter(|part| part.status == OrderStatus::Shipped)
        .collect();
    if shipped.is_empty() {
        return Err(state::illegal(order.status, OrderStatus::Received));
    }
    for part in shipped {
        receive_part(conn, part.order_id, part.id, kind, actor, now)?;
    }
    Ok(())
}

/// One shipped part received (by the buyer, or automatically after the configured days).
pub fn receive_part(
    conn: &mut DbConn,
    order_id: i64,
    part_id: i64,
    kind: ActorKind,
    actor: &Actor,
    now: NaiveDateTime,
) -> AppResult<bool> {
    repo::lock_order(conn, order_id)?;
    if !repo::receive_part(conn, part_id, now)? {
        return Ok(false);
    }
    Transition {
        order_id,
        part_id: Some(part_id),
        from: OrderStatus::Shipped,
        to: OrderStatus::Received,
        by: kind,
        actor,
        note: None,
        at: now,
    }
    .record(conn)?;
    refresh_order_status(conn, order_id, now)?;
    Ok(true)
}

/// Sets the order's status to the least advanced of its parts (after a part moved).
pub fn refresh_order_status(conn: &mut DbConn, order_id: i64, now: NaiveDateTime) -> AppResult<()> {
    let parts = repo::parts(conn, order_id)?;
    if let Some(status) = OrderStatus::of_parts(parts.iter().map(|p| p.status)) {
        repo::set_order_status(conn, order_id, status, now)?;
    }
    Ok(())
}

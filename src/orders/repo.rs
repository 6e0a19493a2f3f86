//! Queries on orders, their supplier parts, lines and events.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};

use super::model::{
    NewOrder, NewOrderEvent, NewOrderLine, NewSupplierOrder, OrderEventRow, OrderLineRow, OrderRow,
    OrderableRow, SupplierOrderRow,
};
use super::state::OrderStatus;
use crate::db::prepared::{self, Binds};
use crate::db::schema::{
    goods, goods_skus, order_events, order_lines, orders, shop_items, shops, supplier_orders,
    suppliers,
};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::pagination::Page;

/// The latest recorded tier of the owner of the shop in the query, as a scalar subquery: it
/// keeps the tier in the same round trip as the rest of a line. A type of its own (rather than
/// `dsl::sql`) so that the statement has a static id and stays prepared on the connection.
#[derive(Debug, Clone, Copy)]
pub struct ShopOwnerTier;

impl Expression for ShopOwnerTier {
    type SqlType = Nullable<Text>;
}

impl<DB: Backend> QueryFragment<DB> for ShopOwnerTier {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> diesel::QueryResult<()> {
        out.push_sql(
            "(SELECT th.tier FROM tier_history th WHERE th.member_id = shops.owner_member_id \
             ORDER BY th.month DESC LIMIT 1)",
        );
        Ok(())
    }
}

impl QueryId for ShopOwnerTier {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<QS> AppearsOnTable<QS> for ShopOwnerTier {}
impl<QS> SelectableExpression<QS> for ShopOwnerTier {}
impl<GB> ValidGrouping<GB> for ShopOwnerTier {
    type IsAggregate = is_aggregate::Never;
}

/// Everything placement needs of the ordered (shop item, SKU) pairs, in one query: the item,
/// its shop and shopkeeper with their latest tier, the goods with their commission, the
/// supplier's standing and the SKU. Pairs whose SKU is not of the item's goods are absent.
pub fn orderable(
    conn: &mut DbConn,
    shop_item_ids: &[i64],
    sku_ids: &[i64],
) -> AppResult<Vec<OrderableRow>> {
    let query = shop_items::table
        .inner_join(shops::table)
        .inner_join(
            goods::table
                .inner_join(suppliers::table)
                .inner_join(goods_skus::table),
        )
        .select((
            shop_items::id,
            shop_items::removed_at,
            shops::id,
            shops::status,
            shops::owner_member_id,
            goods::id,
            goods::title,
            goods::status,
            goods::commission_bps,
            goods::pending_commission_bps,
            goods::pending_commission_at,
            suppliers::id,
            suppliers::is_active,
            goods_skus::id,
            goods_skus::attributes,
            goods_skus::price_fen,
            goods_skus::per_buyer_limit,
            ShopOwnerTier,
        ))
        .into_boxed();
    // A one-line order (the usual one) compares with plain values, which keeps the statement
    // cached on SQLite (diesel never caches `IN (…)`) and lets PostgreSQL under
    // plan_cache_mode = auto settle on a generic plan: for arrays of unknown length it plans
    // this five-table join again on every execution.
    let query = match (shop_item_ids, sku_ids) {
        ([item], [sku]) => query
            .filter(shop_items::id.eq(*item))
            .filter(goods_skus::id.eq(*sku)),
        _ => query
            .filter(shop_items::id.eq_any(shop_item_ids))
            .filter(goods_skus::id.eq_any(sku_ids)),
    };
    Ok(query.load(conn)?)
}

/// Takes `quantity` from the SKU's stock if that much is left; false if not. The conditional
/// update is atomic (and the database's CHECK keeps stock ≥ 0 whatever happens).
pub fn take_stock(
    conn: &mut DbConn,
    sku_id: i64,
    quantity: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let updated = prepared::statement(
        "UPDATE goods_skus SET stock = stock - ?, version = version + 1, updated_at = ? \
         WHERE id = ? AND stock >= ?",
    )
    .bind::<BigInt, _>(quantity)
    .bind::<Timestamp, _>(now)
    .bind::<BigInt, _>(sku_id)
    .bind::<BigInt, _>(quantity)
    .execute(conn)?;
    Ok(updated == 1)
}

/// Puts stock back (a cancelled order's lines).
pub fn return_stock(
    conn: &mut DbConn,
    sku_id: i64,
    quantity: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(goods_skus::table.find(sku_id))
        .set((
            goods_skus::stock.eq(goods_skus::stock + quantity),
            goods_skus::version.eq(goods_skus::version + 1),
            goods_skus::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many of each SKU the buyer has ordered before, cancelled orders aside.
pub fn bought_before(conn: &mut DbConn, buyer: i64, sku_ids: &[i64]) -> AppResult<Vec<(i64, i64)>> {
    let rows: Vec<(i64, Option<i64>)> = order_lines::table
        .inner_join(orders::table)
        .filter(orders::buyer_member_id.eq(buyer))
        .filter(orders::status.ne(OrderStatus::Cancelled))
        .filter(order_lines::sku_id.eq_any(sku_ids))
        .group_by(order_lines::sku_id)
        .select((order_lines::sku_id, diesel::dsl::sum(order_lines::quantity)))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(sku, n)| (sku, n.unwrap_or(0)))
        .collect())
}

/// Inserts the order unless its number is taken (then None: draw another number).
pub fn insert_order(conn: &mut DbConn, order: &NewOrder) -> AppResult<Option<i64>> {
    Ok(prepared::query::<BigInt>(
        "INSERT INTO orders (order_no, buyer_member_id, shop_id, status, total_fen, \
           recipient_name, recipient_phone, region, address_detail, buyer_note, payment_due_at, \
           created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (order_no) DO NOTHING RETURNING id",
    )
    .bind::<Text, _>(order.order_no)
    .bind::<BigInt, _>(order.buyer_member_id)
    .bind::<BigInt, _>(order.shop_id)
    .bind::<Text, _>(order.status)
    .bind::<BigInt, _>(order.total_fen)
    .bind::<Text, _>(order.recipient_name)
    .bind::<Text, _>(order.recipient_phone)
    .bind::<Text, _>(order.region)
    .bind::<Text, _>(order.address_detail)
    .bind::<Nullable<Text>, _>(order.buyer_note)
    .bind::<Timestamp, _>(order.payment_due_at)
    .bind::<Timestamp, _>(order.created_at)
    .bind::<Timestamp, _>(order.updated_at)
    .get_result(conn)
    .optional()?)
}

/// Inserts the supplier parts, one statement each (an order rarely has more than one);
/// returns (id, supplier id) of each.
pub fn insert_supplier_orders(
    conn: &mut DbConn,
    parts: &[NewSupplierOrder],
) -> AppResult<Vec<(i64, i64)>> {
    parts
        .iter()
        .map(|part| {
            let id = prepared::query::<BigInt>(
                "INSERT INTO supplier_orders (order_id, supplier_id, status, total_fen, \
                   created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind::<BigInt, _>(part.order_id)
            .bind::<BigInt, _>(part.supplier_id)
            .bind::<Text, _>(part.status)
            .bind::<BigInt, _>(part.total_fen)
            .bind::<Timestamp, _>(part.created_at)
            .bind::<Timestamp, _>(part.updated_at)
            .get_result(conn)?;
            Ok((id, part.supplier_id))
        })
        .collect()
}

/// Inserts the lines, one statement each; returns their ids in the given order.
pub fn insert_lines(conn: &mut DbConn, lines: &[NewOrderLine]) -> AppResult<Vec<i64>> {
    lines
        .iter()
        .map(|line| {
            Ok(prepared::query::<BigInt>(
                "INSERT INTO order_lines (order_id, supplier_order_id, shop_item_id, goods_id, \
                   sku_id, supplier_id, shop_id, shopkeeper_member_id, title, sku_attributes, \
                   unit_price_fen, quantity, amount_fen, commission_bps, tier, tier_bonus_bps, \
                   commission_fen, tier_bonus_fen, no_commission_reason, created_at, \
                   platform_fee_bps, commission_plan_id) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 RETURNING id",
            )
            .bind::<BigInt, _>(line.order_id)
            .bind::<BigInt, _>(line.supplier_order_id)
            .bind::<BigInt, _>(line.shop_item_id)
            .bind::<BigInt, _>(line.goods_id)
            .bind::<BigInt, _>(line.sku_id)
            .bind::<BigInt, _>(line.supplier_id)
            .bind::<BigInt, _>(line.shop_id)
            .bind::<BigInt, _>(line.shopkeeper_member_id)
            .bind::<Text, _>(&line.title)
            .bind::<Text, _>(&line.sku_attributes)
            .bind::<BigInt, _>(line.unit_price_fen)
            .bind::<Integer, _>(line.quantity)
            .bind::<BigInt, _>(line.amount_fen)
            .bind::<Integer, _>(line.commission_bps)
            .bind::<Text, _>(line.tier)
            .bind::<Integer, _>(line.tier_bonus_bps)
            .bind::<BigInt, _>(line.commission_fen)
            .bind::<BigInt, _>(line.tier_bonus_fen)
            .bind::<Nullable<Text>, _>(&line.no_commission_reason)
            .bind::<Timestamp, _>(line.created_at)
            .bind::<Integer, _>(line.platform_fee_bps)
            .bind::<Nullable<BigInt>, _>(line.commission_plan_id)
            .get_result(conn)?)
        })
        .collect()
}

pub fn insert_event(conn: &mut DbConn, event: &NewOrderEvent) -> AppResult<()> {
    diesel::insert_into(order_events::table)
        .values(event)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, order_id: i64) -> AppResult<Option<OrderRow>> {
    Ok(orders::table
        .find(order_id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn parts(conn: &mut DbConn, order_id: i64) -> AppResult<Vec<SupplierOrderRow>> {
    parts_of_orders(conn, &[order_id])
}

pub fn parts_of_orders(conn: &mut DbConn, order_ids: &[i64]) -> AppResult<Vec<SupplierOrderRow>> {
    Ok(supplier_orders::table
        .filter(supplier_orders::order_id.eq_any(order_ids))
        .order(supplier_orders::id)
        .select(SupplierOrderRow::as_select())
        .load(conn)?)
}

pub fn lines_of_orders(conn: &mut DbConn, order_ids: &[i64]) -> AppResult<Vec<OrderLineRow>> {
    Ok(order_lines::table
        .filter(order_lines::order_id.eq_any(order_ids))
        .order(order_lines::id)
        .select(OrderLineRow::as_select())
        .load(conn)?)
}

pub fn events_of_orders(conn: &mut DbConn, order_ids: &[i64]) -> AppResult<Vec<OrderEventRow>> {
    Ok(order_events::table
        .filter(order_events::order_id.eq_any(order_ids))
        .order(order_events::id)
        .select(OrderEventRow::as_select())
        .load(conn)?)
}

/// Marks an unpaid order paid, only if it is still unpaid: false if another change came first
/// (so the unpaid-order job and a payment racing each other cannot both win).
pub fn pay_order(conn: &mut DbConn, order_id: i64, now: NaiveDateTime) -> AppResult<bool> {
    Ok(diesel::update(
        orders::table
            .find(order_id)
            .filter(orders::status.eq(OrderStatus::PendingPayment)),
    )
    .set((
        orders::status.eq(OrderStatus::Paid),
        orders::paid_at.eq(now),
        orders::updated_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

/// Cancels the order with its reason, only if it is still in `from`: false if another change
/// came first.
pub fn cancel_order(
    conn: &mut DbConn,
    order_id: i64,
    from: OrderStatus,
    reason: &str,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(
        diesel::update(orders::table.find(order_id).filter(orders::status.eq(from)))
            .set((
                orders::status.eq(OrderStatus::Cancelled),
                orders::cancelled_at.eq(now),
                orders::cancel_reason.eq(reason),
                orders::updated_at.eq(now),
            ))
            .execute(conn)?
            == 1,
    )
}

/// Moves every part of the order that is in `from` to `to`.
pub fn move_parts(
    conn: &mut DbConn,
    order_id: i64,
    from: OrderStatus,
    to: OrderStatus,
    now: NaiveDateTime,
) -> AppResult<usize> {
    Ok(diesel::update(
        supplier_orders::table
            .filter(supplier_orders::order_id.eq(order_id))
            .filter(supplier_orders::status.eq(from)),
    )
    .set((
        supplier_orders::status.eq(to),
        supplier_orders::updated_at.eq(now),
    ))
    .execute(conn)?)
}

/// Moves one part from `from` to `to`; false if it was no longer in `from`.
pub fn move_part(
    conn: &mut DbConn,
    part_id: i64,
    from: OrderStatus,
    to: OrderStatus,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(diesel::update(
        supplier_orders::table
            .find(part_id)
            .filter(supplier_orders::status.eq(from)),
    )
    .set((
        supplier_orders::status.eq(to),
        supplier_orders::updated_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

/// Orders still unpaid at `now` after their due time, oldest first.
pub fn overdue_unpaid(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> AppResult<Vec<i64>> {
    Ok(orders::table
        .filter(orders::status.eq(OrderStatus::PendingPayment))
        .filter(orders::payment_due_at.le(now))
        .order(orders::payment_due_at)
        .limit(limit)
        .select(orders::id)
        .load(conn)?)
}

/// A page of the buyer's orders, newest first, and how many there are.
pub fn buyer_page(
    conn: &mut DbConn,
    buyer: i64,
    status: Option<OrderStatus>,
    page: Page,
) -> AppResult<(Vec<OrderRow>, i64)> {
    let filtered = || {
        let mut query = orders::table
            .filter(orders::buyer_member_id.eq(buyer))
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(orders::status.eq(status));
        }
        query
    };
    crate::newest_first_page!(conn, filtered, orders::id, OrderRow, page)
}

/// A page of the shop's orders, newest first, and how many there are.
pub fn shop_page(conn: &mut DbConn, shop_id: i64, page: Page) -> AppResult<(Vec<OrderRow>, i64)> {
    let of_shop = || orders::table.filter(orders::shop_id.eq(shop_id));
    crate::newest_first_page!(conn, of_shop, orders::id, OrderRow, page)
}

/// Locks the order's row until the transaction ends (PostgreSQL; SQLite has one writer at a
/// time anyway). Every change of a part takes it first, as cancellation and payment do by
/// updating the order, so changes of one order queue in one order and the order's status,
/// recomputed from its parts, is never written from a stale read.
pub fn lock_order(conn: &mut DbConn, order_id: i64) -> AppResult<()> {
    if let DbConn::Postgres(c) = conn {
        orders::table
            .find(order_id)
            .select(orders::id)
            .for_update()
            .first::<i64>(c)?;
    }
    Ok(())
}

pub fn set_order_status(
    conn: &mut DbConn,
    order_id: i64,
    status: OrderStatus,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(orders::table.find(order_id))
        .set((orders::status.eq(status), orders::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Ships a paid part; false if it was not (or no longer) paid.
pub fn ship_part(
    conn: &mut DbConn,
    part_id: i64,
    carrier: &str,
    tracking_no: &str,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(diesel::update(
        supplier_orders::table
            .find(part_id)
            .filter(supplier_orders::status.eq(OrderStatus::Paid)),
    )
    .set((
        supplier_orders::status.eq(OrderStatus::Shipped),
        supplier_orders::carrier.eq(carrier),
        supplier_orders::tracking_no.eq(tracking_no),
        supplier_orders::shipped_at.eq(now),
        supplier_orders::updated_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

/// Marks a shipped part received; false if it was not (or no longer) shipped.
pub fn receive_part(conn: &mut DbConn, part_id: i64, now: NaiveDateTime) -> AppResult<bool> {
    Ok(diesel::update(
        supplier_orders::table
            .find(part_id)
            .filter(supplier_orders::status.eq(OrderStatus::Shipped)),
    )
    .set((
        supplier_orders::status.eq(OrderStatus::Received),
        supplier_orders::received_at.eq(now),
        supplier_orders::updated_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

/// Parts shipped before `cutoff` and still not received: (order id, part id), oldest first.
pub fn shipped_before(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<(i64, i64)>> {
    Ok(supplier_orders::table
        .filter(supplier_orders::status.eq(OrderStatus::Shipped))
        .filter(supplier_orders::shipped_at.le(cutoff))
        .order(supplier_orders::shipped_at)
        .limit(limit)
        .select((supplier_orders::order_id, supplier_orders::id))
        .load(conn)?)
}

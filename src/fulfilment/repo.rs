//! Queries on a supplier's parts of orders.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{orders, supplier_orders};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::orders::model::{OrderRow, SupplierOrderRow};
use crate::orders::state::OrderStatus;

#[derive(Debug, Default, Clone)]
pub struct PartFilter {
    pub status: Option<OrderStatus>,
    /// Placed at or after.
    pub from: Option<NaiveDateTime>,
    /// Placed before.
    pub until: Option<NaiveDateTime>,
}

/// The supplier's parts matching `filter`, newest first, after the part `before` (keyset).
pub fn page(
    conn: &mut DbConn,
    supplier_id: i64,
    filter: &PartFilter,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<(SupplierOrderRow, OrderRow)>> {
    let mut query = supplier_orders::table
        .inner_join(orders::table)
        .filter(supplier_orders::supplier_id.eq(supplier_id))
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(supplier_orders::status.eq(status));
    }
    if let Some(from) = filter.from {
        query = query.filter(orders::created_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(orders::created_at.lt(until));
    }
    if let Some(before) = before {
        query = query.filter(supplier_orders::id.lt(before));
    }
    Ok(query
        .order(supplier_orders::id.desc())
        .limit(limit)
        .select((SupplierOrderRow::as_select(), OrderRow::as_select()))
        .load(conn)?)
}

/// One part of the supplier's, with its order; another supplier's is not found.
pub fn find(
    conn: &mut DbConn,
    supplier_id: i64,
    part_id: i64,
) -> AppResult<Option<(SupplierOrderRow, OrderRow)>> {
    Ok(supplier_orders::table
        .inner_join(orders::table)
        .filter(supplier_orders::id.eq(part_id))
        .filter(supplier_orders::supplier_id.eq(supplier_id))
        .select((SupplierOrderRow::as_select(), OrderRow::as_select()))
        .first(conn)
        .optional()?)
}

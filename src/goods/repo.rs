//! Queries on goods and SKUs.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::GoodsStatus;
use super::model::{GoodsChanges, GoodsRow, NewGoods, NewSku, SkuRow};
use crate::db::schema::{goods, goods_skus, suppliers};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::pagination::Page;
use crate::with_backend;

pub fn insert(conn: &mut DbConn, new: &NewGoods) -> AppResult<i64> {
    Ok(with_backend!(conn, c => diesel::insert_into(goods::table)
        .values(new)
        .returning(goods::id)
        .get_result(c))?)
}

pub fn insert_sku(conn: &mut DbConn, new: &NewSku) -> AppResult<()> {
    diesel::insert_into(goods_skus::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// The goods with its supplier's standing, if it exists.
pub fn find(conn: &mut DbConn, id: i64) -> AppResult<Option<(GoodsRow, bool)>> {
    Ok(goods::table
        .inner_join(suppliers::table)
        .filter(goods::id.eq(id))
        .select((GoodsRow::as_select(), suppliers::is_active))
        .first(conn)
        .optional()?)
}

pub fn skus(conn: &mut DbConn, goods_ids: &[i64]) -> AppResult<Vec<SkuRow>> {
    Ok(goods_skus::table
        .filter(goods_skus::goods_id.eq_any(goods_ids))
        .order(goods_skus::id)
        .select(SkuRow::as_select())
        .load(conn)?)
}

pub fn list_of_supplier(
    conn: &mut DbConn,
    supplier_id: i64,
    status: Option<GoodsStatus>,
    page: Page,
) -> AppResult<(Vec<GoodsRow>, i64)> {
    let filtered = || {
        let mut query = goods::table
            .filter(goods::supplier_id.eq(supplier_id))
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(goods::status.eq(status));
        }
        query
    };
    crate::newest_first_page!(conn, filtered, goods::id, GoodsRow, page)
}

pub fn update(conn: &mut DbConn, id: i64, changes: &GoodsChanges) -> AppResult<()> {
    diesel::update(goods::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

pub fn update_sku(conn: &mut DbConn, sku: &SkuRow, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(goods_skus::table.find(sku.id))
        .set((
            goods_skus::attributes.eq(&sku.attributes),
            goods_skus::price_fen.eq(sku.price_fen),
            goods_skus::per_buyer_limit.eq(sku.per_buyer_limit),
            goods_skus::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    status: GoodsStatus,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(goods::table.find(id))
        .set((
            goods::status.eq(status),
            goods::takedown_reason.eq(reason),
            goods::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_commission(
    conn: &mut DbConn,
    id: i64,
    current: i32,
    pending: Option<(i32, NaiveDateTime)>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(goods::table.find(id))
        .set((
            goods::commission_bps.eq(current),
            goods::pending_commission_bps.eq(pending.map(|p| p.0)),
            goods::pending_commission_at.eq(pending.map(|p| p.1)),
            goods::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the stock if nobody changed it since `version` was read; false otherwise.
pub fn set_stock(
    conn: &mut DbConn,
    sku_id: i64,
    stock: i64,
    version: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let updated = diesel::update(
        goods_skus::table
            .find(sku_id)
            .filter(goods_skus::version.eq(version)),
    )
    .set((
        goods_skus::stock.eq(stock),
        goods_skus::version.eq(version + 1),
        goods_skus::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Moves the stock by `delta` unless that would take it below zero; false then.
pub fn adjust_stock(
    conn: &mut DbConn,
    sku_id: i64,
    delta: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let updated = diesel::update(
        goods_skus::table
            .find(sku_id)
            .filter((goods_skus::stock + delta).ge(0)),
    )
    .set((
        goods_skus::stock.eq(goods_skus::stock + delta),
        goods_skus::version.eq(goods_skus::version + 1),
        goods_skus::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Keeps `goods.min_price_fen` equal to the lowest SKU price; call after SKU prices change.
pub fn refresh_min_price(conn: &mut DbConn, goods_id: i64) -> AppResult<()> {
    let lowest: Option<i64> = goods_skus::table
        .filter(goods_skus::goods_id.eq(goods_id))
        .select(diesel::dsl::min(goods_skus::price_fen))
        .first(conn)?;
    diesel::update(goods::table.find(goods_id))
        .set(goods::min_price_fen.eq(lowest.unwrap_or(0)))
        .execute(conn)?;
    Ok(())
}

/// Goods in the category `code` or one of its subcategories (`code.…`).
#[diesel::dsl::auto_type]
pub fn in_category(code: String, subcategory_pattern: String) -> _ {
    goods::category_code
        .eq(code)
        .or(goods::category_code.like(subcategory_pattern))
}

/// Goods whose title matches a `db::search::contains_pattern`, ignoring case.
pub fn title_contains(
    keyword: &str,
) -> diesel::dsl::Escape<diesel::dsl::Like<crate::db::search::lower<goods::title>, String>> {
    crate::db::search::lower(goods::title)
        .like(crate::db::search::contains_pattern(keyword))
        .escape(crate::db::search::LIKE_ESCAPE)
}

//! Queries of the public storefront.

use diesel::prelude::*;

use crate::db::schema::{goods, goods_skus, shop_items, suppliers};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::goods::repo::{in_category, title_contains};

/// Where a page of items starts: after the item with this sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemCursor {
    pub pinned: bool,
    pub position: i64,
    pub id: i64,
}

/// A shop item with what a buyer sees of its goods.
#[derive(Debug, Clone, Queryable)]
pub struct ItemSummaryRow {
    pub id: i64,
    pub goods_id: i64,
    pub recommendation: String,
    pub pinned: bool,
    pub position: i64,
    pub title: String,
    pub category_code: String,
    pub image_urls: String,
    pub min_price_fen: i64,
    pub goods_status: String,
    pub supplier_active: bool,
    pub in_stock: bool,
}

#[derive(Debug, Default)]
pub struct ItemFilter {
    pub category: Option<String>,
    pub keyword: Option<String>,
}

/// Up to `limit` live items of the shop after `after`, pinned first, then by position and id.
pub fn items_page(
    conn: &mut DbConn,
    shop_id: i64,
    filter: &ItemFilter,
    after: Option<ItemCursor>,
    limit: i64,
) -> AppResult<Vec<ItemSummaryRow>> {
    let mut query = shop_items::table
        .inner_join(goods::table.inner_join(suppliers::table))
        .filter(shop_items::shop_id.eq(shop_id))
        .filter(shop_items::removed_at.is_null())
        .into_boxed();
    if let Some(category) = &filter.category {
        query = query.filter(in_category(category.clone(), format!("{category}.%")));
    }
    if let Some(keyword) = &filter.keyword {
        query = query.filter(title_contains(keyword));
    }
    if let Some(c) = after {
        // Keyset order (pinned DESC, position, id): stable while items are added.
        query = query.filter(
            shop_items::pinned
                .lt(c.pinned)
                .or(shop_items::pinned.eq(c.pinned).and(
                    shop_items::position.gt(c.position).or(shop_items::position
                        .eq(c.position)
                        .and(shop_items::id.gt(c.id))),
                )),
        );
    }
    Ok(query
        .order((
            shop_items::pinned.desc(),
            shop_items::position.asc(),
            shop_items::id.asc(),
        ))
        .limit(limit)
        .select(summary_columns())
        .load(conn)?)
}

/// One live item of the shop.
pub fn item(conn: &mut DbConn, shop_id: i64, item_id: i64) -> AppResult<Option<ItemSummaryRow>> {
    Ok(shop_items::table
        .inner_join(goods::table.inner_join(suppliers::table))
        .filter(shop_items::id.eq(item_id))
        .filter(shop_items::shop_id.eq(shop_id))
        .filter(shop_items::removed_at.is_null())
        .select(summary_columns())
        .first(conn)
        .optional()?)
}

#[allow(clippy::type_complexity)]
fn summary_columns() -> (
    shop_items::id,
    shop_items::goods_id,
    shop_items::recommendation,
    shop_items::pinned,
    shop_items::position,
    goods::title,
    goods::category_code,
    goods::image_urls,
    goods::min_price_fen,
    goods::status,
    suppliers::is_active,
    diesel::dsl::exists<
        diesel::dsl::Filter<
            diesel::dsl::Filter<
                goods_skus::table,
                diesel::dsl::Eq<goods_skus::goods_id, goods::id>,
            >,
            diesel::dsl::Gt<goods_skus::stock, i64>,
        >,
    >,
) {
    (
        shop_items::id,
        shop_items::goods_id,
        shop_items::recommendation,
        shop_items::pinned,
        shop_items::position,
        goods::title,
        goods::category_code,
        goods::image_urls,
        goods::min_price_fen,
        goods::status,
        suppliers::is_active,
        diesel::dsl::exists(
            goods_skus::table
                .filter(goods_skus::goods_id.eq(goods::id))
                .filter(goods_skus::stock.gt(0_i64)),
        ),
    )
}

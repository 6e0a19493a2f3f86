//! Queries of the public storefront.

use std::collections::HashSet;

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
    pub goods_status: crate::goods::dto::GoodsStatus,
    pub supplier_active: bool,
}

type SummaryColumns = (
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
);

const SUMMARY_COLUMNS: SummaryColumns = (
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
);

/// The shop's live items with their goods and supplier.
#[diesel::dsl::auto_type]
fn live_items(shop_id: i64) -> _ {
    shop_items::table
        .inner_join(goods::table.inner_join(suppliers::table))
        .filter(shop_items::shop_id.eq(shop_id))
        .filter(shop_items::removed_at.is_null())
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
    let mut query = live_items(shop_id).into_boxed();
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
        .select(SUMMARY_COLUMNS)
        .load(conn)?)
}

/// One live item of the shop, with its goods' description.
pub fn item(
    conn: &mut DbConn,
    shop_id: i64,
    item_id: i64,
) -> AppResult<Option<(ItemSummaryRow, String)>> {
    Ok(live_items(shop_id)
        .filter(shop_items::id.eq(item_id))
        .select((SUMMARY_COLUMNS, goods::description))
        .first(conn)
        .optional()?)
}

/// Which of these goods have a SKU in stock. Asked for a page's goods at once, after the page
/// is chosen: as a correlated subquery in the page query, PostgreSQL may plan it as a scan of
/// every SKU (see BENCHMARKS.md).
pub fn goods_in_stock(conn: &mut DbConn, goods_ids: &[i64]) -> AppResult<HashSet<i64>> {
    let ids: Vec<i64> = goods_skus::table
        .filter(goods_skus::goods_id.eq_any(goods_ids))
        .filter(goods_skus::stock.gt(0_i64))
        .select(goods_skus::goods_id)
        .distinct()
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

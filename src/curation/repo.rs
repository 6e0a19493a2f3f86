//! Queries on shop items.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{NewShopItem, ShopItemChanges, ShopItemRow};
use crate::db::schema::{goods, shop_items, shops, suppliers};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::with_backend;

/// Takes `count` item slots of the shop unless that would pass `cap`; false then. The
/// conditional update also locks the shop row, so concurrent adds to one shop queue here.
pub fn reserve_slots(conn: &mut DbConn, shop_id: i64, count: i32, cap: i32) -> AppResult<bool> {
    let updated = diesel::update(
        shops::table
            .find(shop_id)
            .filter((shops::item_count + count).le(cap)),
    )
    .set(shops::item_count.eq(shops::item_count + count))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Gives back one item slot.
pub fn release_slot(conn: &mut DbConn, shop_id: i64) -> AppResult<()> {
    diesel::update(shops::table.find(shop_id))
        .set(shops::item_count.eq(shops::item_count - 1))
        .execute(conn)?;
    Ok(())
}

/// Goods (id, availability) of the given ids that exist; availability is listed + active supplier.
pub fn goods_standing(
    conn: &mut DbConn,
    ids: &[i64],
) -> AppResult<Vec<(i64, crate::goods::dto::GoodsStatus, bool)>> {
    Ok(goods::table
        .inner_join(suppliers::table)
        .filter(goods::id.eq_any(ids))
        .select((goods::id, goods::status, suppliers::is_active))
        .load(conn)?)
}

/// Which of these goods the shop already holds (live items only).
pub fn goods_in_shop(conn: &mut DbConn, shop_id: i64, ids: &[i64]) -> AppResult<Vec<i64>> {
    Ok(shop_items::table
        .filter(shop_items::shop_id.eq(shop_id))
        .filter(shop_items::removed_at.is_null())
        .filter(shop_items::goods_id.eq_any(ids))
        .select(shop_items::goods_id)
        .load(conn)?)
}

/// The position after the shop's last item: new items go to the end.
pub fn next_position(conn: &mut DbConn, shop_id: i64) -> AppResult<i64> {
    let last: Option<i64> = shop_items::table
        .filter(shop_items::shop_id.eq(shop_id))
        .select(diesel::dsl::max(shop_items::position))
        .first(conn)?;
    Ok(last.map_or(0, |p| p + 1))
}

pub fn insert(conn: &mut DbConn, new: &[NewShopItem]) -> AppResult<()> {
    // A multi-row insert needs the concrete backend.
    let inserted: Result<usize, diesel::result::Error> =
        with_backend!(conn, c => diesel::insert_into(shop_items::table).values(new).execute(c));
    inserted?;
    Ok(())
}

/// The live items of the shop for these goods, in the given order of goods.
pub fn live_items_for_goods(
    conn: &mut DbConn,
    shop_id: i64,
    goods_ids: &[i64],
) -> AppResult<Vec<ShopItemRow>> {
    let mut rows: Vec<ShopItemRow> = shop_items::table
        .filter(shop_items::shop_id.eq(shop_id))
        .filter(shop_items::removed_at.is_null())
        .filter(shop_items::goods_id.eq_any(goods_ids))
        .select(ShopItemRow::as_select())
        .load(conn)?;
    rows.sort_by_key(|row| goods_ids.iter().position(|g| *g == row.goods_id));
    Ok(rows)
}

/// A live item of the shop.
pub fn find_live(conn: &mut DbConn, shop_id: i64, item_id: i64) -> AppResult<Option<ShopItemRow>> {
    Ok(shop_items::table
        .find(item_id)
        .filter(shop_items::shop_id.eq(shop_id))
        .filter(shop_items::removed_at.is_null())
        .select(ShopItemRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update(conn: &mut DbConn, item_id: i64, changes: &ShopItemChanges) -> AppResult<()> {
    diesel::update(shop_items::table.find(item_id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

/// Removes the item from the shop, keeping the row for the orders and shares that name it.
pub fn remove(conn: &mut DbConn, item_id: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(shop_items::table.find(item_id))
        .set((
            shop_items::removed_at.eq(now),
            shop_items::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

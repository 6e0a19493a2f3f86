//! Queries on share codes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{share_codes, shop_items, shops};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::with_backend;

/// The item's code still in use, if any.
pub fn active_code(conn: &mut DbConn, shop_item_id: i64) -> AppResult<Option<String>> {
    Ok(share_codes::table
        .filter(share_codes::shop_item_id.eq(shop_item_id))
        .filter(share_codes::revoked_at.is_null())
        .select(share_codes::code)
        .first(conn)
        .optional()?)
}

/// Stores a new code for the item. False when nothing was stored: the code is taken, or the
/// item already has a code in use (made by a simultaneous request; at most one is in use, by
/// the unique index `share_codes_one_active_idx`).
pub fn insert(
    conn: &mut DbConn,
    code: &str,
    shop_item_id: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let inserted = with_backend!(conn, c => diesel::insert_into(share_codes::table)
        .values((
            share_codes::code.eq(code),
            share_codes::shop_item_id.eq(shop_item_id),
            share_codes::visits.eq(0_i64),
            share_codes::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// What a code points to while it resolves: (shop number, shop item id, visits so far).
/// A revoked code, a removed item or a closed shop does not resolve.
pub fn resolve(conn: &mut DbConn, code: &str) -> AppResult<Option<(String, i64, i64)>> {
    Ok(share_codes::table
        .inner_join(shop_items::table.inner_join(shops::table))
        .filter(share_codes::code.eq(code))
        .filter(share_codes::revoked_at.is_null())
        .filter(shop_items::removed_at.is_null())
        .filter(shops::status.eq(crate::shops::model::ShopStatus::Open))
        .select((shops::shop_no, shop_items::id, share_codes::visits))
        .first(conn)
        .optional()?)
}

pub fn count_visit(conn: &mut DbConn, code: &str) -> AppResult<()> {
    diesel::update(share_codes::table.find(code))
        .set(share_codes::visits.eq(share_codes::visits + 1))
        .execute(conn)?;
    Ok(())
}

pub fn revoke_for_item(conn: &mut DbConn, shop_item_id: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(
        share_codes::table
            .filter(share_codes::shop_item_id.eq(shop_item_id))
            .filter(share_codes::revoked_at.is_null()),
    )
    .set(share_codes::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

//! Adding, editing and removing shop items.

use std::collections::HashSet;

use super::dto::{AddItemRequest, ItemPatch};
use super::model::{NewShopItem, ShopItemChanges, ShopItemRow};
use super::{repo, rules};
use crate::audit::{self, Actor};
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError};
use crate::members::MemberId;
use crate::shops::settings::ShopSettings;

/// Adds goods to the member's open shop, all or none. Errors name the request's fields
/// (`goods_id` for a single add, `items[i].goods_id` for a bulk one).
pub fn add_items(
    conn: &mut DbConn,
    settings: &ShopSettings,
    actor: &Actor,
    member: MemberId,
    shop_id: i64,
    requests: Vec<AddItemRequest>,
    bulk: bool,
) -> AppResult<Vec<ShopItemRow>> {
    let shop = crate::shops::service::open_own_shop(conn, member, shop_id)?;
    let field = |index: usize, name: &str| {
        if bulk {
            format!("items[{index}].{name}")
        } else {
            name.to_owned()
        }
    };
    if bulk && !(1..=rules::BULK_MAX_ITEMS).contains(&requests.len()) {
        return Err(AppError::field(
            "items",
            "length",
            format!("add 1 to {} goods at a time", rules::BULK_MAX_ITEMS),
        ));
    }
    let goods_ids: Vec<i64> = requests.iter().map(|r| r.goods_id).collect();
    let standing = repo::goods_standing(conn, &goods_ids)?;
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (index, request) in requests.iter().enumerate() {
        errors.extend(rules::check_recommendation(
            &request.recommendation,
            &field(index, "recommendation"),
        ));
        let goods_field = field(index, "goods_id");
        match standing.iter().find(|(id, _, _)| *id == request.goods_id) {
            None => errors.push(FieldError::new(&goods_field, "not_found", "no such goods")),
            Some((_, status, active)) if !crate::goods::rules::is_available(*status, *active) => {
                errors.push(FieldError::new(
                    &goods_field,
                    "unavailable",
                    "only listed goods of active suppliers can be added",
                ))
            }
            Some(_) if !seen.insert(request.goods_id) => errors.push(FieldError::new(
                &goods_field,
                "duplicate",
                "the same goods appears twice in this request",
            )),
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    // Taking the slots first locks the shop row, so the checks below see every earlier add.
    rules::take_item_slots(conn, settings, shop.id, requests.len())?;
    if let Some(goods_id) = repo::goods_in_shop(conn, shop.id, &goods_ids)?.first() {
        return Err(AppError::Conflict {
            code: "already_in_shop",
            detail: format!("goods {goods_id} is already in this shop"),
        });
    }
    let now = actor.at;
    let first = repo::next_position(conn, shop.id)?;
    let new: Vec<NewShopItem> = requests
        .into_iter()
        .zip(first..)
        .map(|(request, position)| NewShopItem {
            shop_id: shop.id,
            goods_id: request.goods_id,
            recommendation: request.recommendation,
            position,
            pinned: false,
            created_at: now,
            updated_at: now,
        })
        .collect();
    repo::insert(conn, &new)?;
    audit::record(
        conn,
        actor,
        "shop.items_added",
        "shop",
        &shop.id.to_string(),
        serde_json::json!({"goods_ids": goods_ids}),
    )?;
    repo::live_items_for_goods(conn, shop.id, &goods_ids)
}

pub fn update_item(
    conn: &mut DbConn,
    member: MemberId,
    shop_id: i64,
    item_id: i64,
    patch: ItemPatch,
    now: chrono::NaiveDateTime,
) -> AppResult<ShopItemRow> {
    let shop = crate::shops::service::open_own_shop(conn, member, shop_id)?;
    let mut errors = Vec::new();
    if let Some(text) = &patch.recommendation {
        errors.extend(rules::check_recommendation(text, "recommendation"));
    }
    if patch.position.is_some_and(|p| p < 0) {
        errors.push(FieldError::new(
            "position",
            "out_of_range",
            "position must not be negative",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    live_item(conn, shop.id, item_id)?;
    repo::update(
        conn,
        item_id,
        &ShopItemChanges {
            recommendation: patch.recommendation,
            position: patch.position,
            pinned: patch.pinned,
            updated_at: now,
        },
    )?;
    live_item(conn, shop.id, item_id)
}

/// Removes an item: its slot is freed, and its share codes stop resolving (they resolve only to
/// live items; a re-added item is a new row with new codes).
pub fn remove_item(
    conn: &mut DbConn,
    actor: &Actor,
    member: MemberId,
    shop_id: i64,
    item_id: i64,
) -> AppResult<()> {
    let shop = crate::shops::service::open_own_shop(conn, member, shop_id)?;
    let item = live_item(conn, shop.id, item_id)?;
    let now = actor.at;
    repo::remove(conn, item.id, now)?;
    repo::release_slot(conn, shop.id)?;
    audit::record(
        conn,
        actor,
        "shop.item_removed",
        "shop_item",
        &item.id.to_string(),
        serde_json::json!({"shop_id": shop.id, "goods_id": item.goods_id}),
    )
}

/// A live item of the shop, or 404.
pub fn live_item(conn: &mut DbConn, shop_id: i64, item_id: i64) -> AppResult<ShopItemRow> {
    repo::find_live(conn, shop_id, item_id)?.ok_or(AppError::NotFound {
        resource: "shop item",
    })
}

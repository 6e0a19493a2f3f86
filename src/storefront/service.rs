//! The public storefront: shops by number, their items by cursor, item pages.

use base64::Engine as _;

use super::dto::{
    ItemListQuery, ItemPage, PublicItemDetail, PublicItemView, PublicShopView, PublicSkuView,
};
use super::repo::{self, ItemCursor, ItemFilter};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::members::MemberId;
use crate::pagination::PaginationSettings;
use crate::shops::model::ShopRow;
use crate::shops::settings::ShopSettings;

/// An open shop by its number; a closed or unknown one is not found.
pub fn open_shop(conn: &mut DbConn, shop_no: &str) -> AppResult<ShopRow> {
    crate::shops::repo::find_open_by_no(conn, shop_no)?
        .ok_or(AppError::NotFound { resource: "shop" })
}

pub fn shop_view(
    conn: &mut DbConn,
    settings: &ShopSettings,
    shop: ShopRow,
) -> AppResult<PublicShopView> {
    let tier = crate::tiers::current(conn, MemberId(shop.owner_member_id))?;
    Ok(PublicShopView {
        display_name: format!("{}{}", shop.name, settings.display_name_suffix),
        shop_no: shop.shop_no,
        name: shop.name,
        logo_url: shop.logo_url,
        description: shop.description,
        tier,
        item_count: shop.item_count,
    })
}

pub fn items(
    conn: &mut DbConn,
    pages: &PaginationSettings,
    shop_no: &str,
    query: ItemListQuery,
) -> AppResult<ItemPage> {
    let limit = crate::pagination::cursor_limit(query.limit, pages)?;
    let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let shop = open_shop(conn, shop_no)?;
    let filter = ItemFilter {
        category: query.category.filter(|c| !c.trim().is_empty()),
        keyword: query.q.filter(|q| !q.trim().is_empty()),
    };
    // One more than asked tells whether another page follows.
    let mut rows = repo::items_page(conn, shop.id, &filter, after, i64::from(limit) + 1)?;
    let next_cursor = (rows.len() > limit as usize).then(|| {
        rows.truncate(limit as usize);
        let last = rows.last().expect("a full page has a last row");
        encode_cursor(ItemCursor {
            pinned: last.pinned,
            position: last.position,
            id: last.id,
        })
    });
    let goods_ids: Vec<i64> = rows.iter().map(|row| row.goods_id).collect();
    let in_stock = repo::goods_in_stock(conn, &goods_ids)?;
    Ok(ItemPage {
        items: rows
            .into_iter()
            .map(|row| {
                let stocked = in_stock.contains(&row.goods_id);
                PublicItemView::new(row, stocked)
            })
            .collect(),
        next_cursor,
    })
}

/// An item page of an open shop.
pub fn item_detail(
    conn: &mut DbConn,
    settings: &ShopSettings,
    shop: ShopRow,
    item_id: i64,
) -> AppResult<PublicItemDetail> {
    let (row, description) = repo::item(conn, shop.id, item_id)?.ok_or(AppError::NotFound {
        resource: "shop item",
    })?;
    let skus: Vec<PublicSkuView> = crate::goods::repo::skus(conn, &[row.goods_id])?
        .into_iter()
        .map(|sku| PublicSkuView {
            id: sku.id,
            attributes: serde_json::from_str(&sku.attributes).unwrap_or_default(),
            price_fen: sku.price_fen,
            in_stock: sku.stock > 0,
            per_buyer_limit: sku.per_buyer_limit,
        })
        .collect();
    let in_stock = skus.iter().any(|sku| sku.in_stock);
    Ok(PublicItemDetail {
        image_urls: crate::goods::model::image_list(&row.image_urls),
        item: PublicItemView::new(row, in_stock),
        description,
        skus,
        shop: shop_view(conn, settings, shop)?,
    })
}

fn encode_cursor(cursor: ItemCursor) -> String {
    let text = format!(
        "{}.{}.{}",
        u8::from(cursor.pinned),
        cursor.position,
        cursor.id
    );
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(text: &str) -> AppResult<ItemCursor> {
    let invalid = || AppError::field("cursor", "invalid", "not a cursor this API gave out");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.split('.');
    let (Some(pinned), Some(position), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    Ok(ItemCursor {
        pinned: match pinned {
            "1" => true,
            "0" => false,
            _ => return Err(invalid()),
        },
        position: position.parse().map_err(|_| invalid())?,
        id: id.parse().map_err(|_| invalid())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cursors_round_trip(pinned: bool, position in 0i64.., id in 1i64..) {
            let cursor = ItemCursor { pinned, position, id };
            prop_assert_eq!(decode_cursor(&encode_cursor(cursor)).unwrap(), cursor);
        }
    }

    #[test]
    fn foreign_cursors_are_refused() {
        for bad in ["", "!!", "MS4y", "Mi4xLjE"] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }
}

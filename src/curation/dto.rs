use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::ShopItemRow;

/// Goods to add to a shop. Only these fields: price, title, stock and commission belong to the
/// supplier, and a request naming them is refused (422 `unknown_field`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddItemRequest {
    pub goods_id: i64,
    /// The shopkeeper's own words, 1–500 characters; stored as given, escaped wherever shown.
    #[schema(example = "我家孩子每天都要吃的芒果干")]
    pub recommendation: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAddRequest {
    /// 1–100 goods; all are added or, on any problem, none.
    pub items: Vec<AddItemRequest>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemPatch {
    pub recommendation: Option<String>,
    /// Order within the shop (ascending, after pinned items); ties keep the order of adding.
    #[schema(minimum = 0)]
    pub position: Option<i64>,
    pub pinned: Option<bool>,
}

/// A shop item as its shopkeeper sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopItemView {
    pub id: i64,
    pub shop_id: i64,
    pub goods_id: i64,
    pub recommendation: String,
    pub position: i64,
    pub pinned: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ShopItemRow> for ShopItemView {
    fn from(row: ShopItemRow) -> Self {
        Self {
            id: row.id,
            shop_id: row.shop_id,
            goods_id: row.goods_id,
            recommendation: row.recommendation,
            position: row.position,
            pinned: row.pinned,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::repo::ItemSummaryRow;
use crate::tiers::Tier;

/// A shop as buyers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicShopView {
    #[schema(example = "318204")]
    pub shop_no: String,
    pub name: String,
    /// The name with the platform's suffix.
    pub display_name: String,
    pub logo_url: Option<String>,
    pub description: String,
    /// The shopkeeper's tier, shown as a badge.
    pub tier: Tier,
    pub item_count: i32,
}

/// Whether a buyer can order the item now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Available,
    /// Listed, but every SKU is out of stock.
    SoldOut,
    /// Delisted, taken down, or its supplier is inactive: shown, but not orderable.
    Unavailable,
}

impl Availability {
    pub fn of(row: &ItemSummaryRow, in_stock: bool) -> Self {
        if !crate::goods::rules::is_available(row.goods_status, row.supplier_active) {
            Self::Unavailable
        } else if in_stock {
            Self::Available
        } else {
            Self::SoldOut
        }
    }
}

/// A shop item in the public list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicItemView {
    pub id: i64,
    pub goods_id: i64,
    pub title: String,
    pub category: String,
    pub main_image_url: Option<String>,
    /// The lowest SKU price, in fen.
    pub price_fen: i64,
    pub availability: Availability,
    /// The shopkeeper's recommendation text, as written (escape it when rendering).
    pub recommendation: String,
    pub pinned: bool,
}

impl PublicItemView {
    pub fn new(row: ItemSummaryRow, in_stock: bool) -> Self {
        Self {
            availability: Availability::of(&row, in_stock),
            id: row.id,
            goods_id: row.goods_id,
            main_image_url: crate::goods::model::image_list(&row.image_urls)
                .into_iter()
                .next(),
            title: row.title,
            category: row.category_code,
            price_fen: row.min_price_fen,
            recommendation: row.recommendation,
            pinned: row.pinned,
        }
    }
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ItemListQuery {
    /// `next_cursor` of the previous page; absent for the first page.
    pub cursor: Option<String>,
    /// Items per page (default and maximum from `pagination` in the configuration).
    #[param(minimum = 1)]
    pub limit: Option<u32>,
    /// A category code; its subcategories match too.
    pub category: Option<String>,
    /// Words of the title (case-insensitive).
    pub q: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemPage {
    pub items: Vec<PublicItemView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSkuView {
    pub id: i64,
    /// e.g. `{"size": "500g"}`
    #[schema(value_type = Object)]
    pub attributes: serde_json::Value,
    pub price_fen: i64,
    pub in_stock: bool,
    /// Most units one buyer may buy, if limited.
    pub per_buyer_limit: Option<i32>,
}

/// An item page: the goods with its SKUs, the recommendation, and the shop around it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicItemDetail {
    #[serde(flatten)]
    pub item: PublicItemView,
    pub description: String,
    pub image_urls: Vec<String>,
    pub skus: Vec<PublicSkuView>,
    pub shop: PublicShopView,
}

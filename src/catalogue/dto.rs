use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::tiers::Tier;

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueSort {
    /// Highest commission rate in force first.
    Commission,
    PriceAsc,
    PriceDesc,
    #[default]
    Newest,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// A category code; its subcategories match too.
    pub category: Option<String>,
    /// Words of the title (case-insensitive).
    pub q: Option<String>,
    /// Lowest SKU price at least this (fen).
    pub min_price_fen: Option<i64>,
    pub max_price_fen: Option<i64>,
    /// Commission rate in force at least this (basis points).
    pub min_commission_bps: Option<i32>,
    pub max_commission_bps: Option<i32>,
    #[param(inline)]
    pub sort: Option<CatalogueSort>,
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1)]
    pub per_page: Option<u32>,
}

/// A scheduled commission change that is not in force yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpcomingCommission {
    pub commission_bps: i32,
    pub effective_at: DateTime<Utc>,
    /// What the shopkeeper will earn per sale at the lowest price from then on.
    pub earn_fen: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueItem {
    pub goods_id: i64,
    pub title: String,
    pub category: String,
    pub main_image_url: Option<String>,
    pub supplier_name: String,
    /// The lowest SKU price, in fen.
    pub price_fen: i64,
    /// The commission rate in force now.
    pub commission_bps: i32,
    /// What the shopkeeper earns per sale at the lowest price: commission plus their tier bonus.
    pub earn_fen: i64,
    /// The same, for display: "赚¥6.27".
    #[schema(example = "赚¥6.27")]
    pub earn_text: String,
    pub upcoming_commission: Option<UpcomingCommission>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CataloguePage {
    pub items: Vec<CatalogueItem>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
    /// The tier whose bonus the earnings include.
    pub tier: Tier,
    pub tier_bonus_bps: i32,
}

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{GoodsRow, SkuRow};
use super::rules;
use crate::money::{Bps, Fen};
use crate::suppliers::SupplierId;

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuInput {
    /// An existing SKU to update (PATCH only); absent for a new SKU.
    pub id: Option<i64>,
    /// e.g. {"colour": "red", "size": "M"}: at most 5, names of 1 to 20 characters, values of
    /// 1 to 50.
    #[validate(
        length(max = 5, code = "too_many", message = "at most 5 attributes"),
        custom(function = "rules::check_attributes")
    )]
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[validate(range(
        min = 1,
        max = 100_000_000_000i64,
        code = "out_of_range",
        message = "price_fen must be between 1 and 100000000000"
    ))]
    pub price_fen: i64,
    /// Initial stock of a new SKU (later: the stock endpoints).
    #[validate(range(
        min = 0,
        max = 1_000_000_000i64,
        code = "out_of_range",
        message = "stock must be between 0 and 1000000000"
    ))]
    #[serde(default)]
    pub stock: i64,
    #[validate(range(
        min = 1,
        max = 10_000,
        code = "out_of_range",
        message = "per_buyer_limit must be between 1 and 10000"
    ))]
    pub per_buyer_limit: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoodsRequest {
    #[validate(length(
        min = 1,
        max = 100,
        code = "length",
        message = "title must have 1 to 100 characters"
    ))]
    pub title: String,
    #[validate(length(
        max = 5000,
        code = "length",
        message = "description must have at most 5000 characters"
    ))]
    #[serde(default)]
    pub description: String,
    /// A category code from the configured tree.
    pub category: String,
    /// A brand the supplier holds a valid authorisation for; or give `voucher_reference`.
    #[validate(length(
        min = 1,
        max = 100,
        code = "length",
        message = "brand must have 1 to 100 characters"
    ))]
    pub brand: Option<String>,
    /// A procurement-voucher reference, for goods without brand authorisation.
    #[validate(length(
        min = 1,
        max = 100,
        code = "length",
        message = "voucher_reference must have 1 to 100 characters"
    ))]
    pub voucher_reference: Option<String>,
    /// https:// image URLs.
    pub image_urls: Vec<String>,
    #[validate(nested)]
    pub skus: Vec<SkuInput>,
    /// The same goods' price on other platforms, in fen: every SKU must cost at most this.
    #[validate(range(
        min = 1,
        max = 100_000_000_000i64,
        code = "out_of_range",
        message = "reference_price_fen must be positive"
    ))]
    pub reference_price_fen: i64,
    /// The commission the same goods pay on the open affiliate market, in basis points.
    #[validate(range(
        min = 0,
        max = 10_000,
        code = "out_of_range",
        message = "market_commission_bps must be between 0 and 10000"
    ))]
    pub market_commission_bps: i32,
    /// The commission offered here, in basis points (100 = 1%).
    #[validate(range(
        min = 0,
        max = 10_000,
        code = "out_of_range",
        message = "commission_bps must be between 0 and 10000"
    ))]
    pub commission_bps: i32,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoodsPatch {
    #[validate(length(
        min = 1,
        max = 100,
        code = "length",
        message = "title must have 1 to 100 characters"
    ))]
    pub title: Option<String>,
    #[validate(length(
        max = 5000,
        code = "length",
        message = "description must have at most 5000 characters"
    ))]
    pub description: Option<String>,
    pub image_urls: Option<Vec<String>>,
    #[validate(range(
        min = 1,
        max = 100_000_000_000i64,
        code = "out_of_range",
        message = "reference_price_fen must be positive"
    ))]
    pub reference_price_fen: Option<i64>,
    #[validate(range(
        min = 0,
        max = 10_000,
        code = "out_of_range",
        message = "market_commission_bps must be between 0 and 10000"
    ))]
    pub market_commission_bps: Option<i32>,
    /// SKUs to update (with `id`) or add (without). SKUs not named stay as they are.
    #[validate(nested)]
    pub skus: Option<Vec<SkuInput>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkuView {
    pub id: i64,
    pub attributes: BTreeMap<String, String>,
    pub price_fen: Fen,
    pub stock: i64,
    pub per_buyer_limit: Option<i32>,
    /// Send it back with an absolute stock update; a stale one gets 409.
    pub version: i64,
}

impl From<SkuRow> for SkuView {
    fn from(row: SkuRow) -> Self {
        Self {
            id: row.id,
            attributes: serde_json::from_str(&row.attributes).unwrap_or_default(),
            price_fen: Fen(row.price_fen),
            stock: row.stock,
            per_buyer_limit: row.per_buyer_limit,
            version: row.version,
        }
    }
}

/// A commission decrease waiting out its notice period.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpcomingCommission {
    pub commission_bps: Bps,
    pub effective_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GoodsView {
    pub id: i64,
    pub supplier_id: SupplierId,
    pub title: String,
    pub description: String,
    pub category: String,
    pub brand: Option<String>,
    pub voucher_reference: Option<String>,
    pub image_urls: Vec<String>,
    pub reference_price_fen: Fen,
    pub market_commission_bps: Bps,
    /// The rate in force now.
    pub commission_bps: Bps,
    pub upcoming_commission: Option<UpcomingCommission>,
    /// `draft`, `listed`, `delisted` or `taken_down`.
    pub status: String,
    /// Listed and its supplier active: buyers can order it.
    pub orderable: bool,
    pub takedown_reason: Option<String>,
    pub skus: Vec<SkuView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl GoodsView {
    pub fn new(
        row: GoodsRow,
        skus: Vec<SkuRow>,
        supplier_active: bool,
        now: NaiveDateTime,
    ) -> Self {
        let (commission, upcoming) = rules::commission_at(&row, now);
        Self {
            id: row.id,
            supplier_id: SupplierId(row.supplier_id),
            orderable: rules::is_available(row.status, supplier_active),
            title: row.title,
            description: row.description,
            category: row.category_code,
            brand: row.brand,
            voucher_reference: row.voucher_reference,
            image_urls: super::model::image_list(&row.image_urls),
            reference_price_fen: Fen(row.reference_price_fen),
            market_commission_bps: Bps(row.market_commission_bps),
            commission_bps: commission,
            upcoming_commission: upcoming.map(|(commission_bps, effective_at)| {
                UpcomingCommission {
                    commission_bps,
                    effective_at: effective_at.and_utc(),
                }
            }),
            status: row.status.to_string(),
            takedown_reason: row.takedown_reason,
            skus: skus.into_iter().map(SkuView::from).collect(),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GoodsFilter {
    /// `draft`, `listed`, `delisted` or `taken_down`; all when absent.
    pub status: Option<GoodsStatus>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

crate::text_enum! {
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum GoodsStatus {
        Draft = "draft",
        Listed = "listed",
        Delisted = "delisted",
        TakenDown = "taken_down",
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockSetRequest {
    #[validate(range(
        min = 0,
        max = 1_000_000_000i64,
        code = "out_of_range",
        message = "stock must be between 0 and 1000000000"
    ))]
    pub stock: i64,
    /// The SKU's `version` as last read.
    pub version: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockAdjustRequest {
    /// Added to the stock (negative removes); the stock never goes below zero.
    #[validate(range(min = -1_000_000_000i64, max = 1_000_000_000i64, code = "out_of_range", message = "delta is out of range"))]
    pub delta: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommissionRequest {
    /// The new rate in basis points. A rise applies now; a fall after the notice period.
    #[validate(range(
        min = 0,
        max = 10_000,
        code = "out_of_range",
        message = "commission_bps must be between 0 and 10000"
    ))]
    pub commission_bps: i32,
}

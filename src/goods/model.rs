use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::GoodsStatus;
use crate::db::schema::{goods, goods_skus};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = goods)]
pub struct GoodsRow {
    pub id: i64,
    pub supplier_id: i64,
    pub title: String,
    pub description: String,
    pub category_code: String,
    pub brand: Option<String>,
    pub voucher_reference: Option<String>,
    pub image_urls: String,
    pub reference_price_fen: i64,
    pub market_commission_bps: i32,
    pub commission_bps: i32,
    pub pending_commission_bps: Option<i32>,
    pub pending_commission_at: Option<NaiveDateTime>,
    pub status: GoodsStatus,
    pub takedown_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub min_price_fen: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = goods)]
pub struct NewGoods {
    pub supplier_id: i64,
    pub title: String,
    pub description: String,
    pub category_code: String,
    pub brand: Option<String>,
    pub voucher_reference: Option<String>,
    pub image_urls: String,
    pub reference_price_fen: i64,
    pub market_commission_bps: i32,
    pub commission_bps: i32,
    pub status: GoodsStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = goods)]
pub struct GoodsChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub image_urls: Option<String>,
    pub reference_price_fen: Option<i64>,
    pub market_commission_bps: Option<i32>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = goods_skus)]
pub struct SkuRow {
    pub id: i64,
    pub goods_id: i64,
    pub attributes: String,
    pub price_fen: i64,
    pub stock: i64,
    pub per_buyer_limit: Option<i32>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = goods_skus)]
pub struct NewSku {
    pub goods_id: i64,
    pub attributes: String,
    pub price_fen: i64,
    pub stock: i64,
    pub per_buyer_limit: Option<i32>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The image URLs of a goods row (stored as a JSON array), main image first.
pub fn image_list(image_urls: &str) -> Vec<String> {
    serde_json::from_str(image_urls).unwrap_or_default()
}

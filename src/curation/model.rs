use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::shop_items;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = shop_items)]
pub struct ShopItemRow {
    pub id: i64,
    pub shop_id: i64,
    pub goods_id: i64,
    pub recommendation: String,
    pub position: i64,
    pub pinned: bool,
    pub removed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = shop_items)]
pub struct NewShopItem {
    pub shop_id: i64,
    pub goods_id: i64,
    pub recommendation: String,
    pub position: i64,
    pub pinned: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = shop_items)]
pub struct ShopItemChanges {
    pub recommendation: Option<String>,
    pub position: Option<i64>,
    pub pinned: Option<bool>,
    pub updated_at: NaiveDateTime,
}

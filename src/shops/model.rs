use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{shops, verifications};
use crate::suppliers::dto::ApplicationStatus;

crate::text_enum! {
    /// open → closed (for good: a closed shop's rows stay for the record).
    pub enum ShopStatus {
        Open = "open",
        Closed = "closed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = verifications)]
pub struct VerificationRow {
    pub id: i64,
    pub member_id: i64,
    pub legal_name: String,
    pub id_number_masked: String,
    pub id_number_digest: String,
    pub status: ApplicationStatus,
    pub reject_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = verifications)]
pub struct NewVerification {
    pub member_id: i64,
    pub legal_name: String,
    pub id_number_masked: String,
    pub id_number_digest: String,
    pub status: ApplicationStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = shops)]
pub struct ShopRow {
    pub id: i64,
    pub owner_member_id: i64,
    pub shop_no: String,
    pub name: String,
    pub name_key: String,
    pub logo_url: Option<String>,
    pub description: String,
    pub status: ShopStatus,
    pub item_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = shops)]
pub struct NewShop {
    pub owner_member_id: i64,
    pub shop_no: String,
    pub name: String,
    pub name_key: String,
    pub logo_url: Option<String>,
    pub description: String,
    pub status: ShopStatus,
    pub item_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = shops)]
pub struct ShopChanges {
    pub name: Option<String>,
    pub name_key: Option<String>,
    pub logo_url: Option<Option<String>>,
    pub description: Option<String>,
    pub updated_at: NaiveDateTime,
}

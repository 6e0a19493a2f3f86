use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::members;

pub const STATUS_ACTIVE: &str = "active";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = members)]
pub struct MemberRow {
    pub id: i64,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub display_name: String,
    pub is_admin: bool,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub credit_score: Option<i32>,
    pub credit_score_updated_at: Option<NaiveDateTime>,
}

impl MemberRow {
    pub fn is_active(&self) -> bool {
        self.status == STATUS_ACTIVE
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = members)]
pub struct NewMember {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub display_name: String,
    pub is_admin: bool,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

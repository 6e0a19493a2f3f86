use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::members;

crate::text_enum! {
    /// A disabled account cannot sign in.
    pub enum MemberStatus {
        Active = "active",
        Disabled = "disabled",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = members)]
pub struct MemberRow {
    pub id: i64,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub display_name: String,
    pub is_admin: bool,
    pub status: MemberStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub credit_score: Option<i32>,
    pub credit_score_updated_at: Option<NaiveDateTime>,
}

impl MemberRow {
    pub fn is_active(&self) -> bool {
        self.status == MemberStatus::Active
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
    pub status: MemberStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

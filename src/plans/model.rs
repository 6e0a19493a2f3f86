use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{commission_plan_targets, commission_plans};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = commission_plans)]
pub struct PlanRow {
    pub id: i64,
    pub supplier_id: i64,
    pub name: String,
    pub commission_bps: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub suspended_until: Option<NaiveDateTime>,
    pub created_by_member_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl PlanRow {
    /// Whether new orders get the plan's rate at `at`.
    pub fn in_force(&self, at: NaiveDateTime) -> bool {
        self.starts_at <= at
            && at < self.ends_at
            && self.suspended_until.is_none_or(|until| until <= at)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = commission_plans)]
pub struct NewPlan<'a> {
    pub supplier_id: i64,
    pub name: &'a str,
    pub commission_bps: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub created_by_member_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = commission_plan_targets)]
pub struct TargetRow {
    pub plan_id: i64,
    pub shop_id: i64,
    pub goods_id: i64,
}

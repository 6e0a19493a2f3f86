use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::ApplicationStatus;
use crate::db::schema::{brand_authorisations, supplier_applications, supplier_members, suppliers};

crate::text_enum! {
    /// approved → exiting (the supplier asked to leave) → exited (its deposit refunded).
    pub enum SupplierStatus {
        Approved = "approved",
        Exiting = "exiting",
        Exited = "exited",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supplier_applications)]
pub struct ApplicationRow {
    pub id: i64,
    pub applicant_member_id: i64,
    pub company_name: String,
    pub credit_code: String,
    pub registered_capital_fen: i64,
    pub general_taxpayer: bool,
    pub contact_name: String,
    pub contact_phone: String,
    pub categories: String,
    pub brand_authorisations: String,
    pub procurement_vouchers: String,
    pub status: ApplicationStatus,
    pub reject_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = supplier_applications)]
pub struct NewApplication {
    pub applicant_member_id: i64,
    pub company_name: String,
    pub credit_code: String,
    pub registered_capital_fen: i64,
    pub general_taxpayer: bool,
    pub contact_name: String,
    pub contact_phone: String,
    pub categories: String,
    pub brand_authorisations: String,
    pub procurement_vouchers: String,
    pub status: ApplicationStatus,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = suppliers)]
pub struct SupplierRow {
    pub id: i64,
    pub application_id: i64,
    pub company_name: String,
    pub credit_code: String,
    pub categories: String,
    pub required_deposit_fen: i64,
    pub status: SupplierStatus,
    pub is_active: bool,
    pub exit_requested_at: Option<NaiveDateTime>,
    pub exit_due_at: Option<NaiveDateTime>,
    pub exited_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A supplier's business that can still move money, counted by kind: its exit waits for all
/// of it to close.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenBusiness {
    /// Supplier orders (parts) not yet closed.
    pub parts: i64,
    /// After-sales cases not yet final, disputes aside.
    pub cases: i64,
    /// Escalated cases the platform has not decided yet.
    pub disputes: i64,
}

impl OpenBusiness {
    pub fn is_closed(&self) -> bool {
        self.parts == 0 && self.cases == 0 && self.disputes == 0
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = suppliers)]
pub struct NewSupplier {
    pub application_id: i64,
    pub company_name: String,
    pub credit_code: String,
    pub categories: String,
    pub required_deposit_fen: i64,
    pub status: SupplierStatus,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = supplier_members)]
pub struct NewSupplierMember {
    pub member_id: i64,
    pub supplier_id: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = brand_authorisations)]
pub struct NewBrandAuthorisation {
    pub supplier_id: i64,
    pub brand: String,
    pub chain: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

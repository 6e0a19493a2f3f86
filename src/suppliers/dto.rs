use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{ApplicationRow, OpenBusiness, SupplierRow};
use super::SupplierId;
use crate::members::MemberId;
use crate::money::Fen;
use crate::pagination::Paginated;

#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[validate(length(
        min = 1,
        max = 50,
        code = "length",
        message = "name must have 1 to 50 characters"
    ))]
    pub name: String,
    #[validate(custom(function = "crate::members::rules::phone_format"))]
    pub phone: String,
}

/// A brand authorisation: who owns the brand and who authorised whom down to the supplier.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrandAuthorisationInput {
    #[validate(length(
        min = 1,
        max = 100,
        code = "length",
        message = "brand must have 1 to 100 characters"
    ))]
    pub brand: String,
    /// The authorisers from the brand owner down to (not including) the supplier: at most
    /// `suppliers.max_authorisation_chain` levels, each name of 1 to 100 characters.
    #[validate(length(max = 20, code = "too_long", message = "chain is too long"))]
    pub chain: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    #[validate(length(
        min = 2,
        max = 100,
        code = "length",
        message = "company_name must have 2 to 100 characters"
    ))]
    pub company_name: String,
    /// Unified social credit code (统一社会信用代码), 18 characters.
    #[schema(example = "91350100M000100Y43")]
    pub credit_code: String,
    /// Registered capital in fen (¥1 = 100).
    #[schema(example = 500_000_000)]
    pub registered_capital_fen: i64,
    /// A general VAT taxpayer (一般纳税人).
    pub general_taxpayer: bool,
    #[validate(nested)]
    pub contact: Contact,
    /// Category codes from the configured tree.
    #[validate(length(max = 50, code = "too_many", message = "at most 50 categories"))]
    pub categories: Vec<String>,
    #[validate(
        nested,
        length(max = 50, code = "too_many", message = "at most 50 authorisations")
    )]
    #[serde(default)]
    pub brand_authorisations: Vec<BrandAuthorisationInput>,
    /// References of procurement vouchers for unbranded goods, each of 1 to 100 characters.
    #[validate(length(max = 100, code = "too_many", message = "at most 100 vouchers"))]
    #[serde(default)]
    pub procurement_vouchers: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    pub id: i64,
    pub applicant: MemberId,
    pub company_name: String,
    pub credit_code: String,
    pub registered_capital_fen: Fen,
    pub general_taxpayer: bool,
    pub contact: Contact,
    pub categories: Vec<String>,
    pub brand_authorisations: Vec<BrandAuthorisationInput>,
    pub procurement_vouchers: Vec<String>,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub reject_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<ApplicationRow> for ApplicationView {
    fn from(row: ApplicationRow) -> Self {
        Self {
            id: row.id,
            applicant: MemberId(row.applicant_member_id),
            company_name: row.company_name,
            credit_code: row.credit_code,
            registered_capital_fen: Fen(row.registered_capital_fen),
            general_taxpayer: row.general_taxpayer,
            contact: Contact {
                name: row.contact_name,
                phone: row.contact_phone,
            },
            categories: serde_json::from_str(&row.categories).unwrap_or_default(),
            brand_authorisations: serde_json::from_str(&row.brand_authorisations)
                .unwrap_or_default(),
            procurement_vouchers: serde_json::from_str(&row.procurement_vouchers)
                .unwrap_or_default(),
            status: row.status.to_string(),
            reject_reason: row.reject_reason,
            decided_at: row.decided_at.map(|at| at.and_utc()),
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ApplicationFilter {
    /// `pending`, `approved` or `rejected`; all when absent.
    pub status: Option<ApplicationStatus>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

crate::text_enum! {
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum ApplicationStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SupplierFilter {
    /// Only active (true) or inactive (false) suppliers; all when absent.
    pub active: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[validate(length(
        min = 1,
        max = 500,
        code = "length",
        message = "reason must have 1 to 500 characters"
    ))]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierView {
    pub id: SupplierId,
    pub company_name: String,
    pub credit_code: String,
    pub categories: Vec<String>,
    /// `approved`, `exiting` or `exited`.
    pub status: String,
    /// Approved with its deposit at least the required one: may list goods, goods orderable.
    pub active: bool,
    pub required_deposit_fen: Fen,
    pub exit_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<SupplierRow> for SupplierView {
    fn from(row: SupplierRow) -> Self {
        Self {
            id: SupplierId(row.id),
            company_name: row.company_name,
            credit_code: row.credit_code,
            categories: serde_json::from_str(&row.categories).unwrap_or_default(),
            status: row.status.to_string(),
            active: row.is_active,
            required_deposit_fen: Fen(row.required_deposit_fen),
            exit_due_at: row.exit_due_at.map(|at| at.and_utc()),
            created_at: row.created_at.and_utc(),
        }
    }
}

/// One movement of the deposit, seen from the supplier: positive adds to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DepositEntryView {
    pub id: i64,
    /// `deposit_payment`, `deposit_deduction` or `deposit_refund`.
    pub kind: String,
    pub amount_fen: Fen,
    pub memo: String,
    pub reference: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepositView {
    pub supplier: SupplierView,
    pub balance_fen: Fen,
    pub required_fen: Fen,
    /// What must still be paid in to be active: owed deductions plus any gap to the required deposit.
    pub shortfall_fen: Fen,
    /// Deductions that exceeded the deposit, settled first by the next payment.
    pub owed_fen: Fen,
    /// While the supplier is exiting, what must close before the deposit is refunded (the refund
    /// comes with the first run of the exit job after the clearance period once all are 0);
    /// null otherwise.
    pub exit_held_by: Option<ExitHeldBy>,
    pub entries: Paginated<DepositEntryView>,
}

/// The supplier's business still open, by kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExitHeldBy {
    /// Supplier orders not yet final: unpaid, paid, shipped or received, or completed and still
    /// within the after-sales claim window.
    pub open_parts: i64,
    /// After-sales cases not yet final (a rejection counts while the buyer may escalate it).
    pub open_aftersales_cases: i64,
    /// Escalated cases the platform has not decided yet.
    pub open_disputes: i64,
}

impl From<OpenBusiness> for ExitHeldBy {
    fn from(open: OpenBusiness) -> Self {
        Self {
            open_parts: open.parts,
            open_aftersales_cases: open.cases,
            open_disputes: open.disputes,
        }
    }
}

/// An offline transfer received into a supplier's deposit, recorded by an admin.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepositPaymentRequest {
    #[validate(range(
        min = 1,
        max = 100_000_000_000i64,
        code = "out_of_range",
        message = "amount_fen must be between 1 and 100000000000"
    ))]
    pub amount_fen: i64,
    /// The bank transfer's reference: recording it twice records it once.
    #[validate(length(
        min = 1,
        max = 100,
        code = "length",
        message = "reference must have 1 to 100 characters"
    ))]
    pub reference: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeductionKind {
    Penalty,
    AftersalesCompensation,
}

/// A deduction from a supplier's deposit decided by the platform.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeductionRequest {
    #[validate(range(
        min = 1,
        max = 100_000_000_000i64,
        code = "out_of_range",
        message = "amount_fen must be between 1 and 100000000000"
    ))]
    pub amount_fen: i64,
    pub kind: DeductionKind,
    #[validate(length(
        min = 1,
        max = 500,
        code = "length",
        message = "reason must have 1 to 500 characters"
    ))]
    pub reason: String,
    /// The case (violation or after-sales case) it settles: one deduction per case.
    #[validate(length(
        min = 1,
        max = 100,
        code = "length",
        message = "case_reference must have 1 to 100 characters"
    ))]
    pub case_reference: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeductionView {
    pub deducted_fen: Fen,
    /// The part the deposit could not cover, now owed by the supplier.
    pub owed_fen: Fen,
    pub deposit: DepositView,
}

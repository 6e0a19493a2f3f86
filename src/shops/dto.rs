use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::{ShopRow, VerificationRow};
use crate::members::MemberId;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditScoreRequest {
    #[validate(range(
        min = super::rules::CREDIT_SCORE_MIN,
        max = super::rules::CREDIT_SCORE_MAX,
        code = "out_of_range",
        message = "score must be between 0 and 1000"
    ))]
    pub score: i32,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationRequest {
    #[validate(length(
        min = 1,
        max = 50,
        code = "length",
        message = "legal_name must have 1 to 50 characters"
    ))]
    pub legal_name: String,
    /// 18-character PRC resident ID number; stored only masked.
    #[schema(example = "11010519491231002X")]
    pub id_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationView {
    pub id: i64,
    pub member: MemberId,
    pub legal_name: String,
    /// The ID number is never returned in full.
    #[schema(example = "110***********002X")]
    pub id_number: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub reject_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<VerificationRow> for VerificationView {
    fn from(row: VerificationRow) -> Self {
        Self {
            id: row.id,
            member: MemberId(row.member_id),
            legal_name: row.legal_name,
            id_number: row.id_number_masked,
            status: row.status.to_string(),
            reject_reason: row.reject_reason,
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VerificationFilter {
    /// `pending`, `approved` or `rejected`; all when absent.
    pub status: Option<crate::suppliers::dto::ApplicationStatus>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenShopRequest {
    /// 2–30 characters (Unicode characters, not bytes); no word claiming brand status
    /// (flagship, official, …), also spelt with look-alike letters; no invisible or
    /// direction-changing characters (zero-width spaces, direction marks: 422
    /// `invisible_character`). Unique once case, width, spacing and punctuation are folded.
    #[schema(example = "阿明的零食铺")]
    pub name: String,
    #[validate(length(max = 1000, code = "too_long", message = "logo_url is too long"))]
    pub logo_url: Option<String>,
    #[validate(length(
        max = 500,
        code = "too_long",
        message = "description must have at most 500 characters"
    ))]
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShopPatch {
    /// The rules of a new shop's name.
    pub name: Option<String>,
    #[validate(length(max = 1000, code = "too_long", message = "logo_url is too long"))]
    pub logo_url: Option<String>,
    #[validate(length(
        max = 500,
        code = "too_long",
        message = "description must have at most 500 characters"
    ))]
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShopView {
    pub id: i64,
    /// Six digits: how buyers find the shop.
    #[schema(example = "318204")]
    pub shop_no: String,
    pub name: String,
    /// The name with the platform's suffix.
    pub display_name: String,
    pub logo_url: Option<String>,
    pub description: String,
    /// `open` or `closed`.
    pub status: String,
    pub item_count: i32,
    pub created_at: DateTime<Utc>,
}

impl ShopView {
    pub fn new(row: ShopRow, suffix: &str) -> Self {
        Self {
            id: row.id,
            display_name: format!("{}{suffix}", row.name),
            shop_no: row.shop_no,
            name: row.name,
            logo_url: row.logo_url,
            description: row.description,
            status: row.status.to_string(),
            item_count: row.item_count,
            created_at: row.created_at.and_utc(),
        }
    }
}

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::model::MemberRow;
use super::rules;
use super::{MemberId, Role};
use crate::passwords::password_policy;

/// A new account: an email or a phone number (or both), a password and a display name.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[validate(
        email(code = "invalid_format", message = "email is not a valid address"),
        length(
            max = 254,
            code = "too_long",
            message = "email is longer than 254 characters"
        )
    )]
    #[schema(example = "lin@example.cn")]
    pub email: Option<String>,
    #[validate(custom(function = "rules::phone_format"))]
    #[schema(example = "+8613800138000")]
    pub phone: Option<String>,
    /// 8 to 128 characters, mixing at least two of: lower case, upper case, digits, symbols.
    #[validate(custom(function = "password_policy"))]
    #[schema(example = "Passw0rd!")]
    pub password: String,
    /// 1 to 50 characters.
    #[validate(custom(function = "rules::display_name_rule"))]
    #[schema(example = "Lin")]
    pub display_name: String,
}

/// A member as they (or an admin) see themselves. Never carries the password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub id: MemberId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// `active` or `disabled`.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl MemberView {
    pub fn new(row: MemberRow, roles: Vec<Role>) -> Self {
        Self {
            id: MemberId(row.id),
            roles,
            email: row.email,
            phone: row.phone,
            display_name: row.display_name,
            status: row.status.to_string(),
            created_at: row.created_at.and_utc(),
        }
    }
}

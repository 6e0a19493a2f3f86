use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's email or phone number.
    #[validate(length(
        min = 1,
        max = 254,
        code = "length",
        message = "login must have 1 to 254 characters"
    ))]
    #[schema(example = "lin@example.cn")]
    pub login: String,
    #[validate(length(
        min = 1,
        max = 128,
        code = "length",
        message = "password must have 1 to 128 characters"
    ))]
    #[schema(example = "Passw0rd!")]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(
        min = 1,
        max = 256,
        code = "length",
        message = "refresh_token must have 1 to 256 characters"
    ))]
    pub refresh_token: String,
}

/// A fresh pair: use `access_token` as `Authorization: Bearer …`; trade `refresh_token` for a
/// new pair before the access token expires. Each refresh token works once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: u64,
}

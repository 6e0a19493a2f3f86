use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Alipay,
    Bank,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alipay => "alipay",
            Self::Bank => "bank",
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutAccountRequest {
    pub kind: AccountKind,
    /// Alipay login (phone or e-mail) or bank card number, 4 to 40 characters.
    pub number: String,
    /// The account holder's real name, 1 to 50 characters.
    pub holder: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRequest {
    /// At least `money.min_withdrawal_fen`, at most the available balance.
    pub amount_fen: Fen,
    pub account: PayoutAccountRequest,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WithdrawalView {
    pub id: i64,
    pub withdrawal_no: String,
    pub amount_fen: Fen,
    /// requested, paid or failed (the money went back to the balance).
    pub status: String,
    pub account_kind: String,
    /// The account number, all but its last four characters masked.
    pub account_no: String,
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

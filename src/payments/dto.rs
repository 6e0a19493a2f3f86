use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::money::Fen;

/// A payment to make through the gateway.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PaymentView {
    pub payment_no: String,
    pub order_id: i64,
    pub gateway: String,
    pub amount_fen: Fen,
    /// created, succeeded or refunded.
    pub status: String,
    /// What the app needs to pay, as the gateway defines it. Sandbox: `complete_url`, which
    /// the buyer POSTs to pay.
    #[schema(value_type = Object)]
    pub checkout: serde_json::Value,
}

/// What a gateway callback did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CallbackResult {
    /// applied, already_applied, or refunded (the order had been cancelled first).
    pub outcome: String,
}

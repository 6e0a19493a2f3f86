use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::money::Fen;
use crate::orders::case_state::CaseStatus;

crate::text_enum! {
    #[derive(Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum CaseKind {
        /// Money back without sending goods: before shipping, or for a parcel that never came.
        RefundOnly = "refund_only",
        /// Goods sent back, then money back: after shipping.
        ReturnRefund = "return_refund",
    }
}

/// Pieces of one line of the supplier order.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseLineRequest {
    pub order_line_id: i64,
    #[schema(minimum = 1)]
    pub quantity: i32,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    /// The supplier order (part of the order) concerned.
    pub supplier_order_id: i64,
    pub kind: CaseKind,
    pub lines: Vec<CaseLineRequest>,
    /// 2 to 500 characters.
    pub reason: String,
    /// https URLs of photos (at most `aftersales.max_images`).
    #[serde(default)]
    pub image_urls: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    /// For a return: whether the goods go back into stock when they arrive (default from
    /// `aftersales.restock_returns`).
    pub restock: Option<bool>,
    /// At most 500 characters.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why (2 to 500 characters); the buyer sees it and may escalate.
    pub note: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnShipmentRequest {
    /// One of `orders.carriers`.
    pub carrier: String,
    pub tracking_no: String,
}

/// Words and photos for the case (escalating, or evidence in a dispute).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRequest {
    /// 2 to 500 characters.
    pub text: String,
    #[serde(default)]
    pub image_urls: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The buyer is refunded: the case's pieces, or the `lines` given (a part of them).
    Refund,
    /// The supplier's rejection stands.
    Reject,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideRequest {
    pub decision: Decision,
    /// For a refund of part of the case: pieces of its lines (each at most what the case asks).
    pub lines: Option<Vec<CaseLineRequest>>,
    /// Compensation taken from the supplier's deposit (fen, default 0).
    pub compensation_fen: Option<Fen>,
    /// The reasons (2 to 500 characters), shown to both sides.
    pub note: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseLineView {
    pub order_line_id: i64,
    pub quantity: i32,
    pub amount_fen: Fen,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseMessageView {
    /// buyer, supplier, platform or system.
    pub party: String,
    /// What was done: requested, approved, approved_automatically, rejected, return_shipped,
    /// received_return, refunded_return_unconfirmed, closed_return_not_sent, escalated,
    /// evidence, decided_refund, decided_reject, withdrawn, closed.
    pub action: String,
    pub body: String,
    pub image_urls: Vec<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub case_no: String,
    pub order_id: i64,
    pub supplier_order_id: i64,
    pub supplier_id: i64,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub reason: String,
    pub image_urls: Vec<String>,
    /// What the case asks back (or, once refunded, what was refunded).
    pub refund_fen: Fen,
    pub restock: bool,
    pub return_carrier: Option<String>,
    pub return_tracking_no: Option<String>,
    pub supplier_note: Option<String>,
    /// Whoever acts next does so by then: the supplier answers (silence approves), the buyer
    /// sends an approved return back (else the case closes), the supplier confirms the return
    /// arrived (else the buyer is refunded).
    pub respond_by: DateTime<Utc>,
    /// A rejected case may be escalated until then.
    pub escalate_by: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub compensation_fen: Fen,
    pub lines: Vec<CaseLineView>,
    pub messages: Vec<CaseMessageView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// requested, awaiting_return, return_shipped, rejected, disputed, refunded or closed.
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1)]
    pub per_page: Option<u32>,
}

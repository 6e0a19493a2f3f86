use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::money::Fen;
use crate::orders::dto::{AddressView, OrderLineView};
use crate::orders::state::OrderStatus;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SupplierOrderQuery {
    /// pending_payment, paid, shipped, received, completed or cancelled.
    pub status: Option<String>,
    /// Placed on or after this day (UTC), YYYY-MM-DD.
    pub from: Option<NaiveDate>,
    /// Placed on or before this day (UTC), YYYY-MM-DD.
    pub to: Option<NaiveDate>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size (default and maximum from `pagination`).
    pub limit: Option<u32>,
}

/// The supplier's part of a buyer's order: what to ship, and where.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FulfilmentView {
    /// The supplier order's id (ship with it).
    pub id: i64,
    pub order_no: String,
    pub status: OrderStatus,
    pub total_fen: Fen,
    pub address: AddressView,
    pub note: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub lines: Vec<OrderLineView>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FulfilmentPage {
    pub items: Vec<FulfilmentView>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipRequest {
    /// One of `orders.carriers`, e.g. SF.
    #[schema(example = "SF")]
    pub carrier: String,
    #[schema(example = "SF1234567890")]
    pub tracking_no: String,
}

/// What happened to one row of a bulk-ship file.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BulkShipRow {
    /// Line number in the file (1 = first line).
    pub line: usize,
    pub supplier_order_id: Option<i64>,
    /// shipped, or error.
    pub outcome: String,
    /// The error's code: invalid_row, not_found, unknown_carrier, invalid_format, illegal_transition.
    pub code: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BulkShipReport {
    pub shipped: usize,
    pub failed: usize,
    pub rows: Vec<BulkShipRow>,
}

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::state::OrderStatus;
use crate::money::{Bps, Fen};

/// An order through one shop. Send it with an `Idempotency-Key` header: a retry with the same
/// key and body gets the first response again and orders nothing twice.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrderRequest {
    /// 1–50 lines, all items of one shop; two lines of one SKU are summed.
    pub lines: Vec<OrderLineRequest>,
    pub address: AddressRequest,
    /// For the supplier, at most 200 characters.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLineRequest {
    /// The shop item the buyer ordered through (this attributes the sale to the shop).
    pub shop_item_id: i64,
    /// A SKU of that item's goods.
    pub sku_id: i64,
    #[schema(minimum = 1, maximum = 999)]
    pub quantity: i32,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressRequest {
    /// Recipient, 1–30 characters.
    #[schema(example = "王小明")]
    pub name: String,
    /// Mainland mobile number, 11 digits.
    #[schema(example = "13812345678")]
    pub phone: String,
    /// Province, city and district, 2–100 characters.
    #[schema(example = "浙江省 杭州市 西湖区")]
    pub region: String,
    /// Street and number, 2–200 characters.
    #[schema(example = "文三路 100 号")]
    pub detail: String,
}

/// A buyer's order with its parts, lines and history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderView {
    pub id: i64,
    pub order_no: String,
    /// The least advanced state of its supplier orders.
    pub status: OrderStatus,
    pub shop_id: i64,
    pub total_fen: Fen,
    pub address: AddressView,
    pub note: Option<String>,
    /// Unpaid orders are cancelled at this time.
    pub payment_due_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// One per supplier: each ships its own part.
    pub parts: Vec<SupplierOrderView>,
    /// Every change of state, oldest first, starting with the placement.
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AddressView {
    pub name: String,
    pub phone: String,
    pub region: String,
    pub detail: String,
}

/// One supplier's part of an order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SupplierOrderView {
    pub id: i64,
    pub supplier_id: i64,
    pub status: OrderStatus,
    pub total_fen: Fen,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub lines: Vec<OrderLineView>,
}

/// A line as bought: its price and parties are those at placement.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderLineView {
    pub id: i64,
    pub shop_item_id: i64,
    pub goods_id: i64,
    pub sku_id: i64,
    pub title: String,
    pub sku_attributes: serde_json::Value,
    pub unit_price_fen: Fen,
    pub quantity: i32,
    pub amount_fen: Fen,
    /// Pieces refunded through after-sales (or a cancellation).
    pub refunded_quantity: i32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// The supplier order concerned; none for the whole order.
    pub supplier_order_id: Option<i64>,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    /// buyer, supplier, system, gateway or admin.
    pub actor: String,
    pub note: Option<String>,
}

/// A line as its shopkeeper sees it: what it earns.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopOrderLineView {
    pub id: i64,
    pub title: String,
    pub quantity: i32,
    pub amount_fen: Fen,
    pub commission_bps: Bps,
    /// The supplier's targeted plan this rate comes from, if any.
    pub commission_plan_id: Option<i64>,
    pub tier_bonus_bps: Bps,
    /// Commission plus the platform's tier bonus; 0 when `no_commission_reason` says why.
    pub earning_fen: Fen,
    /// `own_shop`: the shopkeeper bought from their own shop.
    pub no_commission_reason: Option<String>,
}

/// An order of the shop, as its shopkeeper sees it: the buyer masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopOrderView {
    pub id: i64,
    pub order_no: String,
    pub status: OrderStatus,
    pub total_fen: Fen,
    /// First character of the recipient's name, the rest masked.
    pub buyer_name: String,
    /// 138****5678.
    pub buyer_phone: String,
    /// Province, city and district; never the street address.
    pub region: String,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<ShopOrderLineView>,
}

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::money::{Bps, Fen};

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// 1 to 50 characters.
    pub name: String,
    /// 1 to 100 of the shops that sell the supplier's goods.
    pub shop_ids: Vec<i64>,
    /// 1 to 100 of the supplier's goods; the rate must be above each one's public rate.
    pub goods_ids: Vec<i64>,
    /// The exclusive rate, in basis points (at most `goods.commission_ceiling_bps`).
    pub commission_bps: Bps,
    /// When it starts (UTC; default now).
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends (UTC), after the start.
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendRequest {
    /// Days (default `plans.suspend_days`, 30).
    pub days: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanView {
    pub id: i64,
    pub name: String,
    pub commission_bps: Bps,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub suspended_until: Option<DateTime<Utc>>,
    /// Whether new orders get its rate now.
    pub in_force: bool,
    pub shop_ids: Vec<i64>,
    pub goods_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
}

/// A shop that sold the supplier's goods, with its last 90 days.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ShopkeeperSalesView {
    pub shop_id: i64,
    pub shop_name: String,
    pub shopkeeper_member_id: i64,
    /// Paid orders with the supplier's goods.
    pub orders_90d: i64,
    /// What those orders' lines of the supplier's goods came to.
    pub gmv_90d_fen: Fen,
    pub average_order_fen: Fen,
    /// Refunded share of the GMV, in basis points.
    pub refund_rate_bps: Bps,
}

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::money::Fen;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EarningsQuery {
    /// Days the daily series and the per-item figures cover, ending today (1 to 90, default 30).
    pub days: Option<u32>,
}

/// Earned on one item within the period (pieces not refunded).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ItemEarning {
    pub shop_item_id: i64,
    pub title: String,
    pub pieces: i64,
    pub earning_fen: Fen,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DayEarning {
    /// The day in the business time zone (Asia/Shanghai).
    pub date: NaiveDate,
    pub orders: i64,
    pub earning_fen: Fen,
}

/// A shopkeeper's earnings: commission and tier bonus, net of refunds.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EarningsView {
    /// Earned on orders paid today (business time zone).
    pub today_fen: Fen,
    /// Earned on orders paid this calendar month.
    pub this_month_fen: Fen,
    /// Waiting for the after-sales window to close.
    pub pending_fen: Fen,
    /// Settled and withdrawable (negative after a refund of settled commission).
    pub available_fen: Fen,
    /// Taken back by refunds, ever.
    pub reversed_fen: Fen,
    /// Per item, biggest first, over the period.
    pub items: Vec<ItemEarning>,
    /// One entry per day of the period, oldest first.
    pub days: Vec<DayEarning>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SupplierFinanceView {
    /// Paid sales of the supplier's goods, ever.
    pub sales_fen: Fen,
    /// Refunded of those.
    pub refunds_fen: Fen,
    /// Paid but not settled yet (net of refunds).
    pub unsettled_fen: Fen,
    /// Owed to the supplier for settled sales, net of commission and fee (withdrawable).
    pub payable_fen: Fen,
    /// The deposit the platform holds.
    pub deposit_fen: Fen,
    /// Owed to the platform after deductions beyond the deposit.
    pub owed_fen: Fen,
    /// Violations found against the supplier in the last 90 days.
    pub violations_90d: i64,
}

/// One of the platform's accounts, or a kind of party account summed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountTotal {
    /// An account code (platform/…), or a pattern for party accounts (shopkeeper/*/pending).
    pub account: String,
    pub balance_fen: Fen,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlatformFinanceView {
    /// Paid order lines, ever.
    pub gmv_fen: Fen,
    pub refunds_fen: Fen,
    /// Every platform account and every kind of party account, by its balance.
    pub accounts: Vec<AccountTotal>,
}

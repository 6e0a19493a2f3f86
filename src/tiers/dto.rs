use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::rules::MonthFigures;
use super::{Tier, TierCounts};
use crate::money::Bps;

/// One threshold of the next tier: what it needs, what the month has so far.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Requirement {
    /// gmv_fen, orders or buyers.
    pub figure: String,
    pub needed: i64,
    pub have: i64,
    /// How much is still missing (0 when met).
    pub missing: i64,
}

/// The latest decision about the shopkeeper.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TierDecisionView {
    /// The month whose figures decided it (YYYY-MM).
    pub month: String,
    pub tier: Tier,
    pub previous_tier: Option<Tier>,
    pub figures: MonthFigures,
    pub reason: String,
    /// From a monthly run, or an admin's override.
    pub source: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MyTierView {
    pub tier: Tier,
    /// The commission bonus the tier earns, in basis points of the commission.
    pub bonus_bps: Bps,
    pub last_decision: Option<TierDecisionView>,
    /// The month in progress (business time zone) and its figures so far.
    pub this_month: String,
    pub this_month_figures: MonthFigures,
    /// The tier above (none at Super) and what each of its thresholds still needs.
    pub next_tier: Option<Tier>,
    pub next_tier_needs: Vec<Requirement>,
    /// A refund rate above this blocks any rise.
    pub refund_rate_ceiling_bps: Bps,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TierRunView {
    pub id: i64,
    pub month: String,
    /// K/N.
    pub shard: String,
    /// running or done.
    pub status: String,
    pub holder: String,
    pub total: i64,
    pub processed: i64,
    pub promoted: i64,
    pub demoted: i64,
    pub unchanged: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Seconds from start to finish (or to the last checkpoint while running).
    pub duration_seconds: f64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TierDistributionView {
    pub rookie: i64,
    pub senior: i64,
    pub elite: i64,
    #[serde(rename = "super")]
    pub super_: i64,
}

impl From<TierCounts> for TierDistributionView {
    fn from(counts: TierCounts) -> Self {
        Self {
            rookie: counts[Tier::Rookie],
            senior: counts[Tier::Senior],
            elite: counts[Tier::Elite],
            super_: counts[Tier::Super],
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierOverrideRequest {
    pub tier: Tier,
    /// Why (2 to 500 characters); kept in the history and the audit trail.
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViolationRequest {
    /// A serious violation blocks any tier rise in its month.
    pub serious: bool,
    /// What happened (2 to 500 characters).
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ViolationView {
    pub id: i64,
    pub member_id: i64,
    pub serious: bool,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

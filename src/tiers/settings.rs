//! The tier engine's settings: each tier's thresholds and bonus, and when the engine runs.

use serde::Deserialize;

use super::Tier;
use crate::settings::{within, Checked, ConfigError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierSettings {
    pub bonus_bps: TierBonus,
    pub time_zone: chrono_tz::Tz,
    pub refund_rate_ceiling_bps: i32,
    pub max_fall_levels: u32,
    pub senior: TierThreshold,
    pub elite: TierThreshold,
    #[serde(rename = "super")]
    pub super_: TierThreshold,
    /// Day of the month and local time (HH:MM) the scheduler runs the month just ended.
    pub run_day: u32,
    pub run_at: String,
    pub batch_size: i64,
}

/// What a month's figures must reach for a tier.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierThreshold {
    pub gmv_fen: i64,
    pub orders: i64,
    pub buyers: i64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierBonus {
    pub rookie: i32,
    pub senior: i32,
    pub elite: i32,
    #[serde(rename = "super")]
    pub super_: i32,
}

impl TierSettings {
    /// Tier rules must rise with the tier: each threshold above the one below, each bonus at
    /// least the one below.
    pub fn validate(&self) -> Checked {
        let tiers = self;
        let with_thresholds: Vec<(Tier, &TierThreshold)> = Tier::ALL
            .iter()
            .filter_map(|tier| Some((*tier, tier.threshold(tiers)?)))
            .collect();
        for pair in with_thresholds.windows(2) {
            let ((lower_tier, lower), (tier, higher)) = (pair[0], pair[1]);
            for (figure, low, high) in [
                ("gmv_fen", lower.gmv_fen, higher.gmv_fen),
                ("orders", lower.orders, higher.orders),
                ("buyers", lower.buyers, higher.buyers),
            ] {
                if high <= low {
                    return Err(ConfigError::new(
                        &format!("tiers.{tier}.{figure}"),
                        format!("must be above tiers.{lower_tier}.{figure} ({low}): tiers rise"),
                    ));
                }
            }
        }
        if let Some((lowest, _)) = with_thresholds
            .iter()
            .find(|(_, t)| t.gmv_fen < 1 || t.orders < 1 || t.buyers < 1)
        {
            return Err(ConfigError::new(
                &format!("tiers.{lowest}"),
                "every threshold must be at least 1",
            ));
        }
        let bonuses: Vec<i32> = Tier::ALL
            .iter()
            .map(|tier| tier.bonus(&tiers.bonus_bps).0)
            .collect();
        if !(bonuses.windows(2).all(|pair| pair[0] <= pair[1])
            && bonuses.iter().all(|bonus| (0..=10_000).contains(bonus)))
        {
            return Err(ConfigError::new(
                "tiers.bonus_bps",
                "must not fall from rookie to super, and stay within 0..=10000",
            ));
        }
        within(
            "tiers.refund_rate_ceiling_bps",
            tiers.refund_rate_ceiling_bps,
            0..=10_000,
        )?;
        within("tiers.max_fall_levels", tiers.max_fall_levels, 1..=3)?;
        within("tiers.run_day", tiers.run_day, 1..=28)?;
        if chrono::NaiveTime::parse_from_str(&tiers.run_at, "%H:%M").is_err() {
            return Err(ConfigError::new("tiers.run_at", "must be a time HH:MM"));
        }
        within("tiers.batch_size", tiers.batch_size, 1..=100_000)
    }
}

//! Order settings: how long a buyer has to pay, when receipt is assumed, the carriers.

use serde::Deserialize;

use crate::money::Bps;
use crate::settings::{positive, Checked, ConfigError};
use crate::tiers::TierBonus;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSettings {
    pub payment_timeout_minutes: u32,
    pub auto_receive_days: u32,
    pub carriers: Vec<String>,
}

impl OrderSettings {
    pub fn validate(&self) -> Checked {
        positive(&[
            (
                "orders.payment_timeout_minutes",
                self.payment_timeout_minutes,
            ),
            ("orders.auto_receive_days", self.auto_receive_days),
        ])?;
        if self.carriers.is_empty() || self.carriers.iter().any(|c| c.trim().is_empty()) {
            return Err(ConfigError::new(
                "orders.carriers",
                "must list at least one carrier code, none empty",
            ));
        }
        Ok(())
    }
}

/// What placing an order needs from several sections: the payment window, the tier bonuses
/// and the platform fee that the order's lines freeze.
#[derive(Debug, Clone, Copy)]
pub struct PlacementTerms {
    pub payment_timeout_minutes: u32,
    pub tier_bonus: TierBonus,
    pub platform_fee: Bps,
}

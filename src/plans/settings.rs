//! Incentive plan settings.

use serde::Deserialize;

use crate::settings::{within, Checked};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSettings {
    pub suspend_days: u32,
}

impl PlanSettings {
    pub fn validate(&self) -> Checked {
        within("plans.suspend_days", self.suspend_days, 1..=365)
    }
}

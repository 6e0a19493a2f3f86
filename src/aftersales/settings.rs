//! After-sales deadlines and limits.

use serde::Deserialize;

use crate::settings::{positive, within, Checked};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AftersalesSettings {
    pub claim_window_days: u32,
    pub supplier_response_hours: u32,
    pub buyer_return_days: u32,
    pub supplier_receipt_days: u32,
    pub escalation_window_days: u32,
    pub restock_returns: bool,
    pub max_images: usize,
}

impl AftersalesSettings {
    /// How long after receipt a buyer may still open a case.
    pub fn claim_window(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.claim_window_days))
    }

    pub fn validate(&self) -> Checked {
        positive(&[
            (
                "aftersales.supplier_response_hours",
                self.supplier_response_hours,
            ),
            ("aftersales.buyer_return_days", self.buyer_return_days),
            (
                "aftersales.supplier_receipt_days",
                self.supplier_receipt_days,
            ),
            (
                "aftersales.escalation_window_days",
                self.escalation_window_days,
            ),
        ])?;
        within("aftersales.max_images", self.max_images, 1..=20)
    }
}

//! Shipping rules: carriers from configuration, tracking numbers, bulk file size.

use crate::error::FieldError;
use crate::orders::settings::OrderSettings;

/// Most rows one bulk-ship file may hold.
pub const BULK_MAX_ROWS: usize = 1_000;
/// Most rows one CSV export holds; narrower filters give the rest.
pub const EXPORT_MAX_ROWS: i64 = 10_000;

/// The carrier must be one of `orders.carriers`; the tracking number 4–40 letters, digits or
/// dashes (what couriers print).
pub fn check_shipment(
    settings: &OrderSettings,
    carrier: &str,
    tracking_no: &str,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !settings.carriers.iter().any(|c| c == carrier) {
        errors.push(FieldError::new(
            "carrier",
            "unknown_carrier",
            format!("carrier must be one of {}", settings.carriers.join(", ")),
        ));
    }
    let valid = (4..=40).contains(&tracking_no.len())
        && tracking_no
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid {
        errors.push(FieldError::new(
            "tracking_no",
            "invalid_format",
            "tracking_no must be 4 to 40 letters, digits or dashes",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriers_come_from_configuration_and_tracking_numbers_are_checked() {
        let settings = OrderSettings {
            payment_timeout_minutes: 30,
            auto_receive_days: 10,
            carriers: vec!["SF".into(), "ZTO".into()],
        };
        assert!(check_shipment(&settings, "SF", "SF1234567890").is_empty());
        let fields: Vec<String> = check_shipment(&settings, "UPS", "12")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["carrier", "tracking_no"]);
        assert_eq!(check_shipment(&settings, "ZTO", "AB 123").len(), 1);
    }
}

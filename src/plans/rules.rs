//! What a plan may be.

use chrono::NaiveDateTime;

use super::dto::PlanRequest;
use crate::error::{AppError, AppResult, FieldError};
use crate::goods::settings::GoodsSettings;

/// Most shops, and most goods, one plan names.
pub const MAX_TARGETS: usize = 100;

/// Checks the request on its own (422 naming every field at fault); the start, defaulted.
pub fn check(
    listing: &GoodsSettings,
    request: &PlanRequest,
    now: NaiveDateTime,
) -> AppResult<NaiveDateTime> {
    let mut errors = Vec::new();
    let name = request.name.trim().chars().count();
    if !(1..=50).contains(&name) {
        errors.push(FieldError::new(
            "name",
            "length",
            "name must have 1 to 50 characters",
        ));
    }
    for (field, ids) in [
        ("shop_ids", &request.shop_ids),
        ("goods_ids", &request.goods_ids),
    ] {
        let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
        if ids.is_empty() || ids.len() > MAX_TARGETS || distinct.len() != ids.len() {
            errors.push(FieldError::new(
                field,
                "length",
                format!("{field} names 1 to {MAX_TARGETS} distinct ids"),
            ));
        }
    }
    let ceiling = listing.commission_ceiling_bps;
    if !(1..=ceiling).contains(&request.commission_bps.0) {
        errors.push(FieldError::new(
            "commission_bps",
            "out_of_range",
            format!("commission_bps must be between 1 and {ceiling}"),
        ));
    }
    let starts_at = request.starts_at.unwrap_or(now.and_utc());
    if request.ends_at <= starts_at || request.ends_at <= now.and_utc() {
        errors.push(FieldError::new(
            "ends_at",
            "before_start",
            "ends_at must be after starts_at and in the future",
        ));
    }
    if errors.is_empty() {
        Ok(starts_at.naive_utc())
    } else {
        Err(AppError::Validation(errors))
    }
}

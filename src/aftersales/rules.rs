//! What an after-sales request may hold, and when each kind may be asked.

use chrono::{Duration, NaiveDateTime};

use super::dto::{CaseKind, CaseLineRequest};
use crate::aftersales::settings::AftersalesSettings;
use crate::error::{AppError, AppResult, FieldError};
use crate::orders::model::SupplierOrderRow;
use crate::orders::state::OrderStatus;

const TEXT_MIN_CHARS: usize = 2;
const TEXT_MAX_CHARS: usize = 500;
/// Most lines one case may name (an order holds at most 50).
const MAX_LINES: usize = 50;

/// A free-text field of 2 to 500 characters.
pub fn check_text(field: &str, text: &str) -> Option<FieldError> {
    let chars = text.trim().chars().count();
    (!(TEXT_MIN_CHARS..=TEXT_MAX_CHARS).contains(&chars)).then(|| {
        FieldError::new(
            field,
            "length",
            format!("{field} must have {TEXT_MIN_CHARS} to {TEXT_MAX_CHARS} characters"),
        )
    })
}

/// An optional free-text field: at most 500 characters.
pub fn check_optional_text(field: &str, text: Option<&str>) -> Option<FieldError> {
    text.filter(|text| text.trim().chars().count() > TEXT_MAX_CHARS)
        .map(|_| {
            FieldError::new(
                field,
                "length",
                format!("{field} must have at most {TEXT_MAX_CHARS} characters"),
            )
        })
}

/// Image URLs: https, and not too many.
pub fn check_images(
    settings: &AftersalesSettings,
    field: &str,
    urls: &[String],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if urls.len() > settings.max_images {
        errors.push(FieldError::new(
            field,
            "too_many",
            format!("at most {} images", settings.max_images),
        ));
    }
    errors.extend(urls.iter().enumerate().filter_map(|(i, url)| {
        crate::goods::rules::check_image_url(url, &format!("{field}[{i}]"))
    }));
    errors
}

/// Lines named once each, with at least one piece.
pub fn check_lines(field: &str, lines: &[CaseLineRequest]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if lines.is_empty() || lines.len() > MAX_LINES {
        errors.push(FieldError::new(
            field,
            "length",
            format!("name 1 to {MAX_LINES} lines"),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        if line.quantity < 1 {
            errors.push(FieldError::new(
                &format!("{field}[{i}].quantity"),
                "out_of_range",
                "quantity must be at least 1",
            ));
        }
        if !seen.insert(line.order_line_id) {
            errors.push(FieldError::new(
                &format!("{field}[{i}].order_line_id"),
                "duplicate",
                "each line once",
            ));
        }
    }
    errors
}

/// Whether the part may get a case of `kind` now: refund only from payment on (before shipping,
/// or a parcel that never came), a return once shipped; after receipt, within
/// `aftersales.claim_window_days`.
pub fn check_open(
    settings: &AftersalesSettings,
    part: &SupplierOrderRow,
    kind: CaseKind,
    now: NaiveDateTime,
) -> AppResult<()> {
    let status = part.status;
    let allowed = match kind {
        CaseKind::RefundOnly => matches!(
            status,
            OrderStatus::Paid
                | OrderStatus::Shipped
                | OrderStatus::Received
                | OrderStatus::Completed
        ),
        CaseKind::ReturnRefund => matches!(
            status,
            OrderStatus::Shipped | OrderStatus::Received | OrderStatus::Completed
        ),
    };
    if !allowed {
        return Err(AppError::Conflict {
            code: "aftersales_not_allowed",
            detail: format!(
                "the supplier order is {}; a {} case is not possible now",
                status.as_str(),
                kind.as_str()
            ),
        });
    }
    if let Some(received_at) = part.received_at {
        if now > received_at + Duration::days(i64::from(settings.claim_window_days)) {
            return Err(AppError::Conflict {
                code: "aftersales_window_closed",
                detail: format!(
                    "after-sales requests close {} days after receipt",
                    settings.claim_window_days
                ),
            });
        }
    }
    Ok(())
}

pub fn join_errors(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

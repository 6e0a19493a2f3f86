//! Order rules: what a placement request may hold, addresses, order numbers, commission.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use rand::Rng;

use super::dto::{AddressRequest, PlaceOrderRequest};
use crate::error::{AppError, AppResult, FieldError};
use crate::money::{Bps, Fen};

/// Most lines one order may hold.
pub const MAX_LINES: usize = 50;
/// Most pieces of one SKU in one line.
pub const MAX_QUANTITY: i32 = 999;
pub const NOTE_MAX_CHARS: usize = 200;
const NAME_MAX_CHARS: usize = 30;
const REGION_MAX_CHARS: usize = 100;
const DETAIL_MAX_CHARS: usize = 200;

/// Checks everything a request can be refused for before the database is asked: every field
/// at fault is named (422). Returns the quantity wanted per SKU (two lines of one SKU summed),
/// in SKU order, which is also the order stock is taken in (no deadlocks between orders).
pub fn check_request(request: &PlaceOrderRequest) -> AppResult<BTreeMap<i64, i64>> {
    let mut errors = Vec::new();
    if request.lines.is_empty() || request.lines.len() > MAX_LINES {
        errors.push(FieldError::new(
            "lines",
            "length",
            format!("an order has 1 to {MAX_LINES} lines"),
        ));
    }
    let mut wanted: BTreeMap<i64, i64> = BTreeMap::new();
    for (i, line) in request.lines.iter().enumerate() {
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            errors.push(FieldError::new(
                &format!("lines[{i}].quantity"),
                "out_of_range",
                format!("quantity must be between 1 and {MAX_QUANTITY}"),
            ));
        }
        *wanted.entry(line.sku_id).or_default() += i64::from(line.quantity);
    }
    errors.extend(check_address(&request.address));
    if let Some(note) = &request.note {
        if note.chars().count() > NOTE_MAX_CHARS {
            errors.push(FieldError::new(
                "note",
                "too_long",
                format!("the note has at most {NOTE_MAX_CHARS} characters"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(wanted)
    } else {
        Err(AppError::Validation(errors))
    }
}

fn check_address(address: &AddressRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &str, min: usize, max: usize| {
        let chars = value.trim().chars().count();
        if chars < min || chars > max || value.chars().any(char::is_control) {
            errors.push(FieldError::new(
                field,
                "length",
                format!("{field} must have {min} to {max} characters, no control characters"),
            ));
        }
    };
    text("address.name", &address.name, 1, NAME_MAX_CHARS);
    text("address.region", &address.region, 2, REGION_MAX_CHARS);
    text("address.detail", &address.detail, 2, DETAIL_MAX_CHARS);
    if !is_mainland_mobile(address.phone.trim()) {
        errors.push(FieldError::new(
            "address.phone",
            "invalid_format",
            "phone must be an 11-digit mainland China mobile number (1[3-9]xxxxxxxxx)",
        ));
    }
    errors
}

/// Couriers call a mainland mobile number: 11 digits starting 13–19.
fn is_mainland_mobile(phone: &str) -> bool {
    let bytes = phone.as_bytes();
    bytes.len() == 11
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
        && bytes.iter().all(u8::is_ascii_digit)
}

/// A human-friendly order number: the day and 10 random digits, e.g. `261126-4820193712`.
/// Unique in the database; a clash is retried by the caller.
pub fn new_order_no(now: NaiveDateTime) -> String {
    format!(
        "{}-{:010}",
        now.format("%y%m%d"),
        rand::rngs::OsRng.gen_range(0..10_000_000_000_u64)
    )
}

/// What a line earns its shopkeeper: nothing when the buyer is the shopkeeper (recorded, so
/// the order shows why), else the commission and the platform's tier bonus on it.
pub fn line_commission(
    amount: Fen,
    rate: Bps,
    tier_bonus: Bps,
    own_shop: bool,
) -> (Fen, Fen, Option<&'static str>) {
    if own_shop {
        return (Fen(0), Fen(0), Some(NO_COMMISSION_OWN_SHOP));
    }
    let (commission, bonus) = crate::goods::rules::commission_and_bonus(amount, rate, tier_bonus);
    (commission, bonus, None)
}

pub const NO_COMMISSION_OWN_SHOP: &str = "own_shop";

/// Masks a phone number for the shopkeeper's view: 138****5678.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..3], &chars[chars.len() - 4..]);
    format!(
        "{}****{}",
        head.iter().collect::<String>(),
        tail.iter().collect::<String>()
    )
}

/// Masks a recipient's name: the first character and stars.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::dto::OrderLineRequest;
    use crate::orders::rules;

    fn request(lines: Vec<(i64, i64, i32)>) -> PlaceOrderRequest {
        PlaceOrderRequest {
            lines: lines
                .into_iter()
                .map(|(shop_item_id, sku_id, quantity)| OrderLineRequest {
                    shop_item_id,
                    sku_id,
                    quantity,
                })
                .collect(),
            address: AddressRequest {
                name: "王小明".into(),
                phone: "13812345678".into(),
                region: "浙江省 杭州市 西湖区".into(),
                detail: "文三路 100 号".into(),
            },
            note: None,
        }
    }

    fn fields(error: AppError) -> Vec<String> {
        match error {
            AppError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn lines_of_one_sku_are_summed() {
        let wanted = check_request(&request(vec![(1, 7, 2), (2, 5, 1), (1, 7, 3)])).unwrap();
        assert_eq!(wanted.into_iter().collect::<Vec<_>>(), vec![(5, 1), (7, 5)]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = request(vec![(1, 7, 0), (1, 8, rules::MAX_QUANTITY + 1)]);
        bad.address.phone = "12345".into();
        bad.address.name = " ".into();
        bad.note = Some("长".repeat(NOTE_MAX_CHARS + 1));
        assert_eq!(
            fields(check_request(&bad).unwrap_err()),
            [
                "lines[0].quantity",
                "lines[1].quantity",
                "address.name",
                "address.phone",
                "note"
            ]
        );
        assert_eq!(
            fields(check_request(&request(vec![])).unwrap_err()),
            ["lines"]
        );
    }

    #[test]
    fn own_shop_orders_earn_nothing_and_say_why() {
        assert_eq!(
            line_commission(Fen(10_000), Bps(2_000), Bps(500), false),
            (Fen(2_000), Fen(100), None)
        );
        assert_eq!(
            line_commission(Fen(10_000), Bps(2_000), Bps(500), true),
            (Fen(0), Fen(0), Some("own_shop"))
        );
    }

    #[test]
    fn masks_hide_the_middle() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("A"), "A*");
    }

    #[test]
    fn order_numbers_carry_the_day() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let no = new_order_no(now);
        assert!(no.starts_with("261126-") && no.len() == 17, "{no}");
    }
}

//! Goods rules: price and commission parity, images, and when a commission change applies.

use chrono::{Duration, NaiveDateTime};

use super::dto::GoodsStatus;
use super::model::GoodsRow;
use super::settings::GoodsSettings;
use crate::error::FieldError;
use crate::money::{Bps, Fen};

/// Commission parity: at least the platform floor and the market rate the supplier declares
/// for the same goods, at most the platform ceiling.
pub fn check_commission(
    settings: &GoodsSettings,
    market: Bps,
    rate: Bps,
    field: &str,
) -> Option<FieldError> {
    let goods = settings;
    if rate.0 < goods.commission_floor_bps {
        Some(FieldError::new(
            field,
            "below_floor",
            format!(
                "commission must be at least {} bps (platform floor)",
                goods.commission_floor_bps
            ),
        ))
    } else if rate < market {
        Some(FieldError::new(
            field,
            "below_market_rate",
            format!(
                "commission must be at least the declared market rate of {} bps",
                market.0
            ),
        ))
    } else if rate.0 > goods.commission_ceiling_bps {
        Some(FieldError::new(
            field,
            "above_ceiling",
            format!(
                "commission must be at most {} bps",
                goods.commission_ceiling_bps
            ),
        ))
    } else {
        None
    }
}

/// Price parity: never dearer here than the declared price on other platforms.
pub fn check_price(price_fen: i64, reference_price_fen: i64, field: &str) -> Option<FieldError> {
    (price_fen > reference_price_fen).then(|| {
        FieldError::new(
            field,
            "above_reference_price",
            "the price must not exceed the declared price on other platforms",
        )
    })
}

pub const ATTRIBUTE_NAME_MAX_CHARS: usize = 20;
pub const ATTRIBUTE_VALUE_MAX_CHARS: usize = 50;

/// A SKU's attributes (`{"colour": "red"}`): names of 1 to 20 characters, values of 1 to 50.
pub fn check_attributes(
    attributes: &std::collections::BTreeMap<String, String>,
) -> Result<(), validator::ValidationError> {
    let fits = |text: &str, max: usize| (1..=max).contains(&text.trim().chars().count());
    if attributes.iter().all(|(name, value)| {
        fits(name, ATTRIBUTE_NAME_MAX_CHARS) && fits(value, ATTRIBUTE_VALUE_MAX_CHARS)
    }) {
        Ok(())
    } else {
        let (names, values) = (ATTRIBUTE_NAME_MAX_CHARS, ATTRIBUTE_VALUE_MAX_CHARS);
        Err(validator::ValidationError::new("length").with_message(
            format!("attribute names have 1 to {names} characters, values 1 to {values}").into(),
        ))
    }
}

/// Image URLs: https only, well formed, never fetched by the server.
pub fn check_image_url(url: &str, field: &str) -> Option<FieldError> {
    let valid = url.len() <= 1000
        && url
            .strip_prefix("https://")
            .and_then(|rest| rest.split(['/', '?', '#']).next())
            .is_some_and(|host| {
                !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
            })
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (!valid).then(|| {
        FieldError::new(
            field,
            "https_required",
            "image URLs must be well-formed https:// URLs",
        )
    })
}

/// A supplier's new rate for goods whose rate in force is `current`: a rise applies at once (and
/// cancels a scheduled fall); a fall waits out `goods.commission_fall_notice_days`, the current
/// rate staying in force until then. The rate in force from `now`, and the fall scheduled.
pub fn schedule_commission(
    settings: &GoodsSettings,
    current: Bps,
    rate: Bps,
    now: NaiveDateTime,
) -> (Bps, Option<(Bps, NaiveDateTime)>) {
    if rate >= current {
        (rate, None)
    } else {
        let notice = Duration::days(i64::from(settings.commission_fall_notice_days));
        (current, Some((rate, now + notice)))
    }
}

/// The latest time a scheduled change may be due at and be in force at `now`: a change takes
/// over from its own moment on. The one statement of when; [`rate_at`] compares a change's
/// time with it, and a query over many goods binds it (`catalogue::repo`), so that filters,
/// sorts and orders agree on the rate in force.
pub fn in_force_cutoff(now: NaiveDateTime) -> NaiveDateTime {
    now
}

/// The rate in force at `now`, and a scheduled change not yet in force.
pub fn commission_at(goods: &GoodsRow, now: NaiveDateTime) -> (Bps, Option<(Bps, NaiveDateTime)>) {
    rate_at(
        goods.commission_bps,
        goods.pending_commission_bps,
        goods.pending_commission_at,
        now,
    )
}

/// [`commission_at`] from the goods' three commission columns.
pub fn rate_at(
    current: i32,
    pending: Option<i32>,
    pending_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> (Bps, Option<(Bps, NaiveDateTime)>) {
    match (pending, pending_at) {
        (Some(pending), Some(at)) if at <= in_force_cutoff(now) => (Bps(pending), None),
        (Some(pending), Some(at)) => (Bps(current), Some((Bps(pending), at))),
        _ => (Bps(current), None),
    }
}

/// Goods can be sold (added to shops, ordered) only while listed by an active supplier.
pub fn is_available(status: GoodsStatus, supplier_active: bool) -> bool {
    status == GoodsStatus::Listed && supplier_active
}

/// What a shopkeeper earns on a sale of `amount`: the goods' commission, plus the tier bonus
/// (a share of that commission, paid by the platform).
pub fn shopkeeper_earning(amount: Fen, rate: Bps, tier_bonus: Bps) -> Fen {
    let (commission, bonus) = commission_and_bonus(amount, rate, tier_bonus);
    Fen(commission.0 + bonus.0)
}

/// The two parts of [`shopkeeper_earning`]: the supplier's commission and the platform's bonus.
pub fn commission_and_bonus(amount: Fen, rate: Bps, tier_bonus: Bps) -> (Fen, Fen) {
    let commission = amount.times(rate);
    (commission, commission.times(tier_bonus))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tier_bonus_is_a_share_of_the_commission() {
        // ¥29.90 at 20% is ¥5.98; Senior's +5% of that is 29.9 fen, rounded down.
        assert_eq!(shopkeeper_earning(Fen(2990), Bps(2000), Bps(0)), Fen(598));
        assert_eq!(shopkeeper_earning(Fen(2990), Bps(2000), Bps(500)), Fen(627));
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_rise_applies_at_once_and_a_fall_after_the_notice_period() {
        let settings: GoodsSettings = crate::settings::defaults("goods");
        let days = i64::from(settings.commission_fall_notice_days);
        let now = at("2026-11-02 10:00");
        let rise = schedule_commission(&settings, Bps(1500), Bps(1800), now);
        assert_eq!(rise, (Bps(1800), None));
        let fall = schedule_commission(&settings, Bps(1800), Bps(1500), now);
        assert_eq!(
            fall,
            (Bps(1800), Some((Bps(1500), now + Duration::days(days))))
        );
        assert_eq!(
            schedule_commission(&settings, Bps(1500), Bps(1500), now),
            (Bps(1500), None)
        );
    }

    #[test]
    fn a_scheduled_rate_is_in_force_from_its_own_moment_on() {
        let due = at("2026-11-09 10:00");
        let rates = |now| rate_at(1800, Some(1500), Some(due), now);
        assert_eq!(
            rates(at("2026-11-09 09:59")),
            (Bps(1800), Some((Bps(1500), due)))
        );
        assert_eq!(rates(due), (Bps(1500), None));
        assert_eq!(rates(at("2026-12-01 00:00")), (Bps(1500), None));
        assert_eq!(rate_at(1800, None, None, due), (Bps(1800), None));
        assert!(due <= in_force_cutoff(due));
    }

    #[test]
    fn sku_attribute_names_and_values_are_bounded() {
        let attributes = |name: &str, value: &str| [(name.to_owned(), value.to_owned())].into();
        assert!(check_attributes(&attributes(&"色".repeat(20), &"红".repeat(50))).is_ok());
        assert!(check_attributes(&attributes(&"色".repeat(21), "红")).is_err());
        assert!(check_attributes(&attributes("色", &"红".repeat(51))).is_err());
        assert!(check_attributes(&attributes("色", " ")).is_err());
    }

    #[test]
    fn image_urls_must_be_https() {
        assert!(check_image_url("https://img.example.cn/a.jpg", "f").is_none());
        for bad in [
            "http://img.example.cn/a.jpg",
            "https://",
            "https:///a.jpg",
            "ftp://x/y",
            "https://a b/c",
            "javascript:alert(1)",
        ] {
            assert!(check_image_url(bad, "f").is_some(), "{bad}");
        }
    }
}

//! Curation rules: the item cap, recommendation texts, bulk size.

use crate::config::ShopSettings;
use crate::error::FieldError;

pub const RECOMMENDATION_MIN_CHARS: usize = 1;
pub const RECOMMENDATION_MAX_CHARS: usize = 500;
/// Most goods one bulk request may add (all or none of them are added).
pub const BULK_MAX_ITEMS: usize = 100;

/// The cap on items per shop (`shops.max_items_per_shop`, 1,000 by default). It is enforced
/// atomically by `repo::reserve_slots`, which moves the shop's item count only while the
/// result stays within this cap, so parallel adds can never pass it.
pub fn item_cap(settings: &ShopSettings) -> i32 {
    settings.max_items_per_shop
}

/// A recommendation text: 1–500 characters, stored as given (escaped wherever rendered).
pub fn check_recommendation(text: &str, field: &str) -> Option<FieldError> {
    let chars = text.trim().chars().count();
    (!(RECOMMENDATION_MIN_CHARS..=RECOMMENDATION_MAX_CHARS).contains(&chars)
        || text.chars().count() > RECOMMENDATION_MAX_CHARS)
        .then(|| {
            FieldError::new(
                field,
                "length",
                format!(
                    "the recommendation must have {RECOMMENDATION_MIN_CHARS} to {RECOMMENDATION_MAX_CHARS} characters"
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recommendations_are_one_to_five_hundred_characters() {
        assert!(check_recommendation("好吃", "f").is_none());
        assert!(check_recommendation(&"芒".repeat(500), "f").is_none());
        assert!(check_recommendation(&"芒".repeat(501), "f").is_some());
        assert!(check_recommendation("   ", "f").is_some());
        assert!(check_recommendation("", "f").is_some());
    }
}

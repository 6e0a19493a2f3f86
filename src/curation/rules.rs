//! Curation rules: the item cap, recommendation texts, bulk size.

use super::repo;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError};
use crate::shops::settings::ShopSettings;

pub const RECOMMENDATION_MIN_CHARS: usize = 1;
pub const RECOMMENDATION_MAX_CHARS: usize = 500;
/// Most goods one bulk request may add (all or none of them are added).
pub const BULK_MAX_ITEMS: usize = 100;

/// Takes `count` item slots of the shop, or 409 `shop_full` if that would pass the cap on items
/// per shop (`shops.max_items_per_shop`). The cap goes to `repo::reserve_slots` as a bind: it
/// moves the shop's item count only while the result stays within it, so parallel adds can
/// never pass it.
pub fn take_item_slots(
    conn: &mut DbConn,
    settings: &ShopSettings,
    shop_id: i64,
    count: usize,
) -> AppResult<()> {
    let cap = settings.max_items_per_shop;
    let count = i32::try_from(count).unwrap_or(i32::MAX);
    if repo::reserve_slots(conn, shop_id, count, cap)? {
        Ok(())
    } else {
        Err(AppError::Conflict {
            code: "shop_full",
            detail: format!("a shop holds at most {cap} items; remove some first"),
        })
    }
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
    fn slots_are_taken_up_to_the_cap_and_no_further() {
        use crate::db::schema::{members, shops};
        use diesel::prelude::*;
        let mut conn =
            DbConn::Sqlite(SqliteConnection::establish(":memory:").expect("an in-memory database"));
        crate::db::migrations::run_pending(&mut conn).expect("migrations");
        let mut settings: ShopSettings = crate::settings::defaults("shops");
        settings.max_items_per_shop = 3;
        let now = chrono::NaiveDateTime::default();
        let owner: i64 = diesel::insert_into(members::table)
            .values(crate::members::model::NewMember {
                email: Some("k@b.cn".to_owned()),
                phone: None,
                password_hash: String::new(),
                display_name: "k".to_owned(),
                is_admin: false,
                status: crate::members::model::MemberStatus::Active,
                created_at: now,
                updated_at: now,
            })
            .returning(members::id)
            .get_result(&mut conn)
            .unwrap();
        let shop_id: i64 = diesel::insert_into(shops::table)
            .values(crate::shops::model::NewShop {
                owner_member_id: owner,
                shop_no: "100001".to_owned(),
                name: "阿明的零食铺".to_owned(),
                name_key: "阿明的零食铺".to_owned(),
                logo_url: None,
                description: String::new(),
                status: crate::shops::model::ShopStatus::Open,
                item_count: 0,
                created_at: now,
                updated_at: now,
            })
            .returning(shops::id)
            .get_result(&mut conn)
            .unwrap();
        assert!(take_item_slots(&mut conn, &settings, shop_id, 2).is_ok());
        let full = take_item_slots(&mut conn, &settings, shop_id, 2).unwrap_err();
        assert!(
            matches!(full, AppError::Conflict { code: "shop_full", ref detail } if detail.contains("at most 3")),
            "{full:?}"
        );
        assert!(take_item_slots(&mut conn, &settings, shop_id, 1).is_ok());
        assert!(take_item_slots(&mut conn, &settings, shop_id, 1).is_err());
    }

    #[test]
    fn recommendations_are_one_to_five_hundred_characters() {
        assert!(check_recommendation("好吃", "f").is_none());
        assert!(check_recommendation(&"芒".repeat(500), "f").is_none());
        assert!(check_recommendation(&"芒".repeat(501), "f").is_some());
        assert!(check_recommendation("   ", "f").is_some());
        assert!(check_recommendation("", "f").is_some());
    }
}

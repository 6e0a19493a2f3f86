use super::dto::{CatalogueItem, CataloguePage, CatalogueQuery, CatalogueSort, UpcomingCommission};
use super::repo::{self, Filter, Sort};
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError};
use crate::goods::rules::{rate_at, shopkeeper_earning};
use crate::members::MemberId;
use crate::money::Fen;
use crate::pagination::PageQuery;
use crate::pagination::PaginationSettings;
use crate::tiers::TierBonus;

pub fn browse(
    conn: &mut DbConn,
    pages: &PaginationSettings,
    bonuses: &TierBonus,
    member: MemberId,
    query: CatalogueQuery,
    now: chrono::NaiveDateTime,
) -> AppResult<CataloguePage> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve(pages)?;
    let mut errors = Vec::new();
    let mut range = |min: Option<i64>, max: Option<i64>, field: &str| {
        if min.is_some_and(|v| v < 0) || max.is_some_and(|v| v < 0) {
            errors.push(FieldError::new(
                field,
                "out_of_range",
                "must not be negative",
            ));
        } else if let (Some(min), Some(max)) = (min, max) {
            if min > max {
                errors.push(FieldError::new(
                    field,
                    "empty_range",
                    "the minimum is above the maximum",
                ));
            }
        }
    };
    range(query.min_price_fen, query.max_price_fen, "min_price_fen");
    range(
        query.min_commission_bps.map(i64::from),
        query.max_commission_bps.map(i64::from),
        "min_commission_bps",
    );
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let filter = Filter {
        category: query.category.filter(|c| !c.trim().is_empty()),
        keyword: query.q.filter(|q| !q.trim().is_empty()),
        min_price_fen: query.min_price_fen,
        max_price_fen: query.max_price_fen,
        min_commission_bps: query.min_commission_bps,
        max_commission_bps: query.max_commission_bps,
    };
    let sort = match query.sort.unwrap_or_default() {
        CatalogueSort::Commission => Sort::CommissionDesc,
        CatalogueSort::PriceAsc => Sort::PriceAsc,
        CatalogueSort::PriceDesc => Sort::PriceDesc,
        CatalogueSort::Newest => Sort::Newest,
    };
    let tier = crate::tiers::current(conn, member)?;
    let bonus = tier.bonus(bonuses);
    let (rows, total) = repo::search(conn, &filter, sort, page, now)?;
    let items = rows
        .into_iter()
        .map(|row| {
            let price = Fen(row.min_price_fen);
            let (rate, upcoming) = rate_at(
                row.commission_bps,
                row.pending_commission_bps,
                row.pending_commission_at,
                now,
            );
            let earn = shopkeeper_earning(price, rate, bonus);
            CatalogueItem {
                goods_id: row.id,
                main_image_url: crate::goods::model::image_list(&row.image_urls)
                    .into_iter()
                    .next(),
                title: row.title,
                category: row.category_code,
                supplier_name: row.supplier_name,
                price_fen: price.0,
                commission_bps: rate.0,
                earn_fen: earn.0,
                earn_text: format!("赚{}", earn.yuan_display()),
                upcoming_commission: upcoming.map(|(rate, at)| UpcomingCommission {
                    commission_bps: rate.0,
                    effective_at: at.and_utc(),
                    earn_fen: shopkeeper_earning(price, rate, bonus).0,
                }),
                created_at: row.created_at.and_utc(),
            }
        })
        .collect();
    Ok(CataloguePage {
        items,
        page: page.number,
        per_page: page.size,
        total,
        tier,
        tier_bonus_bps: bonus.0,
    })
}

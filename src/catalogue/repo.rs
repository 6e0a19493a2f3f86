//! The catalogue query.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{goods, suppliers};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::goods::dto::GoodsStatus;
use crate::goods::repo::{in_category, title_contains};
use crate::goods::rules::in_force_cutoff;
use crate::pagination::Page;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    CommissionDesc,
    PriceAsc,
    PriceDesc,
    Newest,
}

#[derive(Debug, Default)]
pub struct Filter {
    pub category: Option<String>,
    pub keyword: Option<String>,
    pub min_price_fen: Option<i64>,
    pub max_price_fen: Option<i64>,
    pub min_commission_bps: Option<i32>,
    pub max_commission_bps: Option<i32>,
}

#[derive(Debug, Clone, Queryable)]
pub struct CatalogueRow {
    pub id: i64,
    pub title: String,
    pub category_code: String,
    pub image_urls: String,
    pub min_price_fen: i64,
    pub supplier_name: String,
    pub commission_bps: i32,
    pub pending_commission_bps: Option<i32>,
    pub pending_commission_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// The rate in force: a scheduled rate where its time is at or before `cutoff`
/// (`goods::rules::in_force_cutoff`, which says when a change takes over), else the current one.
#[diesel::dsl::auto_type]
fn commission_in_force(cutoff: NaiveDateTime) -> _ {
    diesel::dsl::case_when(
        goods::pending_commission_at.le(cutoff),
        goods::pending_commission_bps.assume_not_null(),
    )
    .otherwise(goods::commission_bps)
}

pub fn search(
    conn: &mut DbConn,
    filter: &Filter,
    sort: Sort,
    page: Page,
    now: NaiveDateTime,
) -> AppResult<(Vec<CatalogueRow>, i64)> {
    let cutoff = in_force_cutoff(now);
    let filtered = || {
        let mut query = goods::table
            .inner_join(suppliers::table)
            .filter(goods::status.eq(GoodsStatus::Listed))
            .filter(suppliers::is_active.eq(true))
            .into_boxed();
        if let Some(category) = &filter.category {
            query = query.filter(in_category(category.clone(), format!("{category}.%")));
        }
        if let Some(keyword) = &filter.keyword {
            query = query.filter(title_contains(keyword));
        }
        if let Some(min) = filter.min_price_fen {
            query = query.filter(goods::min_price_fen.ge(min));
        }
        if let Some(max) = filter.max_price_fen {
            query = query.filter(goods::min_price_fen.le(max));
        }
        if let Some(min) = filter.min_commission_bps {
            query = query.filter(commission_in_force(cutoff).ge(min));
        }
        if let Some(max) = filter.max_commission_bps {
            query = query.filter(commission_in_force(cutoff).le(max));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let ordered = match sort {
        Sort::CommissionDesc => {
            filtered().order((commission_in_force(cutoff).desc(), goods::id.desc()))
        }
        Sort::PriceAsc => filtered().order((goods::min_price_fen.asc(), goods::id.desc())),
        Sort::PriceDesc => filtered().order((goods::min_price_fen.desc(), goods::id.desc())),
        Sort::Newest => filtered().order(goods::id.desc()),
    };
    let rows = ordered
        .limit(page.limit())
        .offset(page.offset())
        .select((
            goods::id,
            goods::title,
            goods::category_code,
            goods::image_urls,
            goods::min_price_fen,
            suppliers::company_name,
            goods::commission_bps,
            goods::pending_commission_bps,
            goods::pending_commission_at,
            goods::created_at,
        ))
        .load(conn)?;
    Ok((rows, total))
}

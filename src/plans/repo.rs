//! Queries of plans, and the figures of the shopkeepers who sell a supplier's goods.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::model::{NewPlan, PlanRow, TargetRow};
use crate::db::schema::{commission_plan_targets, commission_plans};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::money::Bps;
use crate::pagination::Page;
use crate::with_backend;

pub fn insert(conn: &mut DbConn, plan: &NewPlan) -> AppResult<PlanRow> {
    Ok(
        with_backend!(conn, c => diesel::insert_into(commission_plans::table)
            .values(plan)
            .returning(PlanRow::as_returning())
            .get_result(c))?,
    )
}

pub fn insert_targets(conn: &mut DbConn, targets: &[TargetRow]) -> AppResult<()> {
    for target in targets {
        diesel::insert_into(commission_plan_targets::table)
            .values(target)
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: i64) -> AppResult<Option<PlanRow>> {
    Ok(commission_plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn suspend_until(
    conn: &mut DbConn,
    id: i64,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(commission_plans::table.find(id))
        .set((
            commission_plans::suspended_until.eq(until),
            commission_plans::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn targets_of(conn: &mut DbConn, plan_ids: &[i64]) -> AppResult<Vec<TargetRow>> {
    Ok(commission_plan_targets::table
        .filter(commission_plan_targets::plan_id.eq_any(plan_ids))
        .order((
            commission_plan_targets::plan_id,
            commission_plan_targets::shop_id,
            commission_plan_targets::goods_id,
        ))
        .select(TargetRow::as_select())
        .load(conn)?)
}

pub fn page(conn: &mut DbConn, supplier_id: i64, page: Page) -> AppResult<(Vec<PlanRow>, i64)> {
    let of_supplier =
        || commission_plans::table.filter(commission_plans::supplier_id.eq(supplier_id));
    crate::newest_first_page!(conn, of_supplier, commission_plans::id, PlanRow, page)
}

/// The best plan rate in force at `at` for each of the shop's `goods_ids` that has one:
/// goods id → (plan id, rate).
pub fn rates_in_force(
    conn: &mut DbConn,
    shop_id: i64,
    goods_ids: &[i64],
    at: NaiveDateTime,
) -> AppResult<HashMap<i64, (i64, Bps)>> {
    let query = commission_plan_targets::table
        .inner_join(commission_plans::table)
        .filter(commission_plan_targets::shop_id.eq(shop_id))
        .into_boxed();
    // One goods (a one-line order) as a plain value, as `orders::repo::orderable` does: cached
    // on SQLite, and one generic plan on PostgreSQL under plan_cache_mode = auto.
    let query = match goods_ids {
        [goods_id] => query.filter(commission_plan_targets::goods_id.eq(*goods_id)),
        _ => query.filter(commission_plan_targets::goods_id.eq_any(goods_ids)),
    };
    let rows: Vec<(i64, i64, i32)> = query
        .filter(commission_plans::starts_at.le(at))
        .filter(commission_plans::ends_at.gt(at))
        .filter(
            commission_plans::suspended_until
                .is_null()
                .or(commission_plans::suspended_until.le(at)),
        )
        .select((
            commission_plan_targets::goods_id,
            commission_plans::id,
            commission_plans::commission_bps,
        ))
        .load(conn)?;
    let mut best: HashMap<i64, (i64, Bps)> = HashMap::new();
    for (goods_id, plan_id, bps) in rows {
        let entry = best.entry(goods_id).or_insert((plan_id, Bps(bps)));
        if bps > entry.1 .0 {
            *entry = (plan_id, Bps(bps));
        }
    }
    Ok(best)
}

/// A shop's sales of one supplier's goods since a time.
#[derive(Debug, QueryableByName)]
pub struct ShopSales {
    #[diesel(sql_type = BigInt)]
    pub shop_id: i64,
    #[diesel(sql_type = Text)]
    pub shop_name: String,
    #[diesel(sql_type = BigInt)]
    pub owner_member_id: i64,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub gmv_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub refunded_fen: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The shops that sold the supplier's goods in paid orders since `since`, biggest first, one
/// aggregate over the period's lines. Parameters are `$n` in order of appearance, which both
/// backends bind by position.
pub fn shop_sales(
    conn: &mut DbConn,
    supplier_id: i64,
    since: NaiveDateTime,
    page: Page,
) -> AppResult<(Vec<ShopSales>, i64)> {
    // SUM widens to NUMERIC on PostgreSQL: cast back to BIGINT so both backends agree.
    let rows = diesel::sql_query(
        "SELECT l.shop_id, s.name AS shop_name, s.owner_member_id, \
                CAST(COUNT(DISTINCT l.order_id) AS BIGINT) AS orders, \
                CAST(SUM(l.amount_fen) AS BIGINT) AS gmv_fen, \
                CAST(SUM(l.refunded_quantity * l.unit_price_fen) AS BIGINT) AS refunded_fen \
         FROM order_lines l \
         JOIN orders o ON o.id = l.order_id \
         JOIN shops s ON s.id = l.shop_id \
         WHERE l.supplier_id = $1 AND o.paid_at >= $2 \
         GROUP BY l.shop_id, s.name, s.owner_member_id \
         ORDER BY gmv_fen DESC, l.shop_id \
         LIMIT $3 OFFSET $4",
    )
    .bind::<BigInt, _>(supplier_id)
    .bind::<Timestamp, _>(since)
    .bind::<BigInt, _>(page.limit())
    .bind::<BigInt, _>(page.offset())
    .load(conn)?;
    let total: Vec<Count> = diesel::sql_query(
        "SELECT CAST(COUNT(DISTINCT l.shop_id) AS BIGINT) AS n \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE l.supplier_id = $1 AND o.paid_at >= $2",
    )
    .bind::<BigInt, _>(supplier_id)
    .bind::<Timestamp, _>(since)
    .load(conn)?;
    Ok((rows, total.first().map_or(0, |c| c.n)))
}

//! Creating, listing and suspending plans; the supplier's shopkeepers.

use chrono::Duration;
use diesel::prelude::*;

use super::dto::{PlanRequest, PlanView, ShopkeeperSalesView, SuspendRequest};
use super::model::{NewPlan, PlanRow, TargetRow};
use super::settings::PlanSettings;
use super::{repo, rules};
use crate::audit::Actor;
use crate::db::schema::{goods, shops};
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError};
use crate::goods::settings::GoodsSettings;
use crate::money::{Bps, Fen};
use crate::pagination::{Page, Paginated};

/// Days of sales the shopkeeper list sums.
const SALES_DAYS: i64 = 90;

pub fn create(
    conn: &mut DbConn,
    listing: &GoodsSettings,
    supplier_id: i64,
    request: &PlanRequest,
    actor: &Actor,
) -> AppResult<PlanView> {
    let now = actor.at;
    let starts_at = rules::check(listing, request, now)?;
    let mut errors = Vec::new();
    let found: Vec<(i64, i64, i32)> = goods::table
        .filter(goods::id.eq_any(&request.goods_ids))
        .select((goods::id, goods::supplier_id, goods::commission_bps))
        .load(conn)?;
    for (i, goods_id) in request.goods_ids.iter().enumerate() {
        match found.iter().find(|(id, _, _)| id == goods_id) {
            Some((_, owner, _)) if *owner != supplier_id => errors.push(not_yours(i)),
            None => errors.push(not_yours(i)),
            Some((_, _, public)) if request.commission_bps.0 <= *public => {
                errors.push(FieldError::new(
                    "commission_bps",
                    "not_above_public_rate",
                    format!("goods {goods_id} pays {public} bps to everyone: a plan must pay more"),
                ))
            }
            Some(_) => {}
        }
    }
    let open_shops: Vec<i64> = shops::table
        .filter(shops::id.eq_any(&request.shop_ids))
        .filter(shops::status.eq(crate::shops::model::ShopStatus::Open))
        .select(shops::id)
        .load(conn)?;
    for (i, shop_id) in request.shop_ids.iter().enumerate() {
        if !open_shops.contains(shop_id) {
            errors.push(FieldError::new(
                &format!("shop_ids[{i}]"),
                "not_found",
                "no open shop has this id",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let member = actor
        .member
        .ok_or_else(|| AppError::internal("a plan is created by a member"))?;
    let plan = repo::insert(
        conn,
        &NewPlan {
            supplier_id,
            name: request.name.trim(),
            commission_bps: request.commission_bps.0,
            starts_at,
            ends_at: request.ends_at.naive_utc(),
            created_by_member_id: member.0,
            created_at: now,
            updated_at: now,
        },
    )?;
    let targets: Vec<TargetRow> = request
        .shop_ids
        .iter()
        .flat_map(|&shop_id| {
            request.goods_ids.iter().map(move |&goods_id| TargetRow {
                plan_id: plan.id,
                shop_id,
                goods_id,
            })
        })
        .collect();
    repo::insert_targets(conn, &targets)?;
    crate::audit::record(
        conn,
        actor,
        "plan.created",
        "commission_plan",
        &plan.id.to_string(),
        serde_json::json!({
            "supplier_id": supplier_id,
            "commission_bps": plan.commission_bps,
            "shop_ids": request.shop_ids,
            "goods_ids": request.goods_ids,
            "starts_at": plan.starts_at,
            "ends_at": plan.ends_at,
        }),
    )?;
    Ok(view(plan, &targets, now))
}

fn not_yours(i: usize) -> FieldError {
    FieldError::new(
        &format!("goods_ids[{i}]"),
        "not_found",
        "the supplier has no goods with this id",
    )
}

/// Suspends the supplier's plan for some days (its rate does not apply meanwhile). Audited.
pub fn suspend(
    conn: &mut DbConn,
    settings: &PlanSettings,
    supplier_id: i64,
    plan_id: i64,
    request: &SuspendRequest,
    actor: &Actor,
) -> AppResult<PlanView> {
    let days = request.days.unwrap_or(settings.suspend_days);
    if !(1..=365).contains(&days) {
        return Err(AppError::field(
            "days",
            "out_of_range",
            "days must be between 1 and 365",
        ));
    }
    let plan = repo::find(conn, plan_id)?
        .filter(|plan| plan.supplier_id == supplier_id)
        .ok_or(AppError::NotFound {
            resource: "commission plan",
        })?;
    let now = actor.at;
    if now >= plan.ends_at {
        return Err(AppError::Conflict {
            code: "plan_ended",
            detail: "the plan has ended".to_owned(),
        });
    }
    let until = now + Duration::days(i64::from(days));
    repo::suspend_until(conn, plan.id, until, now)?;
    crate::audit::record(
        conn,
        actor,
        "plan.suspended",
        "commission_plan",
        &plan.id.to_string(),
        serde_json::json!({"before": plan.suspended_until, "after": until, "days": days}),
    )?;
    let plan = repo::find(conn, plan_id)?.ok_or(AppError::NotFound {
        resource: "commission plan",
    })?;
    let targets = repo::targets_of(conn, &[plan.id])?;
    Ok(view(plan, &targets, now))
}

pub fn list(
    conn: &mut DbConn,
    supplier_id: i64,
    page: Page,
    now: chrono::NaiveDateTime,
) -> AppResult<Paginated<PlanView>> {
    let (plans, total) = repo::page(conn, supplier_id, page)?;
    let targets = repo::targets_of(conn, &plans.iter().map(|p| p.id).collect::<Vec<_>>())?;
    Ok(Paginated::new(
        plans
            .into_iter()
            .map(|plan| view(plan, &targets, now))
            .collect(),
        page,
        total,
    ))
}

fn view(plan: PlanRow, targets: &[TargetRow], now: chrono::NaiveDateTime) -> PlanView {
    let mut shop_ids: Vec<i64> = targets
        .iter()
        .filter(|t| t.plan_id == plan.id)
        .map(|t| t.shop_id)
        .collect();
    shop_ids.dedup();
    let mut goods_ids: Vec<i64> = targets
        .iter()
        .filter(|t| t.plan_id == plan.id)
        .map(|t| t.goods_id)
        .collect();
    goods_ids.sort_unstable();
    goods_ids.dedup();
    PlanView {
        id: plan.id,
        in_force: plan.in_force(now),
        name: plan.name,
        commission_bps: Bps(plan.commission_bps),
        starts_at: plan.starts_at.and_utc(),
        ends_at: plan.ends_at.and_utc(),
        suspended_until: plan.suspended_until.map(|at| at.and_utc()),
        shop_ids,
        goods_ids,
        created_at: plan.created_at.and_utc(),
    }
}

/// The shops that sold the supplier's goods in the last 90 days, biggest first.
pub fn shopkeepers(
    conn: &mut DbConn,
    supplier_id: i64,
    page: Page,
    now: chrono::NaiveDateTime,
) -> AppResult<Paginated<ShopkeeperSalesView>> {
    let since = now - Duration::days(SALES_DAYS);
    let (rows, total) = repo::shop_sales(conn, supplier_id, since, page)?;
    Ok(Paginated::new(
        rows.into_iter()
            .map(|row| ShopkeeperSalesView {
                shop_id: row.shop_id,
                shop_name: row.shop_name,
                shopkeeper_member_id: row.owner_member_id,
                orders_90d: row.orders,
                gmv_90d_fen: Fen(row.gmv_fen),
                average_order_fen: Fen(if row.orders > 0 {
                    row.gmv_fen / row.orders
                } else {
                    0
                }),
                refund_rate_bps: Bps(if row.gmv_fen > 0 {
                    (row.refunded_fen * 10_000 / row.gmv_fen) as i32
                } else {
                    0
                }),
            })
            .collect(),
        page,
        total,
    ))
}

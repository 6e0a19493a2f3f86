//! What shopkeepers and admins see of tiers, and admins' overrides.

use diesel::prelude::*;

use super::dto::{
    MyTierView, Requirement, TierDecisionView, TierDistributionView, TierOverrideRequest,
    TierRunView, ViolationRequest, ViolationView,
};
use super::months::Month;
use super::repo;
use super::rules::MonthFigures;
use super::TierSettings;
use super::{Tier, TierCounts};
use crate::audit::Actor;
use crate::db::schema::{member_violations, shops, tier_history, tier_runs};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::members::MemberId;
use crate::money::{Bps, Fen};
use crate::pagination::{Page, Paginated};

/// The reason an override is recorded with starts so.
const OVERRIDE_PREFIX: &str = "override by the platform: ";

type HistoryRow = (
    String,
    Tier,
    Option<Tier>,
    i64,
    i64,
    i64,
    i32,
    i64,
    String,
    Option<i64>,
);

fn latest_decision(conn: &mut DbConn, member: MemberId) -> AppResult<Option<TierDecisionView>> {
    let row: Option<HistoryRow> = tier_history::table
        .filter(tier_history::member_id.eq(member.0))
        .order(tier_history::month.desc())
        .select((
            tier_history::month,
            tier_history::tier,
            tier_history::previous_tier,
            tier_history::gmv_fen,
            tier_history::orders,
            tier_history::buyers,
            tier_history::refund_rate_bps,
            tier_history::serious_violations,
            tier_history::reason,
            tier_history::run_id,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(month, tier, previous, gmv, orders, buyers, refund, violations, reason, run_id)| {
            TierDecisionView {
                month,
                tier,
                previous_tier: previous,
                figures: MonthFigures {
                    gmv_fen: Fen(gmv),
                    orders,
                    buyers,
                    refund_rate_bps: Bps(refund),
                    serious_violations: violations,
                },
                source: if run_id.is_some() {
                    "monthly_run"
                } else if reason.starts_with(OVERRIDE_PREFIX) {
                    "override"
                } else {
                    "recorded"
                }
                .to_owned(),
                reason,
            }
        },
    ))
}

pub fn my_tier(
    conn: &mut DbConn,
    settings: &TierSettings,
    member: MemberId,
    now: chrono::NaiveDateTime,
) -> AppResult<MyTierView> {
    let tier = super::current(conn, member)?;
    let zone = settings.time_zone;
    let month = Month::of(now, zone);
    let figures = repo::figures_of(conn, member, month.bounds(zone))?;
    let so_far = figures.map_or_else(MonthFigures::default, |f| f.month_figures(0));
    let next_tier = tier.next();
    let needs = next_tier
        .and_then(|t| t.threshold(settings))
        .map(|t| {
            [
                ("gmv_fen", t.gmv_fen, so_far.gmv_fen.0),
                ("orders", t.orders, so_far.orders),
                ("buyers", t.buyers, so_far.buyers),
            ]
            .into_iter()
            .map(|(figure, needed, have)| Requirement {
                figure: figure.to_owned(),
                needed,
                have,
                missing: (needed - have).max(0),
            })
            .collect()
        })
        .unwrap_or_default();
    Ok(MyTierView {
        tier,
        bonus_bps: tier.bonus(&settings.bonus_bps),
        last_decision: latest_decision(conn, member)?,
        this_month: month.label(),
        this_month_figures: so_far,
        next_tier,
        next_tier_needs: needs,
        refund_rate_ceiling_bps: Bps(settings.refund_rate_ceiling_bps),
    })
}

pub fn runs(conn: &mut DbConn, page: Page) -> AppResult<Paginated<TierRunView>> {
    let (rows, total) =
        crate::newest_first_page!(conn, || tier_runs::table, tier_runs::id, repo::RunRow, page)?;
    Ok(Paginated::new(
        rows.into_iter()
            .map(|run| TierRunView {
                id: run.id,
                shard: format!("{}/{}", run.shard_index, run.shard_count),
                duration_seconds: (run.finished_at.unwrap_or(run.heartbeat_at) - run.started_at)
                    .num_milliseconds() as f64
                    / 1000.0,
                month: run.month,
                status: run.status.to_string(),
                holder: run.holder,
                total: run.total,
                processed: run.processed,
                promoted: run.promoted,
                demoted: run.demoted,
                unchanged: run.unchanged,
                started_at: run.started_at.and_utc(),
                finished_at: run.finished_at.map(|at| at.and_utc()),
            })
            .collect(),
        page,
        total,
    ))
}

#[derive(QueryableByName)]
struct TierCount {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    tier: Option<Tier>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Shopkeepers (shop owners) by current tier, one aggregate.
pub fn distribution(conn: &mut DbConn) -> AppResult<TierDistributionView> {
    let rows: Vec<TierCount> = diesel::sql_query(
        "SELECT t.tier, CAST(COUNT(*) AS BIGINT) AS n \
         FROM (SELECT DISTINCT owner_member_id FROM shops) s \
         LEFT JOIN tier_history t ON t.member_id = s.owner_member_id AND t.month = \
           (SELECT MAX(h.month) FROM tier_history h WHERE h.member_id = s.owner_member_id) \
         GROUP BY t.tier",
    )
    .load(conn)?;
    let mut counts = TierCounts::default();
    for row in rows {
        // Shopkeepers never decided are Rookies.
        counts[row.tier.unwrap_or_default()] += row.n;
    }
    Ok(counts.into())
}

/// A reason of 2 to 500 characters, trimmed (422 naming `reason`).
fn checked_reason(reason: &str) -> AppResult<&str> {
    let reason = reason.trim();
    if (2..=500).contains(&reason.chars().count()) {
        Ok(reason)
    } else {
        Err(AppError::field(
            "reason",
            "length",
            "reason must have 2 to 500 characters",
        ))
    }
}

/// Sets a shopkeeper's tier now, as the current month's decision (the monthly run keeps it),
/// with the reason; audited.
pub fn override_tier(
    conn: &mut DbConn,
    settings: &TierSettings,
    member: MemberId,
    request: &TierOverrideRequest,
    actor: &Actor,
) -> AppResult<TierDecisionView> {
    let reason = checked_reason(&request.reason)?;
    let owns_shop: i64 = shops::table
        .filter(shops::owner_member_id.eq(member.0))
        .count()
        .get_result(conn)?;
    if owns_shop == 0 {
        return Err(AppError::NotFound {
            resource: "shopkeeper",
        });
    }
    let before = super::current(conn, member)?;
    let month = Month::of(actor.at, settings.time_zone).label();
    let recorded = format!("{OVERRIDE_PREFIX}{reason}");
    diesel::delete(
        tier_history::table
            .filter(tier_history::member_id.eq(member.0))
            .filter(tier_history::month.eq(&month)),
    )
    .execute(conn)?;
    repo::insert_history(
        conn,
        &[repo::NewHistory {
            member_id: member.0,
            month: month.clone(),
            tier: request.tier,
            created_at: actor.at,
            previous_tier: Some(before),
            gmv_fen: 0,
            orders: 0,
            buyers: 0,
            refund_rate_bps: 0,
            serious_violations: 0,
            reason: recorded,
            run_id: None,
        }],
    )?;
    crate::audit::record(
        conn,
        actor,
        "tier.overridden",
        "member",
        &member.0.to_string(),
        serde_json::json!({"before": before, "after": request.tier, "month": month, "reason": reason}),
    )?;
    latest_decision(conn, member)?.ok_or_else(|| AppError::internal("the override vanished"))
}

/// Records a shopkeeper's violation (serious ones block a rise in their month); audited.
pub fn record_violation(
    conn: &mut DbConn,
    member: MemberId,
    request: &ViolationRequest,
    actor: &Actor,
) -> AppResult<ViolationView> {
    let reason = checked_reason(&request.reason)?;
    crate::members::repo::find(conn, member)?.ok_or(AppError::NotFound { resource: "member" })?;
    let now = actor.at;
    let id = crate::with_backend!(conn, c => diesel::insert_into(member_violations::table)
        .values((
            member_violations::member_id.eq(member.0),
            member_violations::serious.eq(request.serious),
            member_violations::reason.eq(reason),
            member_violations::created_at.eq(now),
        ))
        .returning(member_violations::id)
        .get_result::<i64>(c))?;
    crate::audit::record(
        conn,
        actor,
        "member.violation_recorded",
        "member",
        &member.0.to_string(),
        serde_json::json!({"violation_id": id, "serious": request.serious, "reason": reason}),
    )?;
    Ok(ViolationView {
        id,
        member_id: member.0,
        serious: request.serious,
        reason: reason.to_owned(),
        created_at: now.and_utc(),
    })
}

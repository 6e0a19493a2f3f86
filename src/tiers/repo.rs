//! The engine's queries: set-based over a batch of shopkeepers (an id range), never one query
//! per shopkeeper. Raw SQL where an aggregate or `%` is needed; sums are cast to BIGINT so both
//! backends read the same type; parameters are `$n` in order of appearance, which both backends
//! bind by position.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::db::schema::{tier_history, tier_runs};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::with_backend;

/// Which shopkeepers a run covers: those whose id % count == index - 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: i64,
    pub count: i64,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    fn remainder(self) -> i64 {
        self.index - 1
    }
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The next `limit` shopkeepers (owners of a shop, open or not) of the shard after `after`.
pub fn shopkeepers_after(
    conn: &mut DbConn,
    after: i64,
    shard: Shard,
    limit: i64,
) -> AppResult<Vec<i64>> {
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT DISTINCT owner_member_id AS id FROM shops \
         WHERE owner_member_id > $1 AND owner_member_id % $2 = $3 \
         ORDER BY owner_member_id LIMIT $4",
    )
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(shard.count)
    .bind::<BigInt, _>(shard.remainder())
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

pub fn count_shopkeepers(conn: &mut DbConn, shard: Shard) -> AppResult<i64> {
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT CAST(COUNT(DISTINCT owner_member_id) AS BIGINT) AS id FROM shops \
         WHERE owner_member_id % $1 = $2",
    )
    .bind::<BigInt, _>(shard.count)
    .bind::<BigInt, _>(shard.remainder())
    .load(conn)?;
    Ok(rows.first().map_or(0, |r| r.id))
}

/// A shopkeeper's month: what the settled lines say.
#[derive(Debug, QueryableByName)]
pub struct FiguresRow {
    #[diesel(sql_type = BigInt)]
    pub member_id: i64,
    #[diesel(sql_type = BigInt)]
    pub gmv_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub buyers: i64,
    #[diesel(sql_type = BigInt)]
    pub refunded_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub amount_fen: i64,
}

impl FiguresRow {
    /// The figures the tier rules read, with the month's serious violations.
    pub fn month_figures(&self, serious_violations: i64) -> super::rules::MonthFigures {
        super::rules::MonthFigures {
            gmv_fen: crate::money::Fen(self.gmv_fen),
            orders: self.orders,
            buyers: self.buyers,
            refund_rate_bps: crate::money::Bps(if self.amount_fen > 0 {
                (i128::from(self.refunded_fen) * 10_000 / i128::from(self.amount_fen)) as i32
            } else {
                0
            }),
            serious_violations,
        }
    }
}

/// The month's figures of the shard's shopkeepers with ids in `[low, high]`, from the lines
/// settled in `[start, end)`, one aggregate. A shopkeeper's own purchases do not count.
pub fn figures(
    conn: &mut DbConn,
    (low, high): (i64, i64),
    shard: Shard,
    (start, end): (NaiveDateTime, NaiveDateTime),
) -> AppResult<Vec<FiguresRow>> {
    Ok(diesel::sql_query(
        "SELECT l.shopkeeper_member_id AS member_id, \
                CAST(COALESCE(SUM((l.quantity - l.refunded_quantity) * l.unit_price_fen), 0) AS BIGINT) AS gmv_fen, \
                CAST(COUNT(DISTINCT CASE WHEN l.quantity > l.refunded_quantity THEN l.order_id END) AS BIGINT) AS orders, \
                CAST(COUNT(DISTINCT CASE WHEN l.quantity > l.refunded_quantity THEN o.buyer_member_id END) AS BIGINT) AS buyers, \
                CAST(COALESCE(SUM(l.refunded_quantity * l.unit_price_fen), 0) AS BIGINT) AS refunded_fen, \
                CAST(COALESCE(SUM(l.amount_fen), 0) AS BIGINT) AS amount_fen \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE l.shopkeeper_member_id BETWEEN $1 AND $2 AND l.shopkeeper_member_id % $3 = $4 \
           AND l.settled_at >= $5 AND l.settled_at < $6 \
           AND o.buyer_member_id <> l.shopkeeper_member_id \
         GROUP BY l.shopkeeper_member_id",
    )
    .bind::<BigInt, _>(low)
    .bind::<BigInt, _>(high)
    .bind::<BigInt, _>(shard.count)
    .bind::<BigInt, _>(shard.remainder())
    .bind::<Timestamp, _>(start)
    .bind::<Timestamp, _>(end)
    .load(conn)?)
}

#[derive(Debug, QueryableByName)]
pub struct CountRow {
    #[diesel(sql_type = BigInt)]
    pub member_id: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Serious violations in `[start, end)` of shopkeepers with ids in `[low, high]`.
pub fn serious_violations(
    conn: &mut DbConn,
    (low, high): (i64, i64),
    (start, end): (NaiveDateTime, NaiveDateTime),
) -> AppResult<Vec<CountRow>> {
    Ok(diesel::sql_query(
        "SELECT member_id, CAST(COUNT(*) AS BIGINT) AS n FROM member_violations \
         WHERE member_id BETWEEN $1 AND $2 AND serious = $3 \
           AND created_at >= $4 AND created_at < $5 \
         GROUP BY member_id",
    )
    .bind::<BigInt, _>(low)
    .bind::<BigInt, _>(high)
    .bind::<diesel::sql_types::Bool, _>(true)
    .bind::<Timestamp, _>(start)
    .bind::<Timestamp, _>(end)
    .load(conn)?)
}

#[derive(Debug, QueryableByName)]
pub struct TierRow {
    #[diesel(sql_type = BigInt)]
    pub member_id: i64,
    #[diesel(sql_type = Text)]
    pub tier: String,
}

/// The tier each shopkeeper with an id in `[low, high]` had before `month`: its latest recorded
/// month before it (none: Rookie).
pub fn tiers_before(
    conn: &mut DbConn,
    (low, high): (i64, i64),
    month: &str,
) -> AppResult<Vec<TierRow>> {
    Ok(diesel::sql_query(
        "SELECT th.member_id, th.tier FROM tier_history th \
         WHERE th.member_id BETWEEN $1 AND $2 AND th.month = \
           (SELECT MAX(h.month) FROM tier_history h WHERE h.member_id = th.member_id AND h.month < $3)",
    )
    .bind::<BigInt, _>(low)
    .bind::<BigInt, _>(high)
    .bind::<Text, _>(month)
    .load(conn)?)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = tier_history, treat_none_as_default_value = false)]
pub struct NewHistory {
    pub member_id: i64,
    pub month: String,
    pub tier: &'static str,
    pub created_at: NaiveDateTime,
    pub previous_tier: Option<&'static str>,
    pub gmv_fen: i64,
    pub orders: i64,
    pub buyers: i64,
    pub refund_rate_bps: i32,
    pub serious_violations: i64,
    pub reason: String,
    pub run_id: Option<i64>,
}

/// Writes the month's rows; a row already there (an earlier or parallel run) is kept.
pub fn insert_history(conn: &mut DbConn, rows: &[NewHistory]) -> AppResult<usize> {
    let mut written = 0;
    // Well under PostgreSQL's 65,535 bind parameters per statement.
    for chunk in rows.chunks(2_000) {
        written += with_backend!(conn, c => diesel::insert_into(tier_history::table)
            .values(chunk)
            .on_conflict((tier_history::member_id, tier_history::month))
            .do_nothing()
            .execute(c))?;
    }
    Ok(written)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tier_runs)]
pub struct RunRow {
    pub id: i64,
    pub month: String,
    pub shard_index: i32,
    pub shard_count: i32,
    pub status: String,
    pub holder: String,
    pub heartbeat_at: NaiveDateTime,
    pub last_member_id: i64,
    pub total: i64,
    pub processed: i64,
    pub promoted: i64,
    pub demoted: i64,
    pub unchanged: i64,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

pub fn find_run(conn: &mut DbConn, month: &str, shard: Shard) -> AppResult<Option<RunRow>> {
    Ok(tier_runs::table
        .filter(tier_runs::month.eq(month))
        .filter(tier_runs::shard_index.eq(shard.index as i32))
        .filter(tier_runs::shard_count.eq(shard.count as i32))
        .select(RunRow::as_select())
        .first(conn)
        .optional()?)
}

/// Starts the run of a month's shard; false if another process inserted it first.
pub fn insert_run(
    conn: &mut DbConn,
    month: &str,
    shard: Shard,
    holder: &str,
    total: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(
        with_backend!(conn, c => diesel::insert_into(tier_runs::table)
        .values((
            tier_runs::month.eq(month),
            tier_runs::shard_index.eq(shard.index as i32),
            tier_runs::shard_count.eq(shard.count as i32),
            tier_runs::status.eq("running"),
            tier_runs::holder.eq(holder),
            tier_runs::heartbeat_at.eq(now),
            tier_runs::last_member_id.eq(0i64),
            tier_runs::total.eq(total),
            tier_runs::processed.eq(0i64),
            tier_runs::promoted.eq(0i64),
            tier_runs::demoted.eq(0i64),
            tier_runs::unchanged.eq(0i64),
            tier_runs::started_at.eq(now),
        ))
        .on_conflict((tier_runs::month, tier_runs::shard_index, tier_runs::shard_count))
        .do_nothing()
        .execute(c))?
            == 1,
    )
}

/// Takes over a running run whose holder showed no life since `stale_before`.
pub fn take_over(
    conn: &mut DbConn,
    id: i64,
    holder: &str,
    stale_before: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(diesel::update(
        tier_runs::table
            .find(id)
            .filter(tier_runs::status.eq("running"))
            .filter(tier_runs::heartbeat_at.lt(stale_before)),
    )
    .set((
        tier_runs::holder.eq(holder),
        tier_runs::heartbeat_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

/// Records a batch as done (in the batch's transaction); false if the run has another holder.
pub fn checkpoint(
    conn: &mut DbConn,
    id: i64,
    holder: &str,
    last_member_id: i64,
    (processed, promoted, demoted, unchanged): (i64, i64, i64, i64),
    now: NaiveDateTime,
) -> AppResult<bool> {
    Ok(diesel::update(
        tier_runs::table
            .find(id)
            .filter(tier_runs::holder.eq(holder))
            .filter(tier_runs::status.eq("running")),
    )
    .set((
        tier_runs::last_member_id.eq(last_member_id),
        tier_runs::processed.eq(tier_runs::processed + processed),
        tier_runs::promoted.eq(tier_runs::promoted + promoted),
        tier_runs::demoted.eq(tier_runs::demoted + demoted),
        tier_runs::unchanged.eq(tier_runs::unchanged + unchanged),
        tier_runs::heartbeat_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

pub fn finish(conn: &mut DbConn, id: i64, holder: &str, now: NaiveDateTime) -> AppResult<bool> {
    Ok(diesel::update(
        tier_runs::table
            .find(id)
            .filter(tier_runs::holder.eq(holder))
            .filter(tier_runs::status.eq("running")),
    )
    .set((
        tier_runs::status.eq("done"),
        tier_runs::finished_at.eq(now),
        tier_runs::heartbeat_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

#[derive(Debug, QueryableByName)]
pub struct TransitionRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub previous_tier: Option<String>,
    #[diesel(sql_type = Text)]
    pub tier: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The month's decisions of the shard, counted by (previous tier, new tier).
pub fn transitions(conn: &mut DbConn, month: &str, shard: Shard) -> AppResult<Vec<TransitionRow>> {
    Ok(diesel::sql_query(
        "SELECT previous_tier, tier, CAST(COUNT(*) AS BIGINT) AS n FROM tier_history \
         WHERE month = $1 AND member_id % $2 = $3 AND run_id IS NOT NULL \
         GROUP BY previous_tier, tier",
    )
    .bind::<Text, _>(month)
    .bind::<BigInt, _>(shard.count)
    .bind::<BigInt, _>(shard.remainder())
    .load(conn)?)
}

/// How many violations (serious or not) the member has had since `since`.
pub fn violations_since(
    conn: &mut DbConn,
    member: crate::members::MemberId,
    since: NaiveDateTime,
) -> AppResult<i64> {
    use crate::db::schema::member_violations;
    Ok(member_violations::table
        .filter(member_violations::member_id.eq(member.0))
        .filter(member_violations::created_at.ge(since))
        .count()
        .get_result(conn)?)
}

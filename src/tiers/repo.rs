//! The engine's queries: set-based over a batch of shopkeepers (an id range), never one query
//! per shopkeeper. Raw SQL where an aggregate or `%` is needed; sums are cast to BIGINT so both
//! backends read the same type; parameters are `$n` in order of appearance, which both backends
//! bind by position.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Nullable, Text, Timestamp};

use super::{Tier, TierCounts};
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

    /// The condition for the shard's ids above a bound in `column`, its parameters numbered
    /// by `params` and bound by [`Shard::bind_above`]. The shard's own condition is left out of
    /// a whole run: PostgreSQL cannot estimate `id % n = k`, and plans better without it.
    fn above(self, column: &str, params: &mut Params) -> String {
        if self == Shard::WHOLE {
            format!("{column} > {}", params.next())
        } else {
            format!(
                "{column} > {} AND {column} % {} = {}",
                params.next(),
                params.next(),
                params.next()
            )
        }
    }

    /// Binds what [`Shard::above`] numbered: the ids above `after` in this shard.
    fn bind_above<'f, DB>(
        self,
        query: BoxedSqlQuery<'f, DB, SqlQuery>,
        after: i64,
    ) -> BoxedSqlQuery<'f, DB, SqlQuery>
    where
        DB: Backend + HasSqlType<BigInt>,
        i64: ToSql<BigInt, DB>,
    {
        let query = query.bind::<BigInt, _>(after);
        if self == Shard::WHOLE {
            query
        } else {
            query
                .bind::<BigInt, _>(self.count)
                .bind::<BigInt, _>(self.remainder())
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The shard's shopkeepers (owners of a shop; member ids start at 1). Counted over the
/// distinct owners read in order from `shops_owner_idx` alone: `COUNT(DISTINCT …)` sorts them
/// again (a million: 0.2 s against 0.1 s).
pub fn count_shopkeepers(conn: &mut DbConn, shard: Shard) -> AppResult<i64> {
    let mut params = Params::default();
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM \
         (SELECT DISTINCT owner_member_id FROM shops WHERE {}) s",
        shard.above("owner_member_id", &mut params)
    );
    let rows: Vec<Count> = match conn {
        DbConn::Postgres(c) => shard
            .bind_above(diesel::sql_query(&sql).into_boxed::<diesel::pg::Pg>(), 0)
            .load(c)?,
        DbConn::Sqlite(c) => shard
            .bind_above(
                diesel::sql_query(&sql).into_boxed::<diesel::sqlite::Sqlite>(),
                0,
            )
            .load(c)?,
    };
    Ok(rows.first().map_or(0, |r| r.n))
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

/// Numbers a statement's parameters `$1`, `$2`… in the order they appear in its text, the
/// order both backends bind them in.
#[derive(Default)]
struct Params(usize);

impl Params {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("${}", self.0)
    }
}

/// The month's figures of the shopkeepers `who` selects (a condition on
/// `l.shopkeeper_member_id`, numbered before the month's bounds): one aggregate over the lines
/// settled in the month. A shopkeeper's own purchases do not count.
fn figures_sql(who: &str, params: &mut Params) -> String {
    format!(
        "SELECT l.shopkeeper_member_id AS member_id, \
           CAST(COALESCE(SUM((l.quantity - l.refunded_quantity) * l.unit_price_fen), 0) AS BIGINT) AS gmv_fen, \
           CAST(COUNT(DISTINCT CASE WHEN l.quantity > l.refunded_quantity THEN l.order_id END) AS BIGINT) AS orders, \
           CAST(COUNT(DISTINCT CASE WHEN l.quantity > l.refunded_quantity THEN o.buyer_member_id END) AS BIGINT) AS buyers, \
           CAST(COALESCE(SUM(l.refunded_quantity * l.unit_price_fen), 0) AS BIGINT) AS refunded_fen, \
           CAST(COALESCE(SUM(l.amount_fen), 0) AS BIGINT) AS amount_fen \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE {who} AND l.settled_at >= {} AND l.settled_at < {} \
           AND o.buyer_member_id <> l.shopkeeper_member_id \
         GROUP BY l.shopkeeper_member_id",
        params.next(),
        params.next()
    )
}

/// One shopkeeper's month figures, from the lines settled in `[start, end)` (none: no row).
pub fn figures_of(
    conn: &mut DbConn,
    member: crate::members::MemberId,
    (start, end): (NaiveDateTime, NaiveDateTime),
) -> AppResult<Option<FiguresRow>> {
    let mut params = Params::default();
    let who = format!("l.shopkeeper_member_id = {}", params.next());
    let rows: Vec<FiguresRow> = diesel::sql_query(figures_sql(&who, &mut params))
        .bind::<BigInt, _>(member.0)
        .bind::<Timestamp, _>(start)
        .bind::<Timestamp, _>(end)
        .load(conn)?;
    Ok(rows.into_iter().next())
}

/// What the engine reads of one shopkeeper for a month.
#[derive(Debug, QueryableByName)]
pub struct ShopkeeperMonth {
    /// Zero figures for a month without settled sales.
    #[diesel(embed)]
    pub figures: FiguresRow,
    #[diesel(sql_type = BigInt)]
    pub serious_violations: i64,
    /// The tier of the latest recorded month before this one (none: never recorded).
    #[diesel(sql_type = Nullable<Text>)]
    pub previous_tier: Option<Tier>,
}

/// Every shopkeeper (owner of a shop, open or not) of the shard with an id above `after`, in
/// id order, with their figures for the month `label` (settled in `bounds`), its serious
/// violations and their tier before it: one statement, streamed row by row into `each`, so
/// the database aggregates the month in one pass (in parallel, where PostgreSQL can) and the
/// caller holds one row at a time.
///
/// The tier before the month is the previous month's row when there is one (all of them read
/// in member order from `tier_history_month_idx`), else the latest row before the month.
pub fn for_each_shopkeeper_month(
    conn: &mut DbConn,
    (label, previous_label): (&str, &str),
    bounds: (NaiveDateTime, NaiveDateTime),
    shard: Shard,
    after: i64,
    each: &mut dyn FnMut(ShopkeeperMonth) -> AppResult<()>,
) -> AppResult<()> {
    let mut params = Params::default();
    let month = params.next();
    let shopkeepers = shard.above("sh.owner_member_id", &mut params);
    let lines = shard.above("l.shopkeeper_member_id", &mut params);
    let figures = figures_sql(&lines, &mut params);
    let sql = format!(
        "SELECT s.id AS member_id, COALESCE(f.gmv_fen, 0) AS gmv_fen, COALESCE(f.orders, 0) AS orders, \
           COALESCE(f.buyers, 0) AS buyers, COALESCE(f.refunded_fen, 0) AS refunded_fen, \
           COALESCE(f.amount_fen, 0) AS amount_fen, \
           COALESCE(p.tier, (SELECT h.tier FROM tier_history h WHERE h.member_id = s.id AND h.month < {month} \
             ORDER BY h.month DESC LIMIT 1)) AS previous_tier, \
           COALESCE(v.n, 0) AS serious_violations \
         FROM (SELECT DISTINCT sh.owner_member_id AS id FROM shops sh WHERE {shopkeepers}) s \
         LEFT JOIN ({figures}) f ON f.member_id = s.id \
         LEFT JOIN tier_history p ON p.member_id = s.id AND p.month = {} \
         LEFT JOIN (SELECT member_id, CAST(COUNT(*) AS BIGINT) AS n FROM member_violations \
           WHERE serious = {} AND created_at >= {} AND created_at < {} GROUP BY member_id) v \
           ON v.member_id = s.id \
         ORDER BY s.id",
        params.next(),
        params.next(),
        params.next(),
        params.next()
    );
    let (start, end) = bounds;
    // Binds in the order the text numbered them; `$backend` boxes the query for it.
    macro_rules! bound {
        ($backend:ty) => {{
            let query = diesel::sql_query(&sql)
                .into_boxed::<$backend>()
                .bind::<Text, _>(label);
            // The shopkeepers' condition, then the lines'.
            shard
                .bind_above(shard.bind_above(query, after), after)
                .bind::<Timestamp, _>(start)
                .bind::<Timestamp, _>(end)
                .bind::<Text, _>(previous_label)
                .bind::<diesel::sql_types::Bool, _>(true)
                .bind::<Timestamp, _>(start)
                .bind::<Timestamp, _>(end)
        }};
    }
    match conn {
        DbConn::Postgres(c) => c.transaction(|c| -> AppResult<()> {
            // With a shard's `id % n = k`, which it cannot estimate, PostgreSQL would join the
            // month's lines to their orders one by one (measured: twice the whole month's time).
            // The fallback subquery for the tier before the month is costed once a row though
            // seldom run, which puts the statement over the thresholds for inlining and
            // optimising its JIT code; compiling that took longer than it saved (100,000
            // shopkeepers: 1.7-1.9 s against 1.4-1.5 s; a million: no difference). The
            // expressions are still compiled where the server's settings say so.
            diesel::sql_query("SET LOCAL jit_inline_above_cost = -1").execute(c)?;
            diesel::sql_query("SET LOCAL jit_optimize_above_cost = -1").execute(c)?;
            diesel::sql_query("SET LOCAL enable_nestloop = off").execute(c)?;
            let rows = bound!(diesel::pg::Pg)
                .load_iter::<ShopkeeperMonth, diesel::pg::PgRowByRowLoadingMode>(c)?;
            for row in rows {
                each(row?)?;
            }
            Ok(())
        })?,
        DbConn::Sqlite(c) => {
            let rows = bound!(diesel::sqlite::Sqlite)
                .load_iter::<ShopkeeperMonth, diesel::connection::DefaultLoadingMode>(c)?;
            for row in rows {
                each(row?)?;
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = tier_history, treat_none_as_default_value = false)]
pub struct NewHistory {
    pub member_id: i64,
    pub month: String,
    pub tier: Tier,
    pub created_at: NaiveDateTime,
    pub previous_tier: Option<Tier>,
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
    match conn {
        DbConn::Postgres(c) => insert_history_as_arrays(c, rows),
        DbConn::Sqlite(c) => {
            let mut written = 0;
            // 12 parameters a row: under SQLite's 32,766 per statement.
            for chunk in rows.chunks(2_000) {
                written += diesel::insert_into(tier_history::table)
                    .values(chunk)
                    .on_conflict((tier_history::member_id, tier_history::month))
                    .do_nothing()
                    .execute(c)?;
            }
            Ok(written)
        }
    }
}

/// PostgreSQL: the rows as one array a column, unnested by the server. A million rows with a
/// bind parameter per value cost several times the writing itself to encode and parse. The
/// arrays are unnested in the select list, which hands on a row at a time; `FROM unnest(…)`
/// first copies every row into a tuple store (200,000 rows: 0.6-0.9 s against 1.0-1.1 s).
///
/// A row already there is rare (a manual override, a parallel run), and `ON CONFLICT DO
/// NOTHING` makes every row's insert dearer (measured: 650 against 400 ms per 200,000 rows).
/// So the batch goes in as a plain insert inside a savepoint, and again with the clause only
/// when it clashed.
fn insert_history_as_arrays(conn: &mut PgConnection, rows: &[NewHistory]) -> AppResult<usize> {
    const INSERT: &str = "INSERT INTO tier_history (member_id, month, tier, created_at, \
         previous_tier, gmv_fen, orders, buyers, refund_rate_bps, serious_violations, reason, \
         run_id) \
         SELECT unnest($1), unnest($2), unnest($3), unnest($4), unnest($5), unnest($6), \
           unnest($7), unnest($8), unnest($9), unnest($10), unnest($11), unnest($12)";
    match conn.transaction(|conn| insert_unnested(conn, INSERT, rows)) {
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(insert_unnested(
            conn,
            &format!("{INSERT} ON CONFLICT (member_id, month) DO NOTHING"),
            rows,
        )?),
        written => Ok(written?),
    }
}

fn insert_unnested(
    conn: &mut PgConnection,
    insert: &str,
    rows: &[NewHistory],
) -> diesel::QueryResult<usize> {
    use diesel::sql_types::{Array, Integer};
    fn column<'r, T>(rows: &'r [NewHistory], value: impl Fn(&'r NewHistory) -> T) -> Vec<T> {
        rows.iter().map(value).collect()
    }
    diesel::sql_query(insert)
        .bind::<Array<BigInt>, _>(column(rows, |r| r.member_id))
        .bind::<Array<Text>, _>(column(rows, |r| r.month.as_str()))
        .bind::<Array<Text>, _>(column(rows, |r| r.tier.as_str()))
        .bind::<Array<Timestamp>, _>(column(rows, |r| r.created_at))
        .bind::<Array<Nullable<Text>>, _>(column(rows, |r| r.previous_tier.map(Tier::as_str)))
        .bind::<Array<BigInt>, _>(column(rows, |r| r.gmv_fen))
        .bind::<Array<BigInt>, _>(column(rows, |r| r.orders))
        .bind::<Array<BigInt>, _>(column(rows, |r| r.buyers))
        .bind::<Array<Integer>, _>(column(rows, |r| r.refund_rate_bps))
        .bind::<Array<BigInt>, _>(column(rows, |r| r.serious_violations))
        .bind::<Array<Text>, _>(column(rows, |r| r.reason.as_str()))
        .bind::<Array<Nullable<BigInt>>, _>(column(rows, |r| r.run_id))
        .execute(conn)
}

crate::text_enum! {
    /// A month's shard is running until its last batch is written, then done.
    pub enum RunStatus {
        Running = "running",
        Done = "done",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tier_runs)]
pub struct RunRow {
    pub id: i64,
    pub month: String,
    pub shard_index: i32,
    pub shard_count: i32,
    pub status: RunStatus,
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
    pub before_rookie: i64,
    pub before_senior: i64,
    pub before_elite: i64,
    pub before_super: i64,
    pub after_rookie: i64,
    pub after_senior: i64,
    pub after_elite: i64,
    pub after_super: i64,
}

impl RunRow {
    /// Shopkeepers per tier before the run (so far).
    pub fn before(&self) -> TierCounts {
        TierCounts::from_fn(|tier| match tier {
            Tier::Rookie => self.before_rookie,
            Tier::Senior => self.before_senior,
            Tier::Elite => self.before_elite,
            Tier::Super => self.before_super,
        })
    }

    /// Shopkeepers per tier after the run (so far).
    pub fn after(&self) -> TierCounts {
        TierCounts::from_fn(|tier| match tier {
            Tier::Rookie => self.after_rookie,
            Tier::Senior => self.after_senior,
            Tier::Elite => self.after_elite,
            Tier::Super => self.after_super,
        })
    }
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
            tier_runs::status.eq(RunStatus::Running),
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
            .filter(tier_runs::status.eq(RunStatus::Running))
            .filter(tier_runs::heartbeat_at.lt(stale_before)),
    )
    .set((
        tier_runs::holder.eq(holder),
        tier_runs::heartbeat_at.eq(now),
    ))
    .execute(conn)?
        == 1)
}

/// Records a batch as done (in the batch's transaction) with the run's counts so far; false
/// if the run has another holder.
pub fn checkpoint(
    conn: &mut DbConn,
    id: i64,
    holder: &str,
    last_member_id: i64,
    counts: &super::engine::Summary,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let (before, after) = (counts.before, counts.after);
    Ok(diesel::update(
        tier_runs::table
            .find(id)
            .filter(tier_runs::holder.eq(holder))
            .filter(tier_runs::status.eq(RunStatus::Running)),
    )
    .set((
        (
            tier_runs::last_member_id.eq(last_member_id),
            tier_runs::processed.eq(counts.processed),
            tier_runs::promoted.eq(counts.promoted),
            tier_runs::demoted.eq(counts.demoted),
            tier_runs::unchanged.eq(counts.unchanged),
            tier_runs::heartbeat_at.eq(now),
        ),
        (
            tier_runs::before_rookie.eq(before[Tier::Rookie]),
            tier_runs::before_senior.eq(before[Tier::Senior]),
            tier_runs::before_elite.eq(before[Tier::Elite]),
            tier_runs::before_super.eq(before[Tier::Super]),
            tier_runs::after_rookie.eq(after[Tier::Rookie]),
            tier_runs::after_senior.eq(after[Tier::Senior]),
            tier_runs::after_elite.eq(after[Tier::Elite]),
            tier_runs::after_super.eq(after[Tier::Super]),
        ),
    ))
    .execute(conn)?
        == 1)
}

pub fn finish(conn: &mut DbConn, id: i64, holder: &str, now: NaiveDateTime) -> AppResult<bool> {
    Ok(diesel::update(
        tier_runs::table
            .find(id)
            .filter(tier_runs::holder.eq(holder))
            .filter(tier_runs::status.eq(RunStatus::Running)),
    )
    .set((
        tier_runs::status.eq(RunStatus::Done),
        tier_runs::finished_at.eq(now),
        tier_runs::heartbeat_at.eq(now),
    ))
    .execute(conn)?
        == 1)
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

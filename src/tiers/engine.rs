//! The monthly run: every shopkeeper of a month (or of one shard of them) decided in batches.
//!
//! One statement reads the month of every shopkeeper of the run, in id order, streamed (see
//! `repo::for_each_shopkeeper_month`); the rules decide each in memory; every `batch_size`
//! decisions are written, with the run's checkpoint (the last id done), in one transaction on
//! a second connection. So a run killed at any point resumes after its last committed batch; a
//! finished run is not repeated (and history keeps one row per shopkeeper and month whatever
//! happens); a run held by a live process elsewhere is refused.

use std::time::{Duration, Instant};

use super::months::Month;
use super::repo::{self, NewHistory, RunRow, Shard};
use super::rules;
use super::Tier;
use crate::config::TierSettings;
use crate::db::{backend, Db, DbConn};
use crate::error::{AppError, AppResult};

/// A run's holder that showed no life for this long is taken to be dead.
const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub month: Month,
    pub shard: Shard,
    pub dry_run: bool,
    /// Names this process in the run's lock.
    pub holder: String,
}

/// Shopkeepers per tier, Rookie first.
pub type TierCounts = [i64; 4];

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub processed: i64,
    pub promoted: i64,
    pub demoted: i64,
    pub unchanged: i64,
    pub before: TierCounts,
    pub after: TierCounts,
    pub duration: Duration,
}

#[derive(Debug)]
pub enum Outcome {
    Finished(Summary),
    /// The month's shard was done before: nothing changed.
    AlreadyDone(Summary),
    /// Another live process is running it (its holder name).
    RunningElsewhere(String),
}

impl Summary {
    /// Counts `n` shopkeepers moved from `before` (none: Rookie) to `after`.
    fn add(&mut self, before: Option<&str>, after: &str, n: i64) {
        let before = slot(before.and_then(Tier::parse).unwrap_or(Tier::Rookie));
        let after = slot(Tier::parse(after).unwrap_or(Tier::Rookie));
        self.processed += n;
        self.before[before] += n;
        self.after[after] += n;
        match after.cmp(&before) {
            std::cmp::Ordering::Greater => self.promoted += n,
            std::cmp::Ordering::Less => self.demoted += n,
            std::cmp::Ordering::Equal => self.unchanged += n,
        }
    }

    fn merge(&mut self, other: &Summary) {
        self.processed += other.processed;
        self.promoted += other.promoted;
        self.demoted += other.demoted;
        self.unchanged += other.unchanged;
        for slot in 0..4 {
            self.before[slot] += other.before[slot];
            self.after[slot] += other.after[slot];
        }
    }

    /// The counts of a batch's decisions.
    fn of_rows(rows: &[NewHistory]) -> Self {
        let mut summary = Self::default();
        for row in rows {
            summary.add(row.previous_tier, row.tier, 1);
        }
        summary
    }
}

fn slot(tier: Tier) -> usize {
    match tier {
        Tier::Rookie => 0,
        Tier::Senior => 1,
        Tier::Elite => 2,
        Tier::Super => 3,
    }
}

/// Parses `K/N` (1 ≤ K ≤ N ≤ 1024).
pub fn parse_shard(text: &str) -> AppResult<Shard> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<i64>().ok()?, n.trim().parse::<i64>().ok()?)))
        .filter(|(k, n)| (1..=1024).contains(n) && (1..=*n).contains(k));
    parsed
        .map(|(index, count)| Shard { index, count })
        .ok_or_else(|| {
            AppError::field(
                "shard",
                "invalid",
                "shard must be K/N with 1 ≤ K ≤ N ≤ 1024",
            )
        })
}

/// The month a run without `--month` recalculates: the one just ended in the business zone.
pub fn month_just_ended(settings: &TierSettings) -> Month {
    Month::of(crate::clock::now(), settings.time_zone).previous()
}

/// Runs (or resumes) the month for the shard; `progress(done, total)` after every batch.
pub fn run(
    db: &Db,
    settings: &TierSettings,
    options: &RunOptions,
    progress: &mut dyn FnMut(i64, i64),
) -> AppResult<Outcome> {
    let started = Instant::now();
    let mut conn = db.get()?;
    let conn = &mut *conn;
    let label = options.month.label();
    let total = repo::count_shopkeepers(conn, options.shard)?;
    let run = if options.dry_run {
        None
    } else {
        match claim(db, conn, &label, options, total)? {
            Claim::Mine(run) => Some(run),
            Claim::Done => {
                let mut summary = summary_of(conn, &label, options.shard)?;
                summary.duration = started.elapsed();
                return Ok(Outcome::AlreadyDone(summary));
            }
            Claim::Elsewhere(holder) => return Ok(Outcome::RunningElsewhere(holder)),
        }
    };
    let after = run.as_ref().map_or(0, |r| r.last_member_id);
    let mut done = run.as_ref().map_or(0, |r| r.processed);
    let mut dry = Summary::default();
    let mut batch: Vec<NewHistory> = Vec::new();
    // The stream holds the reading connection; batches are written on another.
    let mut writer = match &run {
        Some(_) => Some(db.get()?),
        None => None,
    };
    let mut flush = |batch: &mut Vec<NewHistory>| -> AppResult<()> {
        let Some(&NewHistory {
            member_id: high, ..
        }) = batch.last()
        else {
            return Ok(());
        };
        let counts = Summary::of_rows(batch);
        match (&run, writer.as_deref_mut()) {
            (Some(run), Some(writer)) => {
                write_batch(db, writer, run, options, batch, high, &counts)?
            }
            _ => dry.merge(&counts),
        }
        done += counts.processed;
        progress(done.min(total), total);
        batch.clear();
        Ok(())
    };
    let now = crate::clock::now();
    let previous_label = options.month.previous().label();
    repo::for_each_shopkeeper_month(
        conn,
        (&label, &previous_label),
        options.month.bounds(settings.time_zone),
        options.shard,
        after,
        &mut |month| {
            batch.push(decide(settings, &label, month, now));
            if batch.len() as i64 >= settings.batch_size {
                flush(&mut batch)?;
            }
            Ok(())
        },
    )?;
    flush(&mut batch)?;
    let mut summary = match &run {
        Some(run) => {
            db.with_writer(|| {
                backend::write_transaction(conn, |conn| {
                    repo::finish(conn, run.id, &options.holder, crate::clock::now())
                })
            })?;
            summary_of(conn, &label, options.shard)?
        }
        None => dry,
    };
    summary.duration = started.elapsed();
    Ok(Outcome::Finished(summary))
}

enum Claim {
    Mine(RunRow),
    Done,
    Elsewhere(String),
}

/// Starts the month's shard, resumes it if its holder is this process or has died, or says
/// who runs it.
fn claim(
    db: &Db,
    conn: &mut DbConn,
    label: &str,
    options: &RunOptions,
    total: i64,
) -> AppResult<Claim> {
    db.with_writer(|| {
        backend::write_transaction(conn, |conn| {
            let now = crate::clock::now();
            if repo::find_run(conn, label, options.shard)?.is_none() {
                repo::insert_run(conn, label, options.shard, &options.holder, total, now)?;
            }
            let run = repo::find_run(conn, label, options.shard)?
                .ok_or_else(|| AppError::internal("a tier run vanished"))?;
            if run.status == "done" {
                return Ok(Claim::Done);
            }
            if run.holder == options.holder
                || repo::take_over(conn, run.id, &options.holder, now - STALE_AFTER, now)?
            {
                let run = repo::find_run(conn, label, options.shard)?
                    .ok_or_else(|| AppError::internal("a tier run vanished"))?;
                return Ok(Claim::Mine(run));
            }
            Ok(Claim::Elsewhere(run.holder))
        })
    })
}

/// Writes a batch of decisions with the run's checkpoint, in one transaction.
fn write_batch(
    db: &Db,
    conn: &mut DbConn,
    run: &RunRow,
    options: &RunOptions,
    rows: &[NewHistory],
    high: i64,
    counts: &Summary,
) -> AppResult<()> {
    let written = db.with_writer(|| {
        backend::write_transaction(conn, |conn| -> AppResult<bool> {
            let rows: Vec<NewHistory> = rows
                .iter()
                .cloned()
                .map(|row| NewHistory {
                    run_id: Some(run.id),
                    ..row
                })
                .collect();
            repo::insert_history(conn, &rows)?;
            repo::checkpoint(
                conn,
                run.id,
                &options.holder,
                high,
                (
                    counts.processed,
                    counts.promoted,
                    counts.demoted,
                    counts.unchanged,
                ),
                crate::clock::now(),
            )
        })
    })?;
    if written {
        Ok(())
    } else {
        Err(AppError::Conflict {
            code: "run_taken_over",
            detail: format!(
                "the run of {} was taken over by another process; stopped",
                options.month.label()
            ),
        })
    }
}

/// One shopkeeper's decision for the month, as its history row.
fn decide(
    settings: &TierSettings,
    label: &str,
    month: repo::ShopkeeperMonth,
    now: chrono::NaiveDateTime,
) -> NewHistory {
    let figures = month.figures.month_figures(month.serious_violations);
    let before = month
        .previous_tier
        .as_deref()
        .and_then(Tier::parse)
        .unwrap_or(Tier::Rookie);
    let decision = rules::decide(settings, before, &figures);
    NewHistory {
        member_id: month.figures.member_id,
        month: label.to_owned(),
        tier: decision.tier.as_str(),
        created_at: now,
        previous_tier: Some(before.as_str()),
        gmv_fen: figures.gmv_fen.0,
        orders: figures.orders,
        buyers: figures.buyers,
        refund_rate_bps: figures.refund_rate_bps.0,
        serious_violations: figures.serious_violations,
        reason: decision.reason,
        run_id: None,
    }
}

/// The month's shard as recorded: tiers before and after, moves.
fn summary_of(conn: &mut DbConn, label: &str, shard: Shard) -> AppResult<Summary> {
    let mut summary = Summary::default();
    for row in repo::transitions(conn, label, shard)? {
        summary.add(row.previous_tier.as_deref(), &row.tier, row.n);
    }
    Ok(summary)
}

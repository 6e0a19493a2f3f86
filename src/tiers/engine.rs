//! The monthly run: every shopkeeper of a month (or of one shard of them) decided in batches.
//!
//! One statement reads the month of every shopkeeper of the run, in id order, streamed (see
//! `repo::for_each_shopkeeper_month`); the rules decide each in memory; every `batch_size`
//! decisions go to a writer thread, which writes them with the run's checkpoint (the last id
//! done and the counts so far) in one transaction on its own connection, while the reading
//! goes on. So a run killed at any point resumes after its last committed batch; a finished
//! run is not repeated (and history keeps one row per shopkeeper and month whatever happens);
//! a run held by a live process elsewhere is refused. At most three batches are in memory.

use std::time::{Duration, Instant};

use super::months::Month;
use super::repo::{self, NewHistory, RunRow, RunStatus, Shard};
use super::rules;
use super::TierCounts;
use crate::clock::Clock;
use crate::db::{backend, Db, DbConn};
use crate::error::{AppError, AppResult};
use crate::tiers::TierSettings;

/// A run's holder that showed no life for this long is taken to be dead.
const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub month: Month,
    pub shard: Shard,
    pub dry_run: bool,
    /// Names this process in the run's lock.
    pub holder: String,
    /// The business time the decisions are made at (`--as-of`, or the clock's now).
    pub as_of: chrono::NaiveDateTime,
}

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
    /// Counts a batch's decisions: each shopkeeper moved from its previous tier (none:
    /// Rookie) to its new one.
    fn count(&mut self, rows: &[NewHistory]) {
        for row in rows {
            let (before, after) = (row.previous_tier.unwrap_or_default(), row.tier);
            self.processed += 1;
            self.before[before] += 1;
            self.after[after] += 1;
            match after.cmp(&before) {
                std::cmp::Ordering::Greater => self.promoted += 1,
                std::cmp::Ordering::Less => self.demoted += 1,
                std::cmp::Ordering::Equal => self.unchanged += 1,
            }
        }
    }

    /// The counts a run's row has kept so far.
    fn of_run(run: &RunRow) -> Self {
        Self {
            processed: run.processed,
            promoted: run.promoted,
            demoted: run.demoted,
            unchanged: run.unchanged,
            before: run.before(),
            after: run.after(),
            duration: Duration::ZERO,
        }
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

/// The month a run without `--month` recalculates at `now`: the one just ended in the
/// business zone.
pub fn month_just_ended(now: chrono::NaiveDateTime, settings: &TierSettings) -> Month {
    Month::of(now, settings.time_zone).previous()
}

/// The month the scheduler should have recalculated by `now` (UTC): the one just ended, once
/// `tiers.run_day` at `tiers.run_at` (business time) has come; before that, none.
pub fn scheduled_month(now: chrono::NaiveDateTime, settings: &TierSettings) -> Option<Month> {
    use chrono::{Datelike, TimeZone};
    let run_at = chrono::NaiveTime::parse_from_str(&settings.run_at, "%H:%M").ok()?;
    let local = settings.time_zone.from_utc_datetime(&now);
    let due = local.day() > settings.run_day
        || (local.day() == settings.run_day && local.time() >= run_at);
    due.then(|| month_just_ended(now, settings))
}

/// Runs (or resumes) the month for the shard; `progress(done, total)` after every batch
/// (written, unless a dry run).
pub fn run(
    db: &Db,
    settings: &TierSettings,
    options: &RunOptions,
    progress: &mut (dyn FnMut(i64, i64) + Send),
) -> AppResult<Outcome> {
    // A month is decided from its whole figures: only once it has ended at `as_of`, whoever
    // asks (the scheduler, an admin, the command line).
    if options.month >= Month::of(options.as_of, settings.time_zone) {
        return Err(AppError::field(
            "month",
            "month_not_ended",
            format!(
                "{} has not ended yet in business time",
                options.month.label()
            ),
        ));
    }
    let started = Instant::now();
    let mut conn = db.get()?;
    let conn = &mut *conn;
    let label = options.month.label();
    let total = repo::count_shopkeepers(conn, options.shard)?;
    let mut summary = if options.dry_run {
        let mut summary = Summary::default();
        read_month(conn, settings, options, (0, None), &mut |batch| {
            summary.count(&batch);
            progress(summary.processed.min(total), total);
            Ok(())
        })?;
        summary
    } else {
        match claim(db, conn, &label, options, total)? {
            Claim::Mine(run) => {
                let summary = run_and_write(db, conn, settings, options, &run, &mut |done| {
                    progress(done.min(total), total)
                })?;
                db.with_writer(|| {
                    backend::write_transaction(conn, |conn| {
                        repo::finish(conn, run.id, &options.holder, Clock::system().now())
                    })
                })?;
                summary
            }
            Claim::Done(run) => {
                let mut summary = Summary::of_run(&run);
                summary.duration = started.elapsed();
                return Ok(Outcome::AlreadyDone(summary));
            }
            Claim::Elsewhere(holder) => return Ok(Outcome::RunningElsewhere(holder)),
        }
    };
    summary.duration = started.elapsed();
    Ok(Outcome::Finished(summary))
}

/// Reads and decides the month of the run's shopkeepers after `after`, handing on every
/// `batch_size` decisions (and the rest at the end), as rows of the run `run_id`.
fn read_month(
    conn: &mut DbConn,
    settings: &TierSettings,
    options: &RunOptions,
    (after, run_id): (i64, Option<i64>),
    hand_on: &mut dyn FnMut(Vec<NewHistory>) -> AppResult<()>,
) -> AppResult<()> {
    let label = options.month.label();
    let now = options.as_of;
    let mut batch = Vec::new();
    repo::for_each_shopkeeper_month(
        conn,
        (&label, &options.month.previous().label()),
        options.month.bounds(settings.time_zone),
        options.shard,
        after,
        &mut |month| {
            batch.push(NewHistory {
                run_id,
                ..decide(settings, &label, month, now)
            });
            if batch.len() as i64 >= settings.batch_size {
                hand_on(std::mem::take(&mut batch))?;
            }
            Ok(())
        },
    )?;
    if batch.is_empty() {
        Ok(())
    } else {
        hand_on(batch)
    }
}

/// The claimed run from its checkpoint on: this thread reads and decides, a writer thread
/// writes each batch with its checkpoint (`written(done)` after each); the run's counts.
fn run_and_write(
    db: &Db,
    conn: &mut DbConn,
    settings: &TierSettings,
    options: &RunOptions,
    run: &RunRow,
    written: &mut (dyn FnMut(i64) + Send),
) -> AppResult<Summary> {
    // One batch waiting while one is written and one is read: memory stays flat.
    let (to_writer, batches) = std::sync::mpsc::sync_channel::<Vec<NewHistory>>(1);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> AppResult<Summary> {
            let mut conn = db.get()?;
            let mut counts = Summary::of_run(run);
            for batch in batches {
                counts.count(&batch);
                write_batch(db, &mut conn, run, options, &batch, &counts)?;
                written(counts.processed);
            }
            Ok(counts)
        });
        let start = (run.last_member_id, Some(run.id));
        let read = read_month(conn, settings, options, start, &mut |batch| {
            // Refused only once the writer has stopped; its own error says why.
            to_writer
                .send(batch)
                .map_err(|_| AppError::internal("the tier run's writer stopped"))
        });
        drop(to_writer);
        let counts = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        read.map(|()| counts)
    })
}

enum Claim {
    Mine(RunRow),
    Done(RunRow),
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
            // The run's lock: wall time, as it measures whether its holder is alive.
            let now = Clock::system().now();
            if repo::find_run(conn, label, options.shard)?.is_none() {
                repo::insert_run(conn, label, options.shard, &options.holder, total, now)?;
            }
            let run = repo::find_run(conn, label, options.shard)?
                .ok_or_else(|| AppError::internal("a tier run vanished"))?;
            if run.status == RunStatus::Done {
                return Ok(Claim::Done(run));
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

/// Writes a batch of decisions with the run's checkpoint (the batch's last id, the run's
/// counts with it), in one transaction.
fn write_batch(
    db: &Db,
    conn: &mut DbConn,
    run: &RunRow,
    options: &RunOptions,
    rows: &[NewHistory],
    counts: &Summary,
) -> AppResult<()> {
    let Some(high) = rows.last().map(|row| row.member_id) else {
        return Ok(());
    };
    db.with_writer(|| {
        backend::write_transaction(conn, |conn| -> AppResult<()> {
            repo::insert_history(conn, rows)?;
            let still_ours = repo::checkpoint(
                conn,
                run.id,
                &options.holder,
                high,
                counts,
                Clock::system().now(),
            )?;
            if still_ours {
                Ok(())
            } else {
                // Rolls the batch back: the process that took the run over writes it.
                Err(AppError::Conflict {
                    code: "run_taken_over",
                    detail: format!(
                        "the run of {} was taken over by another process; stopped",
                        options.month.label()
                    ),
                })
            }
        })
    })
}

/// One shopkeeper's decision for the month, as its history row.
fn decide(
    settings: &TierSettings,
    label: &str,
    month: repo::ShopkeeperMonth,
    now: chrono::NaiveDateTime,
) -> NewHistory {
    let figures = month.figures.month_figures(month.serious_violations);
    let before = month.previous_tier.unwrap_or_default();
    let decision = rules::decide(settings, before, &figures);
    NewHistory {
        member_id: month.figures.member_id,
        month: label.to_owned(),
        tier: decision.tier,
        created_at: now,
        previous_tier: Some(before),
        gmv_fen: figures.gmv_fen.0,
        orders: figures.orders,
        buyers: figures.buyers,
        refund_rate_bps: figures.refund_rate_bps.0,
        serious_violations: figures.serious_violations,
        reason: decision.reason,
        run_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(utc: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_schedule_runs_the_month_just_ended_from_00_05_on_the_1st_in_shanghai() {
        let settings: TierSettings = crate::settings::defaults("tiers");
        assert_eq!((settings.run_day, settings.run_at.as_str()), (1, "00:05"));
        let november = Month::parse("2026-11").unwrap();
        let october = Month::parse("2026-10").unwrap();
        // 1 December 00:04:59 in Shanghai is 30 November 16:04:59 UTC: not yet.
        assert_eq!(scheduled_month(at("2026-11-30 16:04:59"), &settings), None);
        assert_eq!(
            scheduled_month(at("2026-11-30 16:05:00"), &settings),
            Some(november)
        );
        // A server started later in the month still runs it (once: the engine remembers).
        assert_eq!(
            scheduled_month(at("2026-12-20 08:00:00"), &settings),
            Some(november)
        );
        // 30 November 23:59 in Shanghai: November is not over, October was due.
        assert_eq!(
            scheduled_month(at("2026-11-30 15:59:00"), &settings),
            Some(october)
        );
        assert_eq!(
            month_just_ended(at("2026-11-30 16:00:00"), &settings),
            november
        );
        assert_eq!(
            month_just_ended(at("2026-11-30 15:59:59"), &settings),
            october
        );
    }
}

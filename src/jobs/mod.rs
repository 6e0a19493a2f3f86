//! Background work: the jobs, run once from the command line (`xiaopu jobs run NAME`) or every
//! few seconds by the scheduler inside `xiaopu serve`. Several servers may run the scheduler:
//! a lease row in the database lets one of them work on a job at a time.

mod lease;
pub mod scheduler;

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::audit::Actor;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{backend, Db};
use crate::error::{AppError, AppResult};
use crate::orders::service::ActorKind;
use crate::orders::state::OrderStatus;
use crate::payments::Gateways;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Job {
    /// Refund the deposits (net of what they owe) of suppliers whose exit clearance period has
    /// ended and whose orders, after-sales cases and disputes have all closed.
    SupplierExits,
    /// Cancel orders not paid in time and return their stock.
    CancelUnpaid,
    /// Confirm receipt of parts shipped `orders.auto_receive_days` ago.
    AutoReceive,
    /// Delete Idempotency-Keys older than `idempotency.retention_hours`.
    PurgeKeys,
    /// Send decided refunds through their payment gateways (retrying failed ones).
    SendRefunds,
    /// Settle parts received `money.settlement_window_days` ago with no open after-sales case.
    Settle,
    /// Act on after-sales cases past their deadline: approve those the supplier did not answer,
    /// close returns the buyer did not send, refund returns the supplier did not confirm.
    AftersalesDeadlines,
    /// Pay out requested withdrawals through the gateway (retrying failed calls).
    SendPayouts,
}

impl Job {
    pub fn name(self) -> &'static str {
        match self {
            Self::SupplierExits => "supplier-exits",
            Self::CancelUnpaid => "cancel-unpaid",
            Self::AutoReceive => "auto-receive",
            Self::PurgeKeys => "purge-keys",
            Self::SendRefunds => "send-refunds",
            Self::Settle => "settle",
            Self::AftersalesDeadlines => "aftersales-deadlines",
            Self::SendPayouts => "send-payouts",
        }
    }
}

impl Job {
    /// The job named as on the command line (`cancel-unpaid`…).
    pub fn from_name(name: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::value_variants()
            .iter()
            .copied()
            .find(|job| job.name() == name)
    }
}

/// What one run did: rows handled, or that another server holds the job now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunReport {
    Done(usize),
    HeldElsewhere,
}

/// What a job run uses of the server's state (the scheduler's threads, the admin route, the
/// command line and the tests all hand it the same parts).
pub struct JobParts {
    pub db: Db,
    pub settings: std::sync::Arc<Settings>,
    pub gateways: Gateways,
    pub clock: Clock,
}

/// Runs `job` once if this process can take its lease; `holder` names the process. The lease
/// is renewed before every batch, and the run stops if it was lost meanwhile.
pub fn run(parts: &JobParts, job: Job, holder: &str) -> AppResult<RunReport> {
    let JobParts {
        db,
        settings,
        gateways,
        clock,
    } = parts;
    // The scheduler's threads queue with the requests for SQLite's one writer.
    db.with_writer(|| {
        let lease = Lease { job, holder };
        if !lease.renew(db)? {
            return Ok(RunReport::HeldElsewhere);
        }
        let done = run_unleased(db, settings, gateways, clock.now(), &lease);
        lease::release(&mut *db.get()?, job.name(), holder)?;
        done.map(RunReport::Done)
    })
}

struct Lease<'a> {
    job: Job,
    holder: &'a str,
}

impl Lease<'_> {
    /// Long enough for a batch; a crashed holder's lease lapses after it.
    const PERIOD: Duration = Duration::from_secs(300);

    fn renew(&self, db: &Db) -> AppResult<bool> {
        lease::acquire(&mut *db.get()?, self.job.name(), self.holder, Self::PERIOD)
    }
}

/// Runs one row's transaction; an error is logged and the row left for the next run, so one
/// bad row never blocks the rest. Passing trouble (database unavailable) stops the run.
fn each_row(job: Job, row: i64, result: AppResult<bool>) -> AppResult<bool> {
    match result {
        Ok(done) => Ok(done),
        Err(error @ AppError::Unavailable { .. }) => Err(error),
        Err(error) => {
            tracing::warn!(job = job.name(), row, %error, "row skipped; retried next run");
            Ok(false)
        }
    }
}

/// Handles the rows `fetch` finds, each in its own transaction, batch after batch until a batch
/// is short or moves nothing (rows that failed stay for the next run), renewing the lease
/// between batches. Returns how many rows `handle` moved.
fn row_by_row<T>(
    db: &Db,
    conn: &mut crate::db::DbConn,
    lease: &Lease,
    batch: i64,
    mut fetch: impl FnMut(&mut crate::db::DbConn) -> AppResult<Vec<T>>,
    row_id: impl Fn(&T) -> i64,
    mut handle: impl FnMut(&mut crate::db::DbConn, &T) -> AppResult<bool>,
) -> AppResult<usize> {
    let mut total = 0;
    loop {
        let due = fetch(conn)?;
        let mut moved = 0;
        for row in &due {
            let result = backend::write_transaction(conn, |conn| handle(conn, row));
            if each_row(lease.job, row_id(row), result)? {
                moved += 1;
            }
        }
        total += moved;
        if (due.len() as i64) < batch || moved == 0 || !lease.renew(db)? {
            return Ok(total);
        }
    }
}

/// Sends an outbox's rows batch after batch until a batch is short, renewing the lease.
fn outbox(
    db: &Db,
    lease: &Lease,
    batch: i64,
    mut send: impl FnMut() -> AppResult<usize>,
) -> AppResult<usize> {
    let mut sent = 0;
    loop {
        let done = send()?;
        sent += done;
        if (done as i64) < batch || !lease.renew(db)? {
            return Ok(sent);
        }
    }
}

/// Runs the job as of `now`: the business time the whole run acts at.
fn run_unleased(
    db: &Db,
    settings: &Settings,
    gateways: &Gateways,
    now: NaiveDateTime,
    lease: &Lease,
) -> AppResult<usize> {
    let batch = settings.jobs.batch_size;
    let actor = Actor::system(now);
    let mut conn = db.get()?;
    let conn = &mut *conn;
    match lease.job {
        Job::SupplierExits => Ok(backend::write_transaction(conn, |conn| {
            crate::settlement::exits::run_due_exits(
                conn,
                settings.aftersales.claim_window(),
                &actor,
            )
        })?
        .len()),
        Job::CancelUnpaid => {
            let reason = format!(
                "not paid within {} minutes",
                settings.orders.payment_timeout_minutes
            );
            row_by_row(
                db,
                conn,
                lease,
                batch,
                |conn| crate::orders::repo::overdue_unpaid(conn, now, batch),
                |order_id| *order_id,
                // One transaction per order: a payment racing it waits on the order row, and
                // whichever comes second sees the other's result (then a 409 here).
                |conn, order_id| {
                    let Some(order) = crate::orders::repo::find(conn, *order_id)? else {
                        return Ok(false);
                    };
                    if order.status != OrderStatus::PendingPayment {
                        return Ok(false);
                    }
                    match crate::aftersales::cancellation::cancel(
                        conn,
                        &order,
                        ActorKind::System,
                        &actor,
                        &reason,
                    ) {
                        Ok(()) => Ok(true),
                        Err(AppError::Conflict { .. }) => Ok(false),
                        Err(other) => Err(other),
                    }
                },
            )
        }
        Job::AutoReceive => {
            let cutoff = now - chrono::Duration::days(i64::from(settings.orders.auto_receive_days));
            row_by_row(
                db,
                conn,
                lease,
                batch,
                |conn| crate::orders::repo::shipped_before(conn, cutoff, batch),
                |(_, part_id)| *part_id,
                |conn, (order_id, part_id)| {
                    crate::orders::service::receive_part(
                        conn,
                        *order_id,
                        *part_id,
                        ActorKind::System,
                        &actor,
                        now,
                    )
                },
            )
        }
        Job::Settle => {
            let cutoff =
                now - chrono::Duration::days(i64::from(settings.money.settlement_window_days));
            row_by_row(
                db,
                conn,
                lease,
                batch,
                |conn| crate::settlement::repo::settlement_due(conn, cutoff, now, batch),
                |(_, part_id)| *part_id,
                |conn, (order_id, part_id)| {
                    crate::settlement::service::settle_part(conn, &actor, *order_id, *part_id, now)
                },
            )
        }
        Job::AftersalesDeadlines => {
            let approved = row_by_row(
                db,
                conn,
                lease,
                batch,
                |conn| crate::aftersales::repo::overdue(conn, now, batch),
                |(_, case_id)| *case_id,
                |conn, (_, case_id)| {
                    crate::aftersales::service::act_on_overdue(
                        conn,
                        &settings.aftersales,
                        *case_id,
                        &actor,
                    )
                },
            )?;
            // Refund-only cases were refunded: send the money now rather than at the next run.
            crate::payments::service::send_refunds(conn, gateways, None, batch, now)?;
            Ok(approved)
        }
        Job::SendRefunds => outbox(db, lease, batch, || {
            crate::payments::service::send_refunds(conn, gateways, None, batch, now)
        }),
        Job::SendPayouts => outbox(db, lease, batch, || {
            crate::withdrawals::service::send_payouts(conn, gateways, None, batch, now)
        }),
        Job::PurgeKeys => {
            let cutoff =
                now - chrono::Duration::hours(i64::from(settings.idempotency.retention_hours));
            let mut purged = 0;
            loop {
                let deleted = backend::write_transaction(conn, |conn| {
                    crate::idempotency::purge_before(conn, cutoff, batch)
                })?;
                purged += deleted;
                if (deleted as i64) < batch || !lease.renew(db)? {
                    return Ok(purged);
                }
            }
        }
    }
}

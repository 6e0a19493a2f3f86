//! Background work: the jobs, run once from the command line (`xiaopu jobs run NAME`) or every
//! few seconds by the scheduler inside `xiaopu serve`. Several servers may run the scheduler:
//! a lease row in the database lets one of them work on a job at a time.

mod lease;
pub mod scheduler;

use std::time::Duration;

use crate::audit::Actor;
use crate::config::Settings;
use crate::db::{backend, Db};
use crate::error::AppResult;
use crate::orders::service::ActorKind;
use crate::payments::Gateways;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Job {
    /// Refund the deposits of suppliers whose exit clearance period has ended.
    SupplierExits,
    /// Cancel orders not paid in time and return their stock.
    CancelUnpaid,
    /// Confirm receipt of parts shipped `orders.auto_receive_days` ago.
    AutoReceive,
    /// Delete Idempotency-Keys older than `idempotency.retention_hours`.
    PurgeKeys,
}

impl Job {
    pub fn name(self) -> &'static str {
        match self {
            Self::SupplierExits => "supplier-exits",
            Self::CancelUnpaid => "cancel-unpaid",
            Self::AutoReceive => "auto-receive",
            Self::PurgeKeys => "purge-keys",
        }
    }
}

/// What one run did: rows handled, or that another server holds the job now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunReport {
    Done(usize),
    HeldElsewhere,
}

/// Runs `job` once if this process can take its lease; `holder` names the process.
pub fn run(
    db: &Db,
    settings: &Settings,
    gateways: &Gateways,
    job: Job,
    holder: &str,
) -> AppResult<RunReport> {
    // Long enough for a run; a crashed holder's lease lapses after it.
    let lease_for = Duration::from_secs(300);
    if !lease::acquire(&mut *db.get()?, job.name(), holder, lease_for)? {
        return Ok(RunReport::HeldElsewhere);
    }
    let done = run_unleased(db, settings, gateways, job);
    lease::release(&mut *db.get()?, job.name(), holder)?;
    done.map(RunReport::Done)
}

fn run_unleased(db: &Db, settings: &Settings, gateways: &Gateways, job: Job) -> AppResult<usize> {
    let batch = settings.jobs.batch_size;
    let actor = Actor::system();
    let mut conn = db.get()?;
    let conn = &mut *conn;
    let now = crate::clock::now();
    match job {
        Job::SupplierExits => Ok(backend::write_transaction(conn, |conn| {
            crate::suppliers::service::run_due_exits(conn, &actor)
        })?
        .len()),
        Job::CancelUnpaid => {
            let reason = format!(
                "not paid within {} minutes",
                settings.orders.payment_timeout_minutes
            );
            let mut cancelled = 0;
            loop {
                let due = crate::orders::repo::overdue_unpaid(conn, now, batch)?;
                let mut moved = 0;
                for order_id in &due {
                    // One transaction per order: a payment racing it waits on the order row,
                    // and whichever comes second sees the other's result.
                    if backend::write_transaction(conn, |conn| {
                        let Some(order) = crate::orders::repo::find(conn, *order_id)? else {
                            return Ok(false);
                        };
                        if order.status
                            != crate::orders::state::OrderStatus::PendingPayment.as_str()
                        {
                            return Ok(false);
                        }
                        crate::orders::service::cancel(
                            conn,
                            gateways,
                            &order,
                            ActorKind::System,
                            &actor,
                            &reason,
                        )
                    })? {
                        moved += 1;
                    }
                }
                cancelled += moved;
                if (due.len() as i64) < batch || moved == 0 {
                    return Ok(cancelled);
                }
            }
        }
        Job::AutoReceive => {
            let cutoff = now - chrono::Duration::days(i64::from(settings.orders.auto_receive_days));
            let mut received = 0;
            loop {
                let due = crate::orders::repo::shipped_before(conn, cutoff, batch)?;
                for (order_id, part_id) in &due {
                    if backend::write_transaction(conn, |conn| {
                        crate::orders::service::receive_part(
                            conn,
                            *order_id,
                            *part_id,
                            ActorKind::System,
                            &actor,
                            now,
                        )
                    })? {
                        received += 1;
                    }
                }
                if (due.len() as i64) < batch {
                    return Ok(received);
                }
            }
        }
        Job::PurgeKeys => {
            let cutoff =
                now - chrono::Duration::hours(i64::from(settings.idempotency.retention_hours));
            let mut purged = 0;
            loop {
                let deleted = backend::write_transaction(conn, |conn| {
                    crate::idempotency::purge_before(conn, cutoff, batch)
                })?;
                purged += deleted;
                if (deleted as i64) < batch {
                    return Ok(purged);
                }
            }
        }
    }
}

//! One holder per job at a time, across servers: a row per job with its holder and expiry.
//! Leases run on wall time, not business time: they tell whether a process is alive, and every
//! process (a server whose business clock was advanced, a command run `--as-of` another time)
//! must agree on that.

use std::time::Duration;

use diesel::prelude::*;

use crate::clock::Clock;
use crate::db::schema::job_leases;
use crate::db::{backend, DbConn};
use crate::error::AppResult;
use crate::with_backend;

/// Takes the job's lease for `holder` if it is free, lapsed, or already theirs.
pub fn acquire(conn: &mut DbConn, job: &str, holder: &str, lease_for: Duration) -> AppResult<bool> {
    let now = Clock::system().now();
    let until = now + chrono::Duration::from_std(lease_for).unwrap_or(chrono::Duration::minutes(5));
    backend::write_transaction(conn, |conn| {
        // The row exists from the first run on; created lapsed, so the update below takes it.
        with_backend!(conn, c => diesel::insert_into(job_leases::table)
            .values((
                job_leases::job.eq(job),
                job_leases::holder.eq(""),
                job_leases::expires_at.eq(now),
            ))
            .on_conflict(job_leases::job)
            .do_nothing()
            .execute(c))?;
        let taken = diesel::update(
            job_leases::table.find(job).filter(
                job_leases::expires_at
                    .le(now)
                    .or(job_leases::holder.eq(holder)),
            ),
        )
        .set((
            job_leases::holder.eq(holder),
            job_leases::expires_at.eq(until),
        ))
        .execute(conn)?;
        Ok(taken == 1)
    })
}

/// Gives the lease back (only if still held by `holder`).
pub fn release(conn: &mut DbConn, job: &str, holder: &str) -> AppResult<()> {
    diesel::update(
        job_leases::table
            .find(job)
            .filter(job_leases::holder.eq(holder)),
    )
    .set(job_leases::expires_at.eq(Clock::system().now()))
    .execute(conn)?;
    Ok(())
}

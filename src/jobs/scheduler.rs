//! The scheduler inside `xiaopu serve`: one thread per job, each running it every configured
//! number of seconds (when `jobs.scheduler_enabled`).

use std::sync::Arc;
use std::time::Duration;

use super::{run, Job, JobParts, RunReport};

/// Starts the job threads; they live as long as the process.
pub fn start(state: Arc<JobParts>) {
    let jobs = &state.settings.jobs;
    if !jobs.scheduler_enabled {
        return;
    }
    let holder = format!(
        "{}-{}-{}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "xiaopu".to_owned()),
        std::process::id(),
        crate::auth::tokens::random_url_safe(6)
    );
    for (job, every) in [
        (Job::CancelUnpaid, jobs.cancel_unpaid_every_seconds),
        (Job::AutoReceive, jobs.auto_receive_every_seconds),
        (Job::PurgeKeys, jobs.purge_keys_every_seconds),
        (Job::SendRefunds, jobs.send_refunds_every_seconds),
        (Job::Settle, jobs.settle_every_seconds),
        (Job::SendPayouts, jobs.send_payouts_every_seconds),
        (
            Job::AftersalesDeadlines,
            jobs.aftersales_deadlines_every_seconds,
        ),
        // Exits fall due by the day: checking as often as receipts is plenty.
        (Job::SupplierExits, jobs.auto_receive_every_seconds),
    ] {
        let (state, holder) = (Arc::clone(&state), holder.clone());
        std::thread::Builder::new()
            .name(format!("job-{}", job.name()))
            .spawn(move || loop {
                std::thread::sleep(Duration::from_secs(every));
                match run(&state, job, &holder) {
                    Ok(RunReport::Done(0) | RunReport::HeldElsewhere) => {}
                    Ok(RunReport::Done(n)) => tracing::info!(job = job.name(), rows = n, "job ran"),
                    Err(error) => {
                        tracing::warn!(job = job.name(), %error, "job failed; retried next time")
                    }
                }
            })
            .expect("a job thread starts");
    }
    start_tier_schedule(state, holder);
}

/// Recalculates the month just ended once it is due (`tiers.run_day` at `tiers.run_at`, local
/// time), or as soon as the server is up after that: checked every minute, once per month per
/// process; another server running it at the same time is left to it.
fn start_tier_schedule(state: Arc<JobParts>, holder: String) {
    use crate::tiers::engine::{self, Outcome, RunOptions};
    std::thread::Builder::new()
        .name("job-tiers".to_owned())
        .spawn(move || {
            let tiers = &state.settings.tiers;
            let mut done: Option<crate::tiers::months::Month> = None;
            loop {
                std::thread::sleep(Duration::from_secs(60));
                let now = state.clock.now();
                let Some(month) = engine::scheduled_month(now, tiers)
                    .filter(|month| done != Some(*month))
                else {
                    continue;
                };
                let options = RunOptions {
                    month,
                    shard: crate::tiers::repo::Shard::WHOLE,
                    dry_run: false,
                    holder: holder.clone(),
                    as_of: now,
                };
                match engine::run(&state.db, tiers, &options, &mut |_, _| {}) {
                    Ok(Outcome::Finished(summary)) => {
                        tracing::info!(month = %month.label(), processed = summary.processed, promoted = summary.promoted, demoted = summary.demoted, "tier run finished");
                        done = Some(month);
                    }
                    Ok(Outcome::AlreadyDone(_)) => done = Some(month),
                    Ok(Outcome::RunningElsewhere(_)) => {}
                    Err(error) => tracing::warn!(%error, "tier run failed; retried in a minute"),
                }
            }
        })
        .expect("the tier thread starts");
}

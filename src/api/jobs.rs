//! Admins run a job now, rather than wait for the scheduler: after moving business time in
//! development, or to send refunds and payouts at once. The same lease as the scheduler's
//! keeps one holder per job across servers.

use actix_web::{post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AdminMember;
use crate::blocking::off_worker;
use crate::error::{AppError, AppResult};
use crate::jobs::{run, Job, RunReport};
use crate::openapi::{CommonErrors, RoleErrors};
use crate::state::AppState;
use crate::tiers::engine::{self, Outcome, RunOptions};
use crate::tiers::months::Month;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct JobPath {
    /// supplier-exits, cancel-unpaid, auto-receive, purge-keys, send-refunds, settle,
    /// aftersales-deadlines or send-payouts.
    pub job: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobRunView {
    pub job: String,
    /// Rows the run handled (orders cancelled, parts received or settled, refunds sent…).
    pub handled: usize,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierRunRequest {
    /// YYYY-MM; default: the month just ended in business time.
    pub month: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierRunResult {
    pub month: String,
    /// False when the month had been run before (nothing changed).
    pub ran: bool,
    pub processed: i64,
    pub promoted: i64,
    pub demoted: i64,
    pub unchanged: i64,
}

fn held_elsewhere(what: &str) -> AppError {
    AppError::Conflict {
        code: "job_running_elsewhere",
        detail: format!("{what} is running in another process; try again when it ends"),
    }
}

/// Run a background job once, now, as of the current business time.
///
/// 409 `job_running_elsewhere` while another server's scheduler holds it.
#[utoipa::path(
    tag = "operations",
    params(JobPath),
    responses(
        (status = 200, description = "The job ran", body = JobRunView),
        (status = 409, description = "Another process holds the job (`job_running_elsewhere`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, crate::openapi::NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/jobs/{job}/run")]
pub async fn run_now(
    state: web::Data<AppState>,
    _admin: AdminMember,
    path: web::Path<JobPath>,
) -> AppResult<web::Json<JobRunView>> {
    let job = Job::from_name(&path.job).ok_or(AppError::NotFound { resource: "job" })?;
    let (parts, holder) = (state.job_parts(), format!("admin-{}", std::process::id()));
    let report = off_worker(move || run(&parts, job, &holder)).await??;
    match report {
        RunReport::Done(handled) => Ok(web::Json(JobRunView {
            job: job.name().to_owned(),
            handled,
        })),
        RunReport::HeldElsewhere => Err(held_elsewhere(job.name())),
    }
}

/// Run the monthly tier engine for a month now, as of the current business time.
///
/// Only a month that has ended in business time (422 `month_not_ended` otherwise).
/// What the scheduler does on `tiers.run_day`; a month already run is not run again
/// (`ran: false`). Meant for development and small platforms: at millions of shopkeepers
/// use `xiaopu tiers run` with `--shard`.
#[utoipa::path(
    tag = "tiers",
    request_body = TierRunRequest,
    responses(
        (status = 200, description = "The month's run", body = TierRunResult),
        (status = 409, description = "Another process is running the month (`job_running_elsewhere`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/tiers/runs")]
pub async fn run_tiers(
    state: web::Data<AppState>,
    _admin: AdminMember,
    body: crate::http::json::JsonBody<TierRunRequest>,
) -> AppResult<web::Json<TierRunResult>> {
    let body = body.into_inner()?;
    let as_of = state.clock.now();
    let month = match body.month.as_deref() {
        Some(text) => Month::parse(text)?,
        None => engine::month_just_ended(as_of, &state.settings.tiers),
    };
    let options = RunOptions {
        month,
        shard: crate::tiers::repo::Shard::WHOLE,
        dry_run: false,
        holder: format!("admin-{}", std::process::id()),
        as_of,
    };
    let state = state.into_inner();
    let outcome =
        off_worker(move || engine::run(&state.db, &state.settings.tiers, &options, &mut |_, _| {}))
            .await??;
    let (summary, ran) = match outcome {
        Outcome::Finished(summary) => (summary, true),
        Outcome::AlreadyDone(summary) => (summary, false),
        Outcome::RunningElsewhere(_) => return Err(held_elsewhere("this month's tier run")),
    };
    Ok(web::Json(TierRunResult {
        month: month.label(),
        ran,
        processed: summary.processed,
        promoted: summary.promoted,
        demoted: summary.demoted,
        unchanged: summary.unchanged,
    }))
}

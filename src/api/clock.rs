//! Business time for operators (development and test only: production runs on the system
//! clock and these routes are not mounted there). Setting or advancing the clock lets anyone
//! walk an order to settlement, a receipt to auto-confirmation or a month to its tier run.

use actix_web::{get, post, put, web};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{self, Actor};
use crate::auth::AdminMember;
use crate::clock::{Clock, ClockError};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::openapi::{CommonErrors, RoleErrors};

/// The longest single step: ten years, far past any window the marketplace has.
const MAX_ADVANCE_DAYS: i64 = 3653;

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    /// The current business time.
    pub now: DateTime<Utc>,
    /// False in production (the system clock); these routes are not mounted there.
    pub settable: bool,
}

impl ClockView {
    fn of(clock: &Clock) -> Self {
        Self {
            now: clock.now().and_utc(),
            settable: clock.is_settable(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetClockRequest {
    /// RFC 3339 with an offset, not before the current business time.
    pub now: DateTime<Utc>,
}

/// How far to move business time; the parts add up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceClockRequest {
    #[serde(default)]
    pub days: i64,
    #[serde(default)]
    pub hours: i64,
    #[serde(default)]
    pub minutes: i64,
    #[serde(default)]
    pub seconds: i64,
}

impl AdvanceClockRequest {
    fn step(&self) -> AppResult<TimeDelta> {
        let parts = [
            ("days", self.days, 86_400),
            ("hours", self.hours, 3_600),
            ("minutes", self.minutes, 60),
            ("seconds", self.seconds, 1),
        ];
        let mut total: i64 = 0;
        for (field, value, unit) in parts {
            if !(0..=MAX_ADVANCE_DAYS * 86_400 / unit).contains(&value) {
                return Err(AppError::field(
                    field,
                    "out_of_range",
                    format!("{field} must be between 0 and {MAX_ADVANCE_DAYS} days' worth"),
                ));
            }
            total += value * unit;
        }
        if total == 0 {
            return Err(AppError::field(
                "days",
                "required",
                "give days, hours, minutes or seconds: a step above zero",
            ));
        }
        if total > MAX_ADVANCE_DAYS * 86_400 {
            return Err(AppError::field(
                "days",
                "out_of_range",
                format!("at most {MAX_ADVANCE_DAYS} days in one step"),
            ));
        }
        Ok(TimeDelta::seconds(total))
    }
}

fn refused(error: ClockError) -> AppError {
    AppError::Conflict {
        code: match error {
            ClockError::NotSettable => "clock_not_settable",
            ClockError::Backwards { .. } => "clock_backwards",
            ClockError::TooFar => "clock_too_far",
        },
        detail: error.to_string(),
    }
}

/// Moves the clock as `step` says and records the move in the audit trail, at the time it
/// was made from; answers with business time after it.
async fn moved(
    clock: &Clock,
    db: &Db,
    actor: Actor,
    step: impl FnOnce(&Clock) -> Result<chrono::NaiveDateTime, ClockError>,
) -> AppResult<web::Json<ClockView>> {
    let before = actor.at.and_utc();
    let after = step(clock).map_err(refused)?.and_utc();
    let view = ClockView {
        now: after,
        settable: clock.is_settable(),
    };
    db.write(move |conn| {
        audit::record(
            conn,
            &actor,
            "clock.moved",
            "clock",
            "business_time",
            serde_json::json!({"before": before, "after": after}),
        )
    })
    .await?;
    Ok(web::Json(view))
}

/// The current business time (development and test only).
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Business time", body = ClockView), CommonErrors, RoleErrors),
    security(("bearer" = ["admin"]))
)]
#[get("/clock")]
pub async fn get_clock(clock: web::Data<Clock>, _admin: AdminMember) -> web::Json<ClockView> {
    web::Json(ClockView::of(&clock))
}

/// Set business time forward to a given instant (development and test only). Audited.
///
/// The clock runs on from there. Jobs run by the server's scheduler then see the new time;
/// commands take `--as-of`. Business time never moves back (409 `clock_backwards`).
#[utoipa::path(
    tag = "operations",
    request_body = SetClockRequest,
    responses(
        (status = 200, description = "Business time after the move", body = ClockView),
        (status = 409, description = "Before the current business time (`clock_backwards`), or more than a century ahead of the system clock (`clock_too_far`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[put("/clock")]
pub async fn set_clock(
    clock: web::Data<Clock>,
    db: web::Data<Db>,
    admin: AdminMember,
    caller: Caller,
    body: JsonBody<SetClockRequest>,
) -> AppResult<web::Json<ClockView>> {
    let to = body.into_inner()?.now.naive_utc();
    moved(&clock, &db, caller.actor(admin.id()), |clock| clock.set(to)).await
}

/// Move business time forward by days, hours, minutes and seconds (development and test
/// only). Audited.
#[utoipa::path(
    tag = "operations",
    request_body = AdvanceClockRequest,
    responses(
        (status = 200, description = "Business time after the move", body = ClockView),
        (status = 409, description = "More than a century ahead of the system clock (`clock_too_far`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/clock/advance")]
pub async fn advance_clock(
    clock: web::Data<Clock>,
    db: web::Data<Db>,
    admin: AdminMember,
    caller: Caller,
    body: JsonBody<AdvanceClockRequest>,
) -> AppResult<web::Json<ClockView>> {
    let by = body.into_inner()?.step()?;
    moved(&clock, &db, caller.actor(admin.id()), |clock| {
        clock.advance(by)
    })
    .await
}

//! Business time: the one place the system clock is read. Everything else asks a [`Clock`]
//! handed to it, so settlement windows, auto-cancel, auto-receipt and month ends can be walked
//! through end to end by setting or advancing the clock (development and test only).
//!
//! Two kinds of time, on purpose:
//! - **business time**, the app's clock (settable outside production): every rule, deadline,
//!   job and record of what happened (orders, ledger, audit, tier months);
//! - **wall time**, [`Clock::system`]: what other processes and parties must agree on, whatever
//!   business time says: access tokens, sessions and cookies, signature freshness of gateway
//!   callbacks, and the leases that tell whether a job's holder is alive.
//!
//! Times are UTC, truncated to microseconds, because PostgreSQL keeps microseconds and SQLite
//! would keep nanoseconds; both backends then read back what was written.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, DurationRound, NaiveDateTime, TimeDelta, Utc};

use crate::settings::{Checked, ConfigError, RunEnvironment};

/// The current business time. Cheap to clone: clones share one setting.
#[derive(Debug, Clone)]
pub struct Clock {
    /// Microseconds business time runs ahead of the system clock; `None` for the plain system
    /// clock, which cannot be set (production).
    offset_micros: Option<Arc<AtomicI64>>,
}

/// How far business time may run ahead of the system clock: far past every window the
/// marketplace has, and far inside what dates (and both databases) can hold.
pub const MAX_AHEAD_DAYS: i64 = 36_525;

/// Why a clock refused to move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the clock is the system's and cannot be set (production)")]
    NotSettable,
    #[error("business time may run at most {MAX_AHEAD_DAYS} days ahead of the system clock")]
    TooFar,
    #[error("business time only moves forward: {requested} is before {now}")]
    Backwards {
        requested: NaiveDateTime,
        now: NaiveDateTime,
    },
}

impl Clock {
    /// The system clock, as production runs.
    pub fn system() -> Self {
        Self {
            offset_micros: None,
        }
    }

    /// A clock that keeps running from `start` (from the system time when `None`) and can be
    /// set forward or advanced afterwards.
    pub fn settable(start: Option<NaiveDateTime>) -> Self {
        let offset = start.map_or(0, |start| {
            micros((start - system_now()).min(TimeDelta::days(MAX_AHEAD_DAYS)))
        });
        Self {
            offset_micros: Some(Arc::new(AtomicI64::new(offset))),
        }
    }

    pub fn is_settable(&self) -> bool {
        self.offset_micros.is_some()
    }

    pub fn now(&self) -> NaiveDateTime {
        let offset = self
            .offset_micros
            .as_ref()
            .map_or(0, |offset| offset.load(Ordering::SeqCst));
        let now = system_now();
        now.checked_add_signed(TimeDelta::microseconds(offset))
            .unwrap_or(now)
    }

    /// The current business time as seconds since the epoch (tokens, signatures, cookies).
    pub fn timestamp(&self) -> i64 {
        self.now().and_utc().timestamp()
    }

    /// Moves business time to `to`, which must not be before now.
    pub fn set(&self, to: NaiveDateTime) -> Result<NaiveDateTime, ClockError> {
        let now = self.now();
        if to < now {
            return Err(ClockError::Backwards { requested: to, now });
        }
        self.advance(to - now)
    }

    /// Moves business time forward by `by` (not negative); returns the new time.
    pub fn advance(&self, by: TimeDelta) -> Result<NaiveDateTime, ClockError> {
        let offset = self.offset_micros.as_ref().ok_or(ClockError::NotSettable)?;
        if by < TimeDelta::zero() {
            let now = self.now();
            return Err(ClockError::Backwards {
                requested: now + by,
                now,
            });
        }
        let limit = micros(TimeDelta::days(MAX_AHEAD_DAYS));
        offset
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |current| {
                current
                    .checked_add(micros(by))
                    .filter(|moved| *moved <= limit)
            })
            .map_err(|_| ClockError::TooFar)?;
        Ok(self.now())
    }
}

/// Parses an RFC 3339 time (with its offset) into the UTC form times are kept in.
pub fn parse_rfc3339(text: &str) -> Result<NaiveDateTime, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|time| truncate(time.naive_utc()))
        .map_err(|e| {
            format!("{text:?} is not an RFC 3339 time such as 2026-12-01T00:00:00+08:00 ({e})")
        })
}

fn system_now() -> NaiveDateTime {
    truncate(Utc::now().naive_utc())
}

fn truncate(time: NaiveDateTime) -> NaiveDateTime {
    time.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(time)
}

fn micros(delta: TimeDelta) -> i64 {
    delta.num_microseconds().unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settable_clock_starts_where_told_and_keeps_running() {
        let start = parse_rfc3339("2030-01-31T23:59:00+08:00").unwrap();
        let clock = Clock::settable(Some(start));
        let now = clock.now();
        assert!(now >= start && now - start < TimeDelta::seconds(5), "{now}");
        assert_eq!(start.to_string(), "2030-01-31 15:59:00");
    }

    #[test]
    fn advancing_moves_every_clone_and_never_backwards() {
        let clock = Clock::settable(None);
        let shared = clock.clone();
        let before = clock.now();
        let after = clock.advance(TimeDelta::days(8)).unwrap();
        assert!(after - before >= TimeDelta::days(8));
        assert!(shared.now() >= after);
        assert!(matches!(
            clock.set(before),
            Err(ClockError::Backwards { .. })
        ));
        assert!(matches!(
            clock.advance(TimeDelta::seconds(-1)),
            Err(ClockError::Backwards { .. })
        ));
        let target = after + TimeDelta::days(30);
        assert!(clock.set(target).unwrap() >= target);
    }

    #[test]
    fn business_time_stays_within_a_century_of_the_system_clock() {
        let clock = Clock::settable(None);
        let far = clock.now() + TimeDelta::days(MAX_AHEAD_DAYS + 1);
        assert_eq!(clock.set(far), Err(ClockError::TooFar));
        assert_eq!(
            clock.advance(TimeDelta::days(MAX_AHEAD_DAYS + 1)),
            Err(ClockError::TooFar)
        );
        clock.advance(TimeDelta::days(MAX_AHEAD_DAYS - 1)).unwrap();
        assert_eq!(
            clock.advance(TimeDelta::days(2)),
            Err(ClockError::TooFar),
            "steps add up"
        );
        let max = chrono::NaiveDate::from_ymd_opt(200_000, 1, 1)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .unwrap();
        assert!(
            Clock::settable(Some(max)).now() < max,
            "a start too far is cut short"
        );
    }

    #[test]
    fn the_system_clock_cannot_be_set() {
        let clock = Clock::system();
        assert!(!clock.is_settable());
        assert_eq!(
            clock.advance(TimeDelta::days(1)),
            Err(ClockError::NotSettable)
        );
        let now = clock.now();
        assert_eq!(now, truncate(now), "kept to microseconds");
    }

    #[test]
    fn rfc3339_needs_an_offset() {
        assert!(parse_rfc3339("2030-01-01T00:00:00").is_err());
        assert_eq!(
            parse_rfc3339("2030-01-01T08:00:00+08:00").unwrap(),
            parse_rfc3339("2030-01-01T00:00:00Z").unwrap()
        );
    }
}

/// Business time (development and test only: production runs on the system clock).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSettings {
    /// RFC 3339; empty for the system time.
    pub now: String,
}

impl ClockSettings {
    /// The clock these settings describe: settable outside production, starting at `now` when
    /// given. Validation has already refused a fixed time in production and a malformed one.
    pub fn clock(&self, environment: RunEnvironment) -> Clock {
        if environment.is_production() {
            return Clock::system();
        }
        Clock::settable(self.start())
    }

    fn start(&self) -> Option<NaiveDateTime> {
        // Blank (the system time) does not parse.
        parse_rfc3339(&self.now).ok()
    }

    pub fn validate(&self, environment: RunEnvironment) -> Checked {
        if self.now.trim().is_empty() {
            return Ok(());
        }
        if environment.is_production() {
            return Err(ConfigError::new(
                "clock.now",
                "must be empty when environment = \"production\": business time is the system's",
            ));
        }
        parse_rfc3339(&self.now)
            .map(|_| ())
            .map_err(|message| ConfigError::new("clock.now", message))
    }
}

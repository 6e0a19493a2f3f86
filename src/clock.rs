//! The current time as stored: UTC, truncated to microseconds, because PostgreSQL keeps
//! microseconds and SQLite would keep nanoseconds; both backends then read back what was written.

use chrono::{DurationRound, NaiveDateTime, TimeDelta, Utc};

pub fn now() -> NaiveDateTime {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
        .naive_utc()
}

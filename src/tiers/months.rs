//! Calendar months in the business time zone, as the UTC instants stored times compare with.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::error::{AppError, AppResult};

/// A calendar month, e.g. 2026-11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `YYYY-MM` (422 naming `month` otherwise).
    pub fn parse(text: &str) -> AppResult<Self> {
        NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 7)
            .map(|day| Self {
                year: day.year(),
                month: day.month(),
            })
            .ok_or_else(|| AppError::field("month", "invalid", "month must be YYYY-MM"))
    }

    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The month an instant (stored UTC) falls in, in `zone`.
    pub fn of(at: NaiveDateTime, zone: Tz) -> Self {
        let local = zone.from_utc_datetime(&at);
        Self {
            year: local.year(),
            month: local.month(),
        }
    }

    /// The UTC instant the month starts at in `zone` (its 1st, 00:00 local).
    pub fn start(self, zone: Tz) -> NaiveDateTime {
        let midnight = NaiveDate::from_ymd_opt(self.year, self.month, 1)
            .expect("a month's 1st exists")
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists");
        // A zone that skips midnight (a DST change at 00:00) starts the month at its first
        // instant after it.
        zone.from_local_datetime(&midnight)
            .earliest()
            .unwrap_or_else(|| zone.from_utc_datetime(&midnight))
            .naive_utc()
    }

    /// `[start, end)` in UTC.
    pub fn bounds(self, zone: Tz) -> (NaiveDateTime, NaiveDateTime) {
        (self.start(zone), self.next().start(zone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_months_start_at_16_00_utc_the_day_before() {
        let november = Month::parse("2026-11").unwrap();
        let (start, end) = november.bounds(chrono_tz::Asia::Shanghai);
        assert_eq!(start.to_string(), "2026-10-31 16:00:00");
        assert_eq!(end.to_string(), "2026-11-30 16:00:00");
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        // 23:59:59 on 31 October in Shanghai is October; a second later it is November.
        assert_eq!(
            Month::of(at("2026-10-31 15:59:59"), chrono_tz::Asia::Shanghai).label(),
            "2026-10"
        );
        assert_eq!(
            Month::of(at("2026-10-31 16:00:00"), chrono_tz::Asia::Shanghai).label(),
            "2026-11"
        );
        assert_eq!(Month::parse("2026-12").unwrap().next().label(), "2027-01");
        assert_eq!(
            Month::parse("2026-01").unwrap().previous().label(),
            "2025-12"
        );
        assert!(Month::parse("2026-13").is_err() && Month::parse("2026-1").is_err());
    }
}

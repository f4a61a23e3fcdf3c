//! The period of a report, from its `from` and `to` parameters: dates are whole days in
//! the reporting time zone (both included), RFC 3339 times are instants (`from`
//! included, `to` excluded).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::rules::start_of_day;

/// Longest period one report covers.
pub const MAX_DAYS: i64 = 400;

/// `[from, to)` in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportPeriod {
    /// First instant included.
    pub from: DateTime<Utc>,
    /// First instant excluded.
    pub to: DateTime<Utc>,
}

/// Which bound failed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodError {
    /// `from` or `to`.
    pub field: &'static str,
    /// For people.
    pub message: String,
}

impl ReportPeriod {
    /// Parses `from` and `to` (each required) in `tz`.
    pub fn parse(from: Option<&str>, to: Option<&str>, tz: Tz) -> Result<Self, PeriodError> {
        let start = bound("from", from, tz, false)?;
        let end = bound("to", to, tz, true)?;
        if end <= start {
            return Err(PeriodError {
                field: "to",
                message: "`to` must be after `from`".to_owned(),
            });
        }
        if end - start > Duration::days(MAX_DAYS) {
            return Err(PeriodError {
                field: "to",
                message: format!(
                    "`to` is more than {MAX_DAYS} days after `from`: ask for several reports"
                ),
            });
        }
        Ok(Self {
            from: start,
            to: end,
        })
    }
}

/// One bound: a date (its start, or for `to` the start of the next day) or an instant.
fn bound(
    field: &'static str,
    raw: Option<&str>,
    tz: Tz,
    end: bool,
) -> Result<DateTime<Utc>, PeriodError> {
    let fail = |message: String| PeriodError { field, message };
    let raw = raw
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| fail(format!("`{field}` is required: a date (2026-12-01) or an RFC 3339 time (2026-12-01T00:00:00+08:00)")))?;
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        fail(format!(
            "`{field}` is {raw:?}: expected a date (2026-12-01) or an RFC 3339 time (2026-12-01T00:00:00+08:00)"
        ))
    })?;
    let day = if end {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    Ok(start_of_day(tz, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

    #[test]
    fn dates_are_whole_days_in_the_reporting_time_zone() {
        let period = ReportPeriod::parse(Some("2026-12-01"), Some("2026-12-31"), SHANGHAI)
            .expect("a period");
        assert_eq!(period.from.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(period.to.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        let one_day =
            ReportPeriod::parse(Some("2026-12-01"), Some("2026-12-01"), SHANGHAI).expect("one day");
        assert_eq!(one_day.to - one_day.from, Duration::days(1));
    }

    #[test]
    fn times_are_instants() {
        let period = ReportPeriod::parse(
            Some("2026-12-01T08:00:00+08:00"),
            Some("2026-12-01T12:00:00Z"),
            SHANGHAI,
        )
        .expect("a period");
        assert_eq!(period.from.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(period.to.to_rfc3339(), "2026-12-01T12:00:00+00:00");
    }

    #[test]
    fn bad_bounds_name_the_parameter() {
        let cases = [
            (None, Some("2026-12-01"), "from", "required"),
            (Some("2026-12-01"), None, "to", "required"),
            (
                Some("yesterday"),
                Some("2026-12-01"),
                "from",
                "expected a date",
            ),
            (
                Some("2026-12-01"),
                Some("2026-13-01"),
                "to",
                "expected a date",
            ),
            (Some("2026-12-02"), Some("2026-12-01"), "to", "after"),
            (
                Some("2026-01-01"),
                Some("2027-12-31"),
                "to",
                "more than 400 days",
            ),
        ];
        for (from, to, field, text) in cases {
            let err = ReportPeriod::parse(from, to, SHANGHAI).expect_err(text);
            assert_eq!(err.field, field, "{err:?}");
            assert!(err.message.contains(text), "{err:?}");
        }
    }
}

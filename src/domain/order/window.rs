//! Pickup time windows and the rules a booking's window must follow.

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};

use crate::domain::ParseError;

/// A pickup window, `start` < `end`, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWindow {
    /// When the collector may arrive at the earliest.
    pub start: DateTime<Utc>,
    /// When the collector must have arrived.
    pub end: DateTime<Utc>,
}

/// The configurable rules for windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowRules {
    /// Shortest window.
    pub min_length: Duration,
    /// Longest window.
    pub max_length: Duration,
    /// Service hours (UTC), start inclusive.
    pub opens: NaiveTime,
    /// Service hours (UTC), end inclusive.
    pub closes: NaiveTime,
    /// Length of one capacity slot; a booking uses the slot its window starts in.
    pub slot_length: Duration,
}

impl Default for WindowRules {
    fn default() -> Self {
        Self {
            min_length: Duration::hours(1),
            max_length: Duration::hours(8),
            // 08:00–20:00 China Standard Time (UTC+8) is 00:00–12:00 UTC.
            opens: NaiveTime::MIN,
            closes: NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN),
            slot_length: Duration::hours(2),
        }
    }
}

impl TimeWindow {
    /// Checks a requested window at `now`: in the future, `min_length` to `max_length`
    /// long, within service hours on one day.
    pub fn parse(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
        rules: &WindowRules,
    ) -> Result<Self, ParseError> {
        if start <= now {
            return Err(ParseError("must start in the future".to_owned()));
        }
        let length = end - start;
        if length < rules.min_length || length > rules.max_length {
            return Err(ParseError(format!(
                "must be {} to {} hours long",
                rules.min_length.num_hours(),
                rules.max_length.num_hours()
            )));
        }
        let same_day = start.date_naive() == end.date_naive() || end.time() == NaiveTime::MIN;
        if !same_day
            || start.time() < rules.opens
            || (end.time() > rules.closes && end.time() != NaiveTime::MIN)
        {
            return Err(ParseError("must lie within service hours".to_owned()));
        }
        Ok(Self { start, end })
    }

    /// The start of the capacity slot this window books.
    pub fn slot_start(&self, rules: &WindowRules) -> DateTime<Utc> {
        let slot_secs = rules.slot_length.num_seconds().max(1);
        let seconds = i64::from(self.start.num_seconds_from_midnight());
        self.start
            - Duration::seconds(seconds % slot_secs)
            - Duration::nanoseconds(i64::from(self.start.nanosecond()))
    }

    /// Whether two windows share any time.
    pub fn overlaps(&self, other: &TimeWindow) -> bool {
        self.start < other.end && other.start < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("RFC 3339")
    }

    #[test]
    fn windows_follow_the_rules() {
        let rules = WindowRules::default();
        let now = at("2026-11-21T00:00:00Z");
        assert!(
            TimeWindow::parse(
                at("2026-11-22T02:00:00Z"),
                at("2026-11-22T04:00:00Z"),
                now,
                &rules
            )
            .is_ok()
        );
        assert!(
            TimeWindow::parse(
                at("2026-11-20T02:00:00Z"),
                at("2026-11-20T04:00:00Z"),
                now,
                &rules
            )
            .is_err(),
            "past"
        );
        assert!(
            TimeWindow::parse(
                at("2026-11-22T02:00:00Z"),
                at("2026-11-22T02:30:00Z"),
                now,
                &rules
            )
            .is_err(),
            "short"
        );
        assert!(
            TimeWindow::parse(
                at("2026-11-22T01:00:00Z"),
                at("2026-11-22T10:00:00Z"),
                now,
                &rules
            )
            .is_err(),
            "long"
        );
        assert!(
            TimeWindow::parse(
                at("2026-11-22T11:00:00Z"),
                at("2026-11-22T13:00:00Z"),
                now,
                &rules
            )
            .is_err(),
            "after hours"
        );
        assert!(
            TimeWindow::parse(
                at("2026-11-22T04:00:00Z"),
                at("2026-11-22T02:00:00Z"),
                now,
                &rules
            )
            .is_err(),
            "reversed"
        );
    }

    #[test]
    fn a_window_books_the_slot_it_starts_in() {
        let rules = WindowRules::default();
        let window = TimeWindow {
            start: at("2026-11-22T03:30:00Z"),
            end: at("2026-11-22T05:00:00Z"),
        };
        assert_eq!(window.slot_start(&rules), at("2026-11-22T02:00:00Z"));
        let other = TimeWindow {
            start: at("2026-11-22T04:59:00Z"),
            end: at("2026-11-22T06:00:00Z"),
        };
        assert!(window.overlaps(&other));
    }
}

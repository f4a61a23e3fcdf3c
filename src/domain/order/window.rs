//! Pickup time windows and the rules a booking's window must follow everywhere; the
//! hours it must lie within belong to its service area (`service_hours`).

use chrono::{DateTime, Duration, Utc};

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
    /// Length of one capacity slot; a booking uses the slot its window starts in.
    pub slot_length: Duration,
}

impl Default for WindowRules {
    fn default() -> Self {
        Self {
            min_length: Duration::hours(1),
            max_length: Duration::hours(8),
            slot_length: Duration::hours(2),
        }
    }
}

impl TimeWindow {
    /// Checks a requested window at `now`: in the future, `min_length` to `max_length`
    /// long. The service area's hours are checked by `ServiceHours::admit`.
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
        Ok(Self { start, end })
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
    fn windows_that_share_time_overlap() {
        let window = TimeWindow {
            start: at("2026-11-22T03:30:00Z"),
            end: at("2026-11-22T05:00:00Z"),
        };
        let other = TimeWindow {
            start: at("2026-11-22T04:59:00Z"),
            end: at("2026-11-22T06:00:00Z"),
        };
        assert!(window.overlaps(&other));
    }
}

//! A collector's step as an app with patchy signal sends it: an id the app chose, so a
//! replay of the step is recognised, and the device's own clock, trusted only within
//! bounds.
//!
//! ```text
//!   device time  ──  older than max_age ─────────► VALIDATION (too old to be this step)
//!                ──  within [now − max_age, now] ─► kept as sent
//!                ──  within (now, now + max_ahead] ► clamped to now (a fast device clock)
//!                ──  beyond now + max_ahead ───────► VALIDATION (a wrong device clock)
//! ```

use chrono::{DateTime, Duration, Utc};

use super::{ParseError, string_enum};

string_enum! {
    /// The collector's steps a client action id makes replayable.
    ActionKind {
        /// `acceptJobOffer`.
        AcceptJobOffer => "ACCEPT_JOB_OFFER",
        /// `declineJobOffer`.
        DeclineJobOffer => "DECLINE_JOB_OFFER",
        /// `startTrip`.
        StartTrip => "START_TRIP",
        /// `markArrived`.
        MarkArrived => "MARK_ARRIVED",
        /// `recordInspection`.
        RecordInspection => "RECORD_INSPECTION",
        /// `completePickup`.
        CompletePickup => "COMPLETE_PICKUP",
        /// `reportFailedPickup`.
        ReportFailedPickup => "REPORT_FAILED_PICKUP",
        /// `handOverToFacility`.
        HandOverToFacility => "HAND_OVER_TO_FACILITY",
    }
}

/// The id a collector's app gave one step: 1 to 100 printable characters, unique per
/// collector (a UUID the app makes when the step is queued is ideal).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientActionId(String);

impl ClientActionId {
    /// Most characters an id may have.
    pub const MAX_CHARS: usize = 100;

    /// Checks `raw` (surrounding spaces trimmed).
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let id = raw.trim();
        if id.is_empty() || id.chars().count() > Self::MAX_CHARS {
            return Err(ParseError(format!(
                "must be 1 to {} characters",
                Self::MAX_CHARS
            )));
        }
        if id.chars().any(char::is_control) {
            return Err(ParseError("must not contain control characters".to_owned()));
        }
        Ok(Self(id.to_owned()))
    }

    /// The id as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How far a device's clock is believed (see the module diagram).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceClockRules {
    /// Oldest device time accepted: a step queued longer ago than this is refused.
    pub max_age: Duration,
    /// How far ahead of the server a device clock may run; within it the time is clamped
    /// to the server's, beyond it the step is refused.
    pub max_ahead: Duration,
}

impl Default for DeviceClockRules {
    fn default() -> Self {
        Self {
            max_age: Duration::hours(24),
            max_ahead: Duration::minutes(2),
        }
    }
}

impl DeviceClockRules {
    /// The device time to record for a step sent at `recorded` and received at `now`.
    pub fn check(
        &self,
        recorded: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, ParseError> {
        if recorded > now + self.max_ahead {
            return Err(ParseError(format!(
                "is more than {} s ahead of the server's clock",
                self.max_ahead.num_seconds()
            )));
        }
        if recorded < now - self.max_age {
            return Err(ParseError(format!(
                "is more than {} hours in the past",
                self.max_age.num_hours()
            )));
        }
        Ok(recorded.min(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("RFC 3339")
    }

    #[test]
    fn device_times_are_kept_clamped_or_refused() {
        let rules = DeviceClockRules::default();
        let now = at("2026-12-02T10:00:00Z");
        let hour_ago = at("2026-12-02T09:00:00Z");
        assert_eq!(rules.check(hour_ago, now), Ok(hour_ago));
        assert_eq!(rules.check(at("2026-12-02T10:01:00Z"), now), Ok(now));
        assert!(rules.check(at("2026-12-02T10:03:00Z"), now).is_err());
        assert!(rules.check(at("2026-12-01T09:59:00Z"), now).is_err());
        assert_eq!(
            rules.check(at("2026-12-01T10:00:00Z"), now),
            Ok(at("2026-12-01T10:00:00Z"))
        );
    }

    #[test]
    fn action_ids_are_short_printable_text() {
        assert_eq!(
            ClientActionId::parse("  a1b2 ").map(|id| id.as_str().to_owned()),
            Ok("a1b2".to_owned())
        );
        assert!(ClientActionId::parse(" ").is_err());
        assert!(ClientActionId::parse(&"x".repeat(101)).is_err());
        assert!(ClientActionId::parse("a\nb").is_err());
    }
}

//! Device time on custody steps: the same rules as the collector's order steps
//! (`RELOOP_DEVICE_TIME_MAX_AGE_HOURS` / `RELOOP_DEVICE_TIME_MAX_AHEAD_SECS`).

use chrono::{DateTime, Utc};

use crate::domain::field_action::DeviceClockRules;
use crate::error::{AppError, AppResult};

/// The device time to record: `recorded_at` checked against `now` (VALIDATION naming
/// `field` when outside the rules, clamped to `now` when slightly ahead), or `now` when
/// the device sent none.
pub fn checked(
    recorded_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    rules: &DeviceClockRules,
    field: &str,
) -> AppResult<DateTime<Utc>> {
    match recorded_at {
        None => Ok(now),
        Some(at) => rules
            .check(at, now)
            .map_err(|e| AppError::validation(field, e.0)),
    }
}

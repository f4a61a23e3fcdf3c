//! Device time on custody steps: what the app says happened when, within bounds.

use chrono::{DateTime, Utc};

use crate::config::CustodySettings;
use crate::error::{AppError, AppResult};

/// `recorded_at` if it lies within the accepted skew of `now` (VALIDATION naming `field`
/// otherwise); `now` when the device sent none.
pub fn checked(
    recorded_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    settings: &CustodySettings,
    field: &str,
) -> AppResult<DateTime<Utc>> {
    let Some(at) = recorded_at else {
        return Ok(now);
    };
    let lead = chrono::Duration::from_std(settings.max_device_lead).unwrap_or_default();
    let lag = chrono::Duration::from_std(settings.max_device_lag).unwrap_or_default();
    if at > now + lead {
        return Err(AppError::validation(
            field,
            "is in the future (check the device's clock)",
        ));
    }
    if at < now - lag {
        return Err(AppError::validation(
            field,
            format!("is more than {} hours in the past", lag.num_hours()),
        ));
    }
    Ok(at)
}

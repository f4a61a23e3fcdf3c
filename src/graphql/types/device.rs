//! The optional arguments a collector's app sends with each step: `clientActionId` (a
//! replay of the same id returns the first result) and `recordedAt` (the device's time).

use chrono::{DateTime, Utc};

use crate::domain::field_action::ClientActionId;
use crate::error::AppError;
use crate::services::collector_actions::DeviceAction;

/// The step's device arguments, parsed; `prefix` is where they sit in the request
/// (`""` for arguments, `"input."` inside an input object).
pub fn device_action(
    client_action_id: Option<String>,
    recorded_at: Option<DateTime<Utc>>,
    prefix: &'static str,
) -> Result<DeviceAction, AppError> {
    let id = client_action_id
        .map(|raw| ClientActionId::parse(&raw))
        .transpose()
        .map_err(|e| AppError::validation(format!("{prefix}clientActionId"), e.0))?;
    Ok(DeviceAction {
        id,
        recorded_at,
        field_prefix: prefix,
    })
}

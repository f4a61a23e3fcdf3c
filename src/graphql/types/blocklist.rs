//! The blocklist in the API.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use entity::blocked_device;

/// Why a device is listed.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "BlockReason", remote = "crate::domain::blocklist::BlockReason")]
pub enum BlockReasonGql {
    /// Reported stolen.
    Stolen,
    /// Reported lost.
    Lost,
    /// Still under a finance agreement.
    Financed,
    /// Anything else (see the note).
    Other,
}

/// A serial or IMEI on the blocklist.
#[derive(SimpleObject)]
pub struct BlockedDevice {
    /// The listing id.
    pub id: ID,
    /// The serial or IMEI, normalised (no spaces or dashes, capitals).
    pub serial_number: String,
    /// Why it is listed.
    pub reason: BlockReasonGql,
    /// Who listed it: `operator` or `partner:<name>`.
    pub source: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// When it was listed.
    pub created_at: DateTime<Utc>,
    /// When the listing ended (removed).
    pub removed_at: Option<DateTime<Utc>>,
}

impl From<blocked_device::Model> for BlockedDevice {
    fn from(row: blocked_device::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            reason: row
                .reason
                .parse::<crate::domain::blocklist::BlockReason>()
                .map_or(BlockReasonGql::Other, Into::into),
            serial_number: row.serial_number,
            source: Some(row.source),
            note: row.note,
            created_at: row.created_at,
            removed_at: row.removed_at,
        }
    }
}

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

/// A check that found a listed device (operators): where, by whom, and the listing.
#[derive(SimpleObject)]
pub struct BlocklistHit {
    /// The check's id.
    pub id: ID,
    /// QUOTE or INSPECTION.
    pub context: String,
    /// The listing it matched (also when since removed).
    pub blocked_device: Option<BlockedDevice>,
    /// The quote, for a hit while quoting.
    pub quote_id: Option<ID>,
    /// The order, for a hit at the door.
    pub order_id: Option<ID>,
    /// The order's number, for a hit at the door.
    pub order_number: Option<String>,
    /// The user who asked (customer or collector), when one.
    pub checked_by_user_id: Option<ID>,
    /// The partner whose key asked, when one.
    pub partner_id: Option<ID>,
    /// When.
    pub checked_at: DateTime<Utc>,
}

impl From<crate::services::blocklist::hits::Hit> for BlocklistHit {
    fn from(hit: crate::services::blocklist::hits::Hit) -> Self {
        let id = |uuid: uuid::Uuid| ID(uuid.to_string());
        Self {
            id: id(hit.check.id),
            context: hit.check.context,
            blocked_device: hit.listing.map(Into::into),
            quote_id: hit.check.quote_id.map(id),
            order_id: hit.check.order_id.map(id),
            order_number: hit.order_number,
            checked_by_user_id: hit.check.actor_user_id.map(id),
            partner_id: hit.check.partner_id.map(id),
            checked_at: hit.check.created_at,
        }
    }
}

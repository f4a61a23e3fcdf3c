//! An order's custody events as a GS1 EPCIS 2.0 JSON-LD document: one ObjectEvent per
//! custody event, oldest first. Pure: the service reads the rows and says what the viewer
//! may see; this module decides what each event means in GS1 terms and how it is written.
//!
//! | step | action | bizStep | disposition | readPoint / bizLocation | source → destination (`possessing_party`) |
//! |---|---|---|---|---|---|
//! | COLLECTED | ADD | collecting | in_progress | doorstep `geo:` (order readers only) / — | customer → collector |
//! | HANDED_OVER | OBSERVE | shipping | in_transit | facility / — | collector → facility (+ `location`) |
//! | RECEIVED | OBSERVE | receiving | in_progress | facility / facility | collector → facility |
//! | REJECTED | OBSERVE | receiving | non_conformant | facility / — | — → collector |
//! | PROCESSED REUSED | OBSERVE | inspecting | conformant | facility / facility | — |
//! | PROCESSED REFURBISHED | OBSERVE | repairing | conformant | facility / facility | — |
//! | PROCESSED REPURPOSED | OBSERVE | assembling | conformant | facility / facility | — |
//! | PROCESSED MATERIAL_RECOVERED | DELETE | destroying | destroyed | facility / — | — |
//! | PROCESSED DISPOSED | DELETE | destroying | disposed | facility / — | — |
//! | STATUS_CHANGED | OBSERVE | the causing event's | `urn:reloop:disposition:battery_<status>` | facility / facility | — |

mod document;
pub mod urn;
pub mod vocabulary;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::custody::{BatteryStatus, CustodyStep, Holder, ProcessingOutcome};

pub use document::{CONTEXT, RELOOP_VOCABULARY, document};

/// How an item is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// One piece (`epcList`).
    Piece,
    /// A weighed lot (`quantityList` in KGM).
    WeighedLot,
}

/// One custody event, as read back from the chain.
#[derive(Clone, Debug, PartialEq)]
pub struct CustodyRecord {
    /// Event id.
    pub id: Uuid,
    /// The item.
    pub item_id: Uuid,
    /// How the item is counted.
    pub kind: ItemKind,
    /// 1, 2, 3… per item.
    pub sequence: i32,
    /// What happened.
    pub step: CustodyStep,
    /// Server time (EPCIS `recordTime`).
    pub at: DateTime<Utc>,
    /// Device time (EPCIS `eventTime`).
    pub recorded_at: DateTime<Utc>,
    /// Who holds the item afterwards.
    pub holder: Option<Holder>,
    /// Where, when recorded (the doorstep for COLLECTED; removed by erasure).
    pub location: Option<(f64, f64)>,
    /// Weight, kg.
    pub weight_kg: Option<Decimal>,
    /// Whether the weight is an estimate.
    pub weight_estimated: bool,
    /// The facility a hand-over went to.
    pub facility_id: Option<Uuid>,
    /// The transfer note, for hand-over and receipt.
    pub transfer_number: Option<String>,
    /// The processing outcome, for PROCESSED.
    pub outcome: Option<ProcessingOutcome>,
    /// The new battery status, for STATUS_CHANGED.
    pub battery_status: Option<BatteryStatus>,
    /// The event's chain hash (checkable with `verifyCustodyChain`).
    pub hash: String,
}

/// What the export is of and for whom.
#[derive(Clone, Copy, Debug)]
pub struct Export {
    /// The order.
    pub order_id: Uuid,
    /// Whether the viewer may see where the order was collected (the order's readers; not
    /// facility staff, who see items, never orders or doorsteps).
    pub show_doorstep: bool,
    /// The zone whose offset `eventTimeZoneOffset` gives.
    pub time_zone: chrono_tz::Tz,
    /// `creationDate`.
    pub created_at: DateTime<Utc>,
}

//! Custody in the API: facilities, items and their events, transfers, chain checks,
//! certificates, discrepancies and checkpoints. This module holds the statuses and
//! facilities; items and their events are in `custody_item`, chain checks, transfers,
//! certificates and checkpoints in `custody_records`.

use async_graphql::{Enum, ID, Object};
use entity::facility;

use super::enums::CertificationGql;
use super::geo::GeoPoint;
use crate::domain::Certification;
use crate::services::custody::{Custodian, facilities};

pub use super::custody_item::{CustodyEvent, CustodyItem, MaterialAmount, TraceCodeInfo};
pub use super::custody_records::{
    Certificate, CheckpointVerification, CustodyCheckpoint, CustodyVerification, ItemVerification,
    Transfer,
};

/// Where an item is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "CustodyStatus",
    remote = "crate::domain::custody::CustodyStatus"
)]
pub enum CustodyStatusGql {
    /// Collected; in the collector's van.
    WithCollector,
    /// Handed over; the facility has not received it yet.
    InTransit,
    /// Received and accepted by the facility.
    AtFacility,
    /// Refused at receipt; stays the collector's responsibility.
    Rejected,
    /// The facility recorded what became of it.
    Processed,
}

/// What a custody event records.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "CustodyStep", remote = "crate::domain::custody::CustodyStep")]
pub enum CustodyStepGql {
    /// Taken at the doorstep.
    Collected,
    /// Given to a facility on a transfer note.
    HandedOver,
    /// Accepted at the facility.
    Received,
    /// Refused at the facility.
    Rejected,
    /// Processing outcome recorded.
    Processed,
    /// A battery's status changed.
    StatusChanged,
}

/// A battery's status (EU 2023/1542 Annex XIII 4(c)).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "BatteryStatus",
    remote = "crate::domain::custody::BatteryStatus"
)]
pub enum BatteryStatusGql {
    /// As manufactured, until handed to a recycler.
    Original,
    /// Given a second life for another purpose.
    Repurposed,
    /// Used again for its original purpose.
    Reused,
    /// Remanufactured.
    Remanufactured,
    /// Waste, from a recycler's receipt.
    Waste,
}

/// Where a transfer note stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "TransferStatus",
    remote = "crate::domain::custody::TransferStatus"
)]
pub enum TransferStatusGql {
    /// Handed over, not yet received.
    InTransit,
    /// The facility received it (once).
    Received,
}

/// What a facility did with an item.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "ProcessingOutcome",
    remote = "crate::domain::custody::ProcessingOutcome"
)]
pub enum ProcessingOutcomeGql {
    /// Used again as it is.
    Reused,
    /// Repaired or refurbished for resale.
    Refurbished,
    /// Given a second life for another purpose (batteries).
    Repurposed,
    /// Dismantled; materials recovered.
    MaterialRecovered,
    /// Disposed of.
    Disposed,
}

/// NIST SP 800-88 sanitisation method.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "SanitizationMethod",
    remote = "crate::domain::custody::SanitizationMethod"
)]
pub enum SanitizationMethodGql {
    /// Logical overwrite.
    Clear,
    /// Techniques infeasible to recover with laboratory tools.
    Purge,
    /// The media can no longer be used.
    Destroy,
}

/// A processing plant that receives collected items.
pub struct Facility {
    row: facility::Model,
    show_invite_code: bool,
}

impl Facility {
    /// The facility as `viewer` sees it (the invite code for operators only).
    pub fn new(row: facility::Model, viewer: &Custodian) -> Self {
        let show_invite_code = matches!(
            viewer,
            Custodian::Party(crate::services::orders::Party::Operator { .. })
        );
        Self {
            row,
            show_invite_code,
        }
    }
}

/// A processing plant that receives collected items.
#[Object]
impl Facility {
    /// The facility id.
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// Its operating permit's number.
    async fn permit_number(&self) -> &str {
        &self.row.permit_number
    }

    /// Where it is.
    async fn location(&self) -> GeoPoint {
        GeoPoint {
            latitude: self.row.latitude,
            longitude: self.row.longitude,
        }
    }

    /// The city it is in.
    async fn city(&self) -> &str {
        &self.row.city
    }

    /// Category codes it takes.
    async fn accepted_categories(&self) -> Vec<String> {
        facilities::accepted_categories(&self.row)
    }

    /// Certifications it holds.
    async fn certifications(&self) -> Vec<CertificationGql> {
        facilities::certifications(&self.row)
            .iter()
            .filter_map(|c| c.parse::<Certification>().ok())
            .map(Into::into)
            .collect()
    }

    /// Staff register with it (role FACILITY); shown to operators only.
    async fn invite_code(&self) -> Option<&str> {
        self.show_invite_code
            .then_some(self.row.invite_code.as_str())
    }
}

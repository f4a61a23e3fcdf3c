//! Custody after the doorstep: item and step names, who may hold what, and the checks on
//! weights, materials and sanitisation that receipt and processing apply.

pub mod chain;
pub mod checkpoint;
pub mod encoding;
pub mod merkle;
pub mod rules;

use super::string_enum;

string_enum! {
    /// Where an item is.
    CustodyStatus {
        /// Collected; in the collector's van.
        WithCollector => "WITH_COLLECTOR",
        /// Handed over; the facility has not received it yet.
        InTransit => "IN_TRANSIT",
        /// Received and accepted by the facility.
        AtFacility => "AT_FACILITY",
        /// Refused at receipt; stays the collector's responsibility.
        Rejected => "REJECTED",
        /// The facility recorded what became of it.
        Processed => "PROCESSED",
    }
}

string_enum! {
    /// What an event records.
    CustodyStep {
        /// Taken at the doorstep.
        Collected => "COLLECTED",
        /// Given to a facility on a transfer note.
        HandedOver => "HANDED_OVER",
        /// Accepted at the facility.
        Received => "RECEIVED",
        /// Refused at the facility.
        Rejected => "REJECTED",
        /// Processing outcome recorded.
        Processed => "PROCESSED",
        /// A battery's status changed.
        StatusChanged => "STATUS_CHANGED",
    }
}

string_enum! {
    /// A battery's status in the sense of EU 2023/1542 Annex XIII 4(c).
    BatteryStatus {
        /// As manufactured, until handed to a recycler.
        Original => "ORIGINAL",
        /// Given a second life for another purpose.
        Repurposed => "REPURPOSED",
        /// Used again for its original purpose.
        Reused => "REUSED",
        /// Remanufactured.
        Remanufactured => "REMANUFACTURED",
        /// Waste, from a recycler's receipt.
        Waste => "WASTE",
    }
}

string_enum! {
    /// Where a transfer note stands.
    TransferStatus {
        /// Handed over, not yet received.
        InTransit => "IN_TRANSIT",
        /// The facility received it (once).
        Received => "RECEIVED",
    }
}

string_enum! {
    /// What a facility did with an item.
    ProcessingOutcome {
        /// Used again as it is.
        Reused => "REUSED",
        /// Repaired or refurbished for resale.
        Refurbished => "REFURBISHED",
        /// Given a second life for another purpose (batteries).
        Repurposed => "REPURPOSED",
        /// Dismantled; materials recovered.
        MaterialRecovered => "MATERIAL_RECOVERED",
        /// Disposed of.
        Disposed => "DISPOSED",
    }
}

string_enum! {
    /// NIST SP 800-88 sanitisation method.
    SanitizationMethod {
        /// Logical overwrite.
        Clear => "CLEAR",
        /// Physical or logical techniques infeasible to recover with lab tools.
        Purge => "PURGE",
        /// The media can no longer be used.
        Destroy => "DESTROY",
    }
}

/// Who holds an item after an event, as recorded in the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// A collector profile.
    Collector(uuid::Uuid),
    /// A facility.
    Facility(uuid::Uuid),
}

impl Holder {
    /// Reads a recorded holder back (`collector:<id>`, `facility:<id>`); None for anything
    /// else, so a reader never mistakes one kind of party for the other.
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, id) = text.split_once(':')?;
        let id = uuid::Uuid::parse_str(id).ok()?;
        match kind {
            "collector" => Some(Self::Collector(id)),
            "facility" => Some(Self::Facility(id)),
            _ => None,
        }
    }
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Collector(id) => write!(f, "collector:{id}"),
            Self::Facility(id) => write!(f, "facility:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Holder;

    #[test]
    fn a_holder_reads_back_as_written_and_nothing_else_passes() {
        let id = uuid::Uuid::from_u128(7);
        for holder in [Holder::Collector(id), Holder::Facility(id)] {
            assert_eq!(Holder::parse(&holder.to_string()), Some(holder));
        }
        for text in [
            "",
            "collector",
            "operator:x",
            &format!("partner:{id}"),
            "facility:42",
        ] {
            assert_eq!(Holder::parse(text), None, "{text}");
        }
    }
}

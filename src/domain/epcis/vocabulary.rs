//! What each custody step means in GS1 terms: the EPCIS action and the CBV 2.0 business
//! step and disposition. CBV bare words throughout (the JSON-LD context expands them);
//! a `urn:reloop:` value only where CBV has no word for the thing (a battery's legal
//! status, a second life), which EPCIS allows as user vocabulary.

use crate::domain::custody::{BatteryStatus, CustodyStep, ProcessingOutcome};

/// EPCIS `action` of an ObjectEvent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The item enters the record (its collection).
    Add,
    /// The item is seen; it goes on existing.
    Observe,
    /// The item ceases to exist as such (recycled into materials, disposed of).
    Delete,
}

impl Action {
    /// The EPCIS name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "ADD",
            Self::Observe => "OBSERVE",
            Self::Delete => "DELETE",
        }
    }
}

/// The GS1 meaning of one custody event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meaning {
    /// EPCIS action.
    pub action: Action,
    /// CBV business step (bare word) or a `urn:reloop:` user-vocabulary URI.
    pub biz_step: &'static str,
    /// CBV disposition (bare word) or a `urn:reloop:` user-vocabulary URI.
    pub disposition: &'static str,
}

const fn meaning(action: Action, biz_step: &'static str, disposition: &'static str) -> Meaning {
    Meaning {
        action,
        biz_step,
        disposition,
    }
}

/// A processing outcome's meaning. Recycling into materials and disposal end the item
/// (DELETE with `destroying`); the outcomes that keep it in use observe it, fit for use.
pub fn of_outcome(outcome: ProcessingOutcome) -> Meaning {
    match outcome {
        ProcessingOutcome::Reused => meaning(Action::Observe, "inspecting", "conformant"),
        ProcessingOutcome::Refurbished => meaning(Action::Observe, "repairing", "conformant"),
        // A second life: built into another product (a battery pack into storage).
        ProcessingOutcome::Repurposed => meaning(Action::Observe, "assembling", "conformant"),
        ProcessingOutcome::MaterialRecovered => meaning(Action::Delete, "destroying", "destroyed"),
        ProcessingOutcome::Disposed => meaning(Action::Delete, "destroying", "disposed"),
    }
}

/// A battery status as a user-vocabulary disposition (CBV has no word for the EU
/// 2023/1542 Annex XIII statuses).
pub fn battery_disposition(status: BatteryStatus) -> &'static str {
    match status {
        BatteryStatus::Original => "urn:reloop:disposition:battery_original",
        BatteryStatus::Repurposed => "urn:reloop:disposition:battery_repurposed",
        BatteryStatus::Reused => "urn:reloop:disposition:battery_reused",
        BatteryStatus::Remanufactured => "urn:reloop:disposition:battery_remanufactured",
        BatteryStatus::Waste => "urn:reloop:disposition:battery_waste",
    }
}

/// The meaning of a step. PROCESSED needs its outcome (`None` when the record lacks
/// it: observed, without a claim about what became of it); STATUS_CHANGED takes the
/// business step of the event that caused it (`cause`) and the new status.
pub fn of_step(
    step: CustodyStep,
    outcome: Option<ProcessingOutcome>,
    battery: Option<BatteryStatus>,
    cause: Option<&'static str>,
) -> Meaning {
    match step {
        CustodyStep::Collected => meaning(Action::Add, "collecting", "in_progress"),
        CustodyStep::HandedOver => meaning(Action::Observe, "shipping", "in_transit"),
        CustodyStep::Received => meaning(Action::Observe, "receiving", "in_progress"),
        CustodyStep::Rejected => meaning(Action::Observe, "receiving", "non_conformant"),
        CustodyStep::Processed => {
            outcome.map_or(meaning(Action::Observe, "other", "unknown"), of_outcome)
        }
        CustodyStep::StatusChanged => meaning(
            Action::Observe,
            cause.unwrap_or("other"),
            battery.map_or("unknown", battery_disposition),
        ),
    }
}

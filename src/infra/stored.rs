//! The one mapping between the domain's closed sets and their stored twins in `entity`.
//!
//! Each pair converts both ways with exhaustive matches, so a variant added to one side
//! only is a compile error, and a domain value can be used directly in a query filter
//! (`Column::Status.eq(OrderStatus::Dispatching)`).

use entity::enums as stored;

use crate::domain::compliance::{ComplianceKind, TaskState};
use crate::domain::custody::{BatteryStatus, CustodyStatus, CustodyStep, TransferStatus};
use crate::domain::dispatch::OfferStatus;
use crate::domain::field_action::ActionKind;
use crate::domain::order::{OrderStatus, PayoutStatus};
use crate::domain::partner::DeliveryStatus;
use crate::domain::quote::QuoteStatus;
use crate::domain::{CollectorStatus, Role};

/// Declares `From` both ways between a domain enum and its stored twin, and lets the
/// domain value stand for the stored one in queries.
macro_rules! stored_as {
    ($domain:ident => $stored:ident { $($variant:ident),+ $(,)? }) => {
        impl From<$domain> for stored::$stored {
            fn from(value: $domain) -> Self {
                match value { $($domain::$variant => Self::$variant),+ }
            }
        }

        impl From<stored::$stored> for $domain {
            fn from(value: stored::$stored) -> Self {
                match value { $(stored::$stored::$variant => Self::$variant),+ }
            }
        }

        impl From<$domain> for sea_orm::Value {
            fn from(value: $domain) -> Self {
                stored::$stored::from(value).into()
            }
        }
    };
}

stored_as!(OrderStatus => OrderStatus {
    Requested, Dispatching, Assigned, EnRoute, Arrived, Inspected, AwaitingCustomer,
    Completed, Cancelled, Unfulfilled, Failed,
});
stored_as!(OfferStatus => OfferStatus { Pending, Accepted, Declined, Expired, Withdrawn });
stored_as!(QuoteStatus => QuoteStatus { Active, Expired, Used });
stored_as!(PayoutStatus => PayoutStatus { Pending, Paid, Failed });
stored_as!(DeliveryStatus => DeliveryStatus { Pending, Delivered, Failed });
stored_as!(CollectorStatus => CollectorStatus { Offline, Available, Busy });
stored_as!(Role => Role { Household, Business, Collector, Partner, Operator, Facility });
stored_as!(CustodyStatus => CustodyStatus { WithCollector, InTransit, AtFacility, Rejected, Processed });
stored_as!(CustodyStep => CustodyStep {
    Collected, HandedOver, Received, Rejected, Processed, StatusChanged,
});
stored_as!(BatteryStatus => BatteryStatus { Original, Repurposed, Reused, Remanufactured, Waste });
stored_as!(TransferStatus => TransferStatus { InTransit, Received });
stored_as!(ActionKind => ActionKind {
    AcceptJobOffer, DeclineJobOffer, StartTrip, MarkArrived, RecordInspection, CompletePickup,
    ReportFailedPickup, HandOverToFacility,
});
stored_as!(ComplianceKind => ComplianceKind {
    CollectionHandover, RecyclerIntake, RecyclingCompleted, SecondLifeIntake,
});
stored_as!(TaskState => ComplianceTaskState { Open, Reported });

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;

    /// The stored text of every value is the domain's published name, both ways.
    fn round_trips<D, S>(all: &[D])
    where
        D: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + From<S>,
        S: ActiveEnum<Value = String> + Iterable + From<D> + Copy,
    {
        for value in all {
            let stored = S::from(*value);
            assert_eq!(stored.to_value(), value.to_string());
            assert_eq!(D::from(stored), *value);
        }
        assert_eq!(S::iter().count(), all.len());
    }

    #[test]
    fn every_status_is_stored_under_its_published_name() {
        round_trips::<OrderStatus, stored::OrderStatus>(OrderStatus::ALL);
        round_trips::<OfferStatus, stored::OfferStatus>(OfferStatus::ALL);
        round_trips::<QuoteStatus, stored::QuoteStatus>(QuoteStatus::ALL);
        round_trips::<PayoutStatus, stored::PayoutStatus>(PayoutStatus::ALL);
        round_trips::<DeliveryStatus, stored::DeliveryStatus>(DeliveryStatus::ALL);
        round_trips::<CollectorStatus, stored::CollectorStatus>(CollectorStatus::ALL);
        round_trips::<Role, stored::Role>(Role::ALL);
        round_trips::<CustodyStatus, stored::CustodyStatus>(CustodyStatus::ALL);
        round_trips::<CustodyStep, stored::CustodyStep>(CustodyStep::ALL);
        round_trips::<BatteryStatus, stored::BatteryStatus>(BatteryStatus::ALL);
        round_trips::<TransferStatus, stored::TransferStatus>(TransferStatus::ALL);
        round_trips::<ActionKind, stored::ActionKind>(ActionKind::ALL);
        round_trips::<ComplianceKind, stored::ComplianceKind>(ComplianceKind::ALL);
        round_trips::<TaskState, stored::ComplianceTaskState>(TaskState::ALL);
    }
}

//! Closed sets of values stored as text columns (sea-orm active enums).
//!
//! The stored text is exactly what earlier versions wrote, so no data migration is
//! needed; a value outside the set fails to load instead of being parsed in each place
//! that reads it. The root crate maps each of these to its domain twin in one place
//! (`reloop::infra::stored`), with exhaustive matches, so a variant added on one side
//! and not the other does not compile.

use sea_orm::entity::prelude::*;

/// Declares a text-backed active enum whose variants are stored as the given strings.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $(#[sea_orm(string_value = $text)] $variant),+
        }
    };
}

text_enum! {
    /// `pickup_orders.status`, `order_events.from_status` and `to_status`.
    OrderStatus {
        Requested => "REQUESTED",
        Dispatching => "DISPATCHING",
        Assigned => "ASSIGNED",
        EnRoute => "EN_ROUTE",
        Arrived => "ARRIVED",
        Inspected => "INSPECTED",
        AwaitingCustomer => "AWAITING_CUSTOMER",
        Completed => "COMPLETED",
        Cancelled => "CANCELLED",
        Unfulfilled => "UNFULFILLED",
        Failed => "FAILED",
    }
}

text_enum! {
    /// `job_offers.status`.
    OfferStatus {
        Pending => "PENDING",
        Accepted => "ACCEPTED",
        Declined => "DECLINED",
        Expired => "EXPIRED",
        Withdrawn => "WITHDRAWN",
    }
}

text_enum! {
    /// `quotes.status`: ACTIVE or USED (EXPIRED is derived from `valid_until`, but a
    /// row may carry it).
    QuoteStatus {
        Active => "ACTIVE",
        Expired => "EXPIRED",
        Used => "USED",
    }
}

text_enum! {
    /// `payouts.status`.
    PayoutStatus {
        Pending => "PENDING",
        Paid => "PAID",
        Failed => "FAILED",
    }
}

text_enum! {
    /// `webhook_deliveries.status`.
    DeliveryStatus {
        Pending => "PENDING",
        Delivered => "DELIVERED",
        Failed => "FAILED",
    }
}

text_enum! {
    /// `collectors.status`.
    CollectorStatus {
        Offline => "OFFLINE",
        Available => "AVAILABLE",
        Busy => "BUSY",
    }
}

text_enum! {
    /// `users.role` and `order_events.actor_role`.
    Role {
        Household => "HOUSEHOLD",
        Business => "BUSINESS",
        Collector => "COLLECTOR",
        Partner => "PARTNER",
        Operator => "OPERATOR",
        Facility => "FACILITY",
    }
}

text_enum! {
    /// `custody_items.status`.
    CustodyStatus {
        WithCollector => "WITH_COLLECTOR",
        InTransit => "IN_TRANSIT",
        AtFacility => "AT_FACILITY",
        Rejected => "REJECTED",
        Processed => "PROCESSED",
    }
}

text_enum! {
    /// `custody_events.step`.
    CustodyStep {
        Collected => "COLLECTED",
        HandedOver => "HANDED_OVER",
        Received => "RECEIVED",
        Rejected => "REJECTED",
        Processed => "PROCESSED",
        StatusChanged => "STATUS_CHANGED",
    }
}

text_enum! {
    /// `custody_items.battery_status` (EU 2023/1542 Annex XIII 4(c)).
    BatteryStatus {
        Original => "ORIGINAL",
        Repurposed => "REPURPOSED",
        Reused => "REUSED",
        Remanufactured => "REMANUFACTURED",
        Waste => "WASTE",
    }
}

text_enum! {
    /// `transfers.status`.
    TransferStatus {
        InTransit => "IN_TRANSIT",
        Received => "RECEIVED",
    }
}

text_enum! {
    /// `collector_actions.kind`: the collector's steps that a client action id makes
    /// replayable.
    ActionKind {
        AcceptJobOffer => "ACCEPT_JOB_OFFER",
        DeclineJobOffer => "DECLINE_JOB_OFFER",
        StartTrip => "START_TRIP",
        MarkArrived => "MARK_ARRIVED",
        RecordInspection => "RECORD_INSPECTION",
        CompletePickup => "COMPLETE_PICKUP",
        ReportFailedPickup => "REPORT_FAILED_PICKUP",
        HandOverToFacility => "HAND_OVER_TO_FACILITY",
    }
}

text_enum! {
    /// `compliance_tasks.kind`: what the task reports.
    ComplianceKind {
        CollectionHandover => "COLLECTION_HANDOVER",
        RecyclerIntake => "RECYCLER_INTAKE",
        RecyclingCompleted => "RECYCLING_COMPLETED",
        SecondLifeIntake => "SECOND_LIFE_INTAKE",
    }
}

text_enum! {
    /// `compliance_tasks.state` (OVERDUE is derived, never stored).
    ComplianceTaskState {
        Open => "OPEN",
        Reported => "REPORTED",
    }
}

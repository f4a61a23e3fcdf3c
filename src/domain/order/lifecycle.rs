//! The order state machine (DESIGN §4): which transition may happen from which state,
//! and who may trigger it.
//!
//! ```text
//! REQUESTED → DISPATCHING → ASSIGNED → EN_ROUTE → ARRIVED → INSPECTED → COMPLETED
//!    any state before ARRIVED → CANCELLED (customer, partner or operator)
//!    DISPATCHING → UNFULFILLED (nobody accepted before the window closed)
//!    ARRIVED → FAILED (customer absent, items not there)
//!    INSPECTED → AWAITING_CUSTOMER (final price outside tolerance) → INSPECTED or CANCELLED
//!    ASSIGNED or EN_ROUTE → DISPATCHING (an operator takes the order back; a no-show)
//!    INSPECTED or AWAITING_CUSTOMER → CANCELLED (abandoned at the door: collector,
//!                                     operator, or the customer's consent timed out)
//! ```

use crate::domain::string_enum;

string_enum! {
    /// Where an order is in its life.
    OrderStatus {
        /// Created, not yet offered.
        Requested => "REQUESTED",
        /// Looking for a collector.
        Dispatching => "DISPATCHING",
        /// A collector accepted.
        Assigned => "ASSIGNED",
        /// The collector is on the way.
        EnRoute => "EN_ROUTE",
        /// The collector is at the door.
        Arrived => "ARRIVED",
        /// Items inspected and re-priced within tolerance (or accepted by the customer).
        Inspected => "INSPECTED",
        /// The final price is outside tolerance; the customer decides.
        AwaitingCustomer => "AWAITING_CUSTOMER",
        /// Picked up and paid out.
        Completed => "COMPLETED",
        /// Cancelled before arrival, or the final offer was rejected.
        Cancelled => "CANCELLED",
        /// Nobody accepted before the window closed.
        Unfulfilled => "UNFULFILLED",
        /// The pickup could not be done at the door.
        Failed => "FAILED",
    }
}

/// Who triggers a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The order's customer (or a member of its organisation).
    Customer,
    /// The partner that booked the order.
    Partner,
    /// The assigned collector.
    Collector,
    /// Staff.
    Operator,
    /// reloop itself (dispatcher, sweeper).
    System,
}

/// Something that moves an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transition {
    /// Booking hands the order to dispatch.
    StartDispatch,
    /// A collector is assigned (accepted offer or operator).
    Assign,
    /// The collector sets off.
    StartTrip,
    /// The collector is at the door.
    Arrive,
    /// The inspection priced within tolerance.
    InspectWithinTolerance,
    /// The inspection priced outside tolerance; the customer must answer.
    AskCustomer,
    /// The customer accepted the final offer.
    AcceptFinalOffer,
    /// The customer rejected the final offer.
    RejectFinalOffer,
    /// Paid out and handed over.
    Complete,
    /// The pickup failed at the door.
    Fail,
    /// Cancelled before arrival.
    Cancel,
    /// Nobody accepted in time.
    GiveUp,
    /// An operator takes an assigned order back to dispatch, or reloop does when the
    /// collector does not set off in time (a no-show).
    Redispatch,
    /// The pickup is called off at the door after the inspection: by the collector or an
    /// operator, or by reloop when the customer does not answer a final offer in time.
    Abandon,
}

/// Why a transition was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Not possible from the current state (INVALID_STATE).
    #[error("cannot {transition:?} an order that is {from}")]
    InvalidState {
        /// The current state.
        from: OrderStatus,
        /// What was attempted.
        transition: Transition,
    },
    /// This actor may not do it (FORBIDDEN).
    #[error("{actor:?} may not {transition:?}")]
    NotAllowed {
        /// Who tried.
        actor: Actor,
        /// What was attempted.
        transition: Transition,
    },
}

impl Transition {
    /// Who may trigger this transition.
    pub fn allowed_actors(self) -> &'static [Actor] {
        use Actor::*;
        match self {
            Self::StartDispatch | Self::GiveUp => &[System],
            Self::Assign => &[Collector, Operator, System],
            Self::StartTrip
            | Self::Arrive
            | Self::InspectWithinTolerance
            | Self::AskCustomer
            | Self::Complete
            | Self::Fail => &[Collector, Operator],
            Self::AcceptFinalOffer | Self::RejectFinalOffer => &[Customer, Partner],
            Self::Cancel => &[Customer, Partner, Operator],
            Self::Redispatch => &[Operator, System],
            Self::Abandon => &[Collector, Operator, System],
        }
    }

    /// The state this transition leads to from `from`, if it applies there.
    pub fn target(self, from: OrderStatus) -> Option<OrderStatus> {
        use OrderStatus::*;
        match (self, from) {
            (Self::StartDispatch, Requested) => Some(Dispatching),
            (Self::Assign, Dispatching) => Some(Assigned),
            (Self::StartTrip, Assigned) => Some(EnRoute),
            (Self::Arrive, EnRoute) => Some(Arrived),
            (Self::InspectWithinTolerance, Arrived) => Some(Inspected),
            (Self::AskCustomer, Inspected) => Some(AwaitingCustomer),
            (Self::AcceptFinalOffer, AwaitingCustomer) => Some(Inspected),
            (Self::RejectFinalOffer, AwaitingCustomer) => Some(Cancelled),
            (Self::Complete, Inspected) => Some(Completed),
            (Self::Fail, Arrived) => Some(Failed),
            (Self::Cancel, Requested | Dispatching | Assigned | EnRoute) => Some(Cancelled),
            (Self::GiveUp, Dispatching) => Some(Unfulfilled),
            (Self::Redispatch, Assigned | EnRoute) => Some(Dispatching),
            (Self::Abandon, Inspected | AwaitingCustomer) => Some(Cancelled),
            _ => None,
        }
    }

    /// Every transition.
    pub const ALL: [Transition; 14] = [
        Self::StartDispatch,
        Self::Assign,
        Self::StartTrip,
        Self::Arrive,
        Self::InspectWithinTolerance,
        Self::AskCustomer,
        Self::AcceptFinalOffer,
        Self::RejectFinalOffer,
        Self::Complete,
        Self::Fail,
        Self::Cancel,
        Self::GiveUp,
        Self::Redispatch,
        Self::Abandon,
    ];
}

impl OrderStatus {
    /// Applies `transition` by `actor`: the next state, or why not.
    pub fn apply(
        self,
        transition: Transition,
        actor: Actor,
    ) -> Result<OrderStatus, TransitionError> {
        if !transition.allowed_actors().contains(&actor) {
            return Err(TransitionError::NotAllowed { actor, transition });
        }
        transition
            .target(self)
            .ok_or(TransitionError::InvalidState {
                from: self,
                transition,
            })
    }

    /// No transition leaves this state.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Cancelled | Self::Unfulfilled | Self::Failed
        )
    }

    /// The customer can still cancel (before the collector arrives).
    pub fn cancellable(self) -> bool {
        Transition::Cancel.target(self).is_some()
    }

    /// The window can still move (not yet on the way).
    pub fn reschedulable(self) -> bool {
        matches!(self, Self::Requested | Self::Dispatching | Self::Assigned)
    }

    /// The states that hold a collector (for BUSY and overlap checks).
    pub fn occupying() -> impl Iterator<Item = Self> {
        Self::ALL.iter().copied().filter(|s| s.occupies_collector())
    }

    /// The states in which the collector is out working on the order (BUSY).
    pub fn working() -> impl Iterator<Item = Self> {
        Self::occupying().filter(|s| *s != Self::Assigned)
    }

    /// Holds a collector (for BUSY and overlap checks).
    pub fn occupies_collector(self) -> bool {
        matches!(
            self,
            Self::Assigned
                | Self::EnRoute
                | Self::Arrived
                | Self::Inspected
                | Self::AwaitingCustomer
        )
    }
}

#[cfg(test)]
mod tests;

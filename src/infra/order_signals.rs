//! Announcements from the order lifecycle to whoever dispatches: an order that needs
//! offers, and offers withdrawn because their order left dispatch.
//!
//! The order services only announce; they never call dispatch, so the dependency runs one
//! way (dispatch uses the order transitions, orders know nothing of dispatch). Delivery is
//! in-process and best effort by design: every announcement is about a change already
//! committed, and the dispatch sweeper finds any DISPATCHING order without a pending offer
//! on its next pass, so a signal lost to a full queue or a crash delays an offer, never
//! loses an order.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use prometheus::IntGauge;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::domain::geo::GeoPoint;

/// How many announcements may wait for the dispatcher before new ones are dropped (and
/// left to the sweeper).
const QUEUE_CAPACITY: usize = 16_384;

/// An offer taken back from a collector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WithdrawnOffer {
    /// The offer.
    pub offer_id: Uuid,
    /// Who held it, to be told.
    pub collector_id: Uuid,
}

/// What the announcer of an order knows of it (a booking knows it all): with it dispatch
/// can see that nobody online is within reach without reading the order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrderFacts {
    /// The pickup point.
    pub point: GeoPoint,
    /// The service area it belongs to (its dispatch radius applies).
    pub area_id: Uuid,
    /// When its window closes (an order past it is given up, not left waiting).
    pub window_end: DateTime<Utc>,
}

/// One announcement.
#[derive(Clone, Debug, PartialEq)]
pub enum OrderSignal {
    /// The order is DISPATCHING and has no pending offer: look for collectors.
    NeedsDispatch {
        /// The order.
        order_id: Uuid,
        /// What the announcer knows of it, if anything.
        facts: Option<OrderFacts>,
    },
    /// These offers were withdrawn; their holders should hear it.
    OffersWithdrawn(Vec<WithdrawnOffer>),
    /// A collector went online (in this service area, when known): orders still waiting
    /// for one should look again.
    CollectorAvailable {
        /// The collector.
        collector_id: Uuid,
        /// The service area nearest to where they went online.
        area_id: Option<Uuid>,
    },
}

impl OrderSignal {
    /// `order_id` needs a round of offers; the rest is left to dispatch to read.
    pub fn needs_dispatch(order_id: Uuid) -> Self {
        Self::NeedsDispatch {
            order_id,
            facts: None,
        }
    }
}

/// The sending side, shared by every request; cheap to clone.
#[derive(Clone)]
pub struct OrderSignals {
    sender: mpsc::Sender<OrderSignal>,
    /// Taken once by the dispatcher task at start-up.
    receiver: Arc<Mutex<Option<mpsc::Receiver<OrderSignal>>>>,
    /// Orders (and collectors gone online) announced for dispatch whose round has not
    /// finished yet.
    backlog: IntGauge,
}

impl Default for OrderSignals {
    fn default() -> Self {
        let backlog = IntGauge::new("dispatch_backlog", "orders waiting for dispatch")
            .unwrap_or_else(|_| unreachable!("a constant, valid metric name"));
        Self::new(backlog)
    }
}

impl OrderSignals {
    /// A queue whose backlog is exported through `backlog`.
    pub fn new(backlog: IntGauge) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        Self {
            sender,
            receiver: Arc::new(Mutex::new(Some(receiver))),
            backlog,
        }
    }

    /// Queues `signal` without waiting. A full or closed queue drops it with a warning:
    /// see the module documentation for why nothing is lost.
    pub fn announce(&self, signal: OrderSignal) {
        let counted = matches!(
            signal,
            OrderSignal::NeedsDispatch { .. } | OrderSignal::CollectorAvailable { .. }
        );
        if counted {
            self.backlog.inc();
        }
        if let Err(err) = self.sender.try_send(signal) {
            if counted {
                self.backlog.dec();
            }
            tracing::warn!(error = %err, "order signal dropped; the dispatch sweeper will catch up");
        }
    }

    /// The dispatcher finished one announced order or collector (whatever the outcome).
    pub fn settled(&self) {
        self.backlog.dec();
    }

    /// Orders announced for dispatch whose round has not finished: zero means every
    /// announcement made so far has been acted on.
    pub fn backlog(&self) -> i64 {
        self.backlog.get()
    }

    /// The receiving side, for the one task that dispatches; None once taken.
    pub fn take_receiver(&self) -> Option<mpsc::Receiver<OrderSignal>> {
        self.receiver
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn announcements_reach_the_one_receiver_in_order() {
        let signals = OrderSignals::default();
        let mut receiver = signals.take_receiver().expect("first take");
        assert!(signals.take_receiver().is_none());
        let order = Uuid::new_v4();
        signals.announce(OrderSignal::needs_dispatch(order));
        signals.announce(OrderSignal::OffersWithdrawn(Vec::new()));
        assert_eq!(signals.backlog(), 1);
        assert_eq!(
            receiver.recv().await,
            Some(OrderSignal::needs_dispatch(order))
        );
        assert_eq!(
            receiver.recv().await,
            Some(OrderSignal::OffersWithdrawn(Vec::new()))
        );
    }
}

//! What the demo's people did, counted as it happens and printed now and then.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters shared by every actor.
#[derive(Debug, Default)]
pub struct Tally {
    /// Pickups booked.
    pub booked: AtomicU64,
    /// Offers accepted.
    pub accepted: AtomicU64,
    /// Accepts that lost to another collector or came too late (expected).
    pub missed: AtomicU64,
    /// Offers declined by a busy collector.
    pub declined: AtomicU64,
    /// Pickups completed.
    pub completed: AtomicU64,
    /// Pickups where nobody was home.
    pub failed: AtomicU64,
    /// Orders the customer cancelled.
    pub cancelled: AtomicU64,
    /// Inspections that moved the price and asked the customer.
    pub repriced: AtomicU64,
    /// Transfer notes handed to a plant.
    pub handed_over: AtomicU64,
    /// Items received at a plant.
    pub received: AtomicU64,
    /// Items processed.
    pub processed: AtomicU64,
    /// Steps that failed unexpectedly (each logged as an error).
    pub errors: AtomicU64,
}

impl Tally {
    /// Adds one to `counter`.
    pub fn bump(counter: &AtomicU64) {
        Self::add(counter, 1);
    }

    /// Adds `n` to `counter`.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// One line: every counter.
    pub fn line(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        format!(
            "{} booked ({} cancelled), {} accepted ({} missed, {} declined), {} completed \
             ({} re-priced, {} nobody home), {} transfers, {} items received, {} processed, \
             {} errors",
            get(&self.booked),
            get(&self.cancelled),
            get(&self.accepted),
            get(&self.missed),
            get(&self.declined),
            get(&self.completed),
            get(&self.repriced),
            get(&self.failed),
            get(&self.handed_over),
            get(&self.received),
            get(&self.processed),
            get(&self.errors),
        )
    }
}

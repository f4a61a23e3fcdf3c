//! A collector's acceptance rate, as operators read it: of the offers the collector had
//! to decide on, the share they took. An offer counts once it is answered (ACCEPTED,
//! DECLINED) or ran out unanswered (EXPIRED); one still PENDING has no outcome yet, and a
//! WITHDRAWN one was taken away (another collector was faster, the order went away)
//! before the collector had to decide, so neither counts for or against them.
//!
//! Dispatch ranks on its own running counters (`domain::dispatch`), which count every
//! offer received; this rate is the one an operator can check offer by offer.

use super::dispatch::OfferStatus;

/// How a collector's offers ended, counted by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OfferTally {
    /// Taken.
    pub accepted: u64,
    /// Refused.
    pub declined: u64,
    /// Left unanswered until they lapsed.
    pub expired: u64,
    /// Taken away before an answer.
    pub withdrawn: u64,
    /// Still waiting for an answer.
    pub pending: u64,
}

impl OfferTally {
    /// Adds `n` offers that are in `status`.
    pub fn add(&mut self, status: OfferStatus, n: u64) {
        let slot = match status {
            OfferStatus::Accepted => &mut self.accepted,
            OfferStatus::Declined => &mut self.declined,
            OfferStatus::Expired => &mut self.expired,
            OfferStatus::Withdrawn => &mut self.withdrawn,
            OfferStatus::Pending => &mut self.pending,
        };
        *slot += n;
    }

    /// The offers that count: answered (accepted or declined) or expired.
    pub fn decided(&self) -> u64 {
        self.accepted + self.declined + self.expired
    }

    /// accepted ÷ (accepted + declined + expired), from 0 to 1; None before any offer
    /// counts (no offers yet, or only pending and withdrawn ones).
    pub fn acceptance_rate(&self) -> Option<f64> {
        let decided = self.decided();
        // Counts stay far below 2^52, where u64 → f64 is exact.
        (decided > 0).then(|| self.accepted as f64 / decided as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(statuses: &[OfferStatus]) -> OfferTally {
        let mut tally = OfferTally::default();
        for status in statuses {
            tally.add(*status, 1);
        }
        tally
    }

    #[test]
    fn no_decided_offer_has_no_rate() {
        assert_eq!(OfferTally::default().acceptance_rate(), None);
        let waiting = tally(&[OfferStatus::Pending, OfferStatus::Withdrawn]);
        assert_eq!(waiting.acceptance_rate(), None);
        assert_eq!(waiting.decided(), 0);
    }

    #[test]
    fn accepted_over_accepted_declined_and_expired() {
        use OfferStatus::{Accepted, Declined, Expired, Pending, Withdrawn};
        let mixed = tally(&[
            Accepted, Accepted, Accepted, Declined, Expired, Expired, Pending, Withdrawn, Withdrawn,
        ]);
        assert_eq!(mixed.decided(), 6);
        assert_eq!(mixed.acceptance_rate(), Some(0.5));
        assert_eq!(tally(&[Accepted]).acceptance_rate(), Some(1.0));
        assert_eq!(tally(&[Declined, Expired]).acceptance_rate(), Some(0.0));
    }

    #[test]
    fn counts_add_up_by_status() {
        let mut counted = OfferTally::default();
        counted.add(OfferStatus::Declined, 3);
        counted.add(OfferStatus::Accepted, 1);
        counted.add(OfferStatus::Declined, 1);
        assert_eq!(
            counted,
            OfferTally {
                accepted: 1,
                declined: 4,
                ..OfferTally::default()
            }
        );
        assert_eq!(counted.acceptance_rate(), Some(0.2));
    }
}

//! Where a payout for a completed pickup stands.

use crate::domain::string_enum;

string_enum! {
    /// Where a payout stands.
    PayoutStatus {
        /// Created at completion; not yet settled.
        Pending => "PENDING",
        /// Paid to the customer.
        Paid => "PAID",
        /// The payment failed.
        Failed => "FAILED",
    }
}

impl PayoutStatus {
    /// Whether a payout in this state may be settled as `to`: a pending one is paid or
    /// fails; a failed one may still be paid (a retried transfer); a paid one is final.
    pub fn may_settle_as(self, to: PayoutStatus) -> bool {
        matches!(
            (self, to),
            (Self::Pending, Self::Paid | Self::Failed) | (Self::Failed, Self::Paid)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paid_payout_is_final_and_a_failed_one_may_still_be_paid() {
        use PayoutStatus::{Failed, Paid, Pending};
        assert!(Pending.may_settle_as(Paid));
        assert!(Pending.may_settle_as(Failed));
        assert!(Failed.may_settle_as(Paid));
        for to in PayoutStatus::ALL {
            assert!(!Paid.may_settle_as(*to));
            assert!(!to.may_settle_as(Pending));
        }
    }
}

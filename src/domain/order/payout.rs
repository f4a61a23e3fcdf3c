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

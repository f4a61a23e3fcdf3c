//! Compliance: deadlines (tasks created by a battery's hand-over, receipt and processing,
//! due on the right working day; overdue tasks; reporting; the traceability export),
//! trace-code discrepancies at the door, blocklist hits, and erasure of a customer's data.

mod deadlines;
mod discrepancies;
mod erasure;
pub(crate) mod fixtures;
mod overdue;
mod reporting;
mod traceability;

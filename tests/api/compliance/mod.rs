//! Compliance deadlines: tasks created by a battery's hand-over, receipt and processing,
//! due on the right working day; overdue tasks; reporting; the traceability export.

mod deadlines;
mod fixtures;
mod overdue;
mod reporting;
mod traceability;

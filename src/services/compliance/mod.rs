//! Compliance deadlines: the reporting tasks battery custody events create (in the
//! event's transaction), operators' lists and reports, the overdue sweep with its
//! announcements and gauges, and the traceability export for the national platform.
//! The rules are `domain::compliance`; custody calls in here, never the other way round.

pub mod overdue;
pub mod sweep;
pub mod tasks;
pub mod traceability;

//! Compliance deadlines (DESIGN §9): which battery custody events must be reported to the
//! national traceability platform, within how many working days, over which holiday
//! calendar, and the life of the resulting task. Pure: the services store and sweep.

pub mod calendar;
pub mod period;
pub mod rules;
pub mod task;
pub mod working_days;

pub use calendar::{Coverage, HolidayCalendar};
pub use period::ReportPeriod;
pub use rules::{ComplianceKind, Deadline, DeadlineRules};
pub use task::{ComplianceTaskStatus, TaskState};
pub use working_days::add_working_days;

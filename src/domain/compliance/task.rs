//! The life of a compliance task: what an operator sees and what may happen to it.
//!
//! ```text
//!            report (operator, with the platform's reference)
//!   OPEN ───────────────────────────────────────────────▶ REPORTED (final)
//!     │ now > dueAt (time passes; derived when read)            ▲
//!     ▼                                                         │
//!   OVERDUE ── announced once to operators ── report (late) ────┘
//! ```
//!
//! Only OPEN and REPORTED are stored; OVERDUE is an OPEN task read after its deadline, so
//! a list is right to the second even when the sweep that announces it runs late.

use chrono::{DateTime, Utc};

use crate::domain::string_enum;

string_enum! {
    /// What is stored.
    TaskState {
        /// Not reported yet.
        Open => "OPEN",
        /// Reported to the platform (final).
        Reported => "REPORTED",
    }
}

string_enum! {
    /// What operators see.
    ComplianceTaskStatus {
        /// Not reported, deadline ahead.
        Open => "OPEN",
        /// Reported to the platform.
        Reported => "REPORTED",
        /// Not reported, deadline passed.
        Overdue => "OVERDUE",
    }
}

/// The status of a task stored as `state`, due at `due_at`, read at `now`.
pub fn status(state: TaskState, due_at: DateTime<Utc>, now: DateTime<Utc>) -> ComplianceTaskStatus {
    match state {
        TaskState::Reported => ComplianceTaskStatus::Reported,
        TaskState::Open if now > due_at => ComplianceTaskStatus::Overdue,
        TaskState::Open => ComplianceTaskStatus::Open,
    }
}

/// The national platform's reference for a report: 1 to 200 characters, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformReference(String);

impl PlatformReference {
    /// Longest reference accepted.
    pub const MAX_CHARS: usize = 200;

    /// Parses what an operator typed.
    pub fn parse(raw: &str) -> Result<Self, crate::domain::ParseError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.chars().count() > Self::MAX_CHARS {
            return Err(crate::domain::ParseError(format!(
                "the platform's reference must be 1 to {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a task cannot be reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlreadyReported;

/// Reporting: OPEN or OVERDUE becomes REPORTED; a second report is refused.
pub fn report(state: TaskState) -> Result<TaskState, AlreadyReported> {
    match state {
        TaskState::Open => Ok(TaskState::Reported),
        TaskState::Reported => Err(AlreadyReported),
    }
}

/// Whether the overdue sweep should announce the task now: open, past its deadline, and
/// not announced before.
pub fn announce_overdue(
    state: TaskState,
    due_at: DateTime<Utc>,
    announced: bool,
    now: DateTime<Utc>,
) -> bool {
    !announced && status(state, due_at, now) == ComplianceTaskStatus::Overdue
}

#[cfg(test)]
#[path = "task_tests.rs"]
mod tests;

//! Which battery custody events must be reported, and by when.
//!
//! Defaults from the MIIT traction-battery traceability measures (2018): a battery taken in
//! by a collection outlet and handed on, a recycler's intake and a completed recycling are
//! reported within 30 working days; a second-life (echelon use) intake within 15. The
//! deadline is the end of the n-th working day after the event's day, both read in the
//! reporting time zone.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::calendar::HolidayCalendar;
use super::working_days::add_working_days;
use crate::domain::ParseError;
use crate::domain::custody::{CustodyStep, ProcessingOutcome};
use crate::domain::string_enum;

string_enum! {
    /// What a compliance task reports.
    ComplianceKind {
        /// A collection outlet took the battery in and handed it on (HANDED_OVER).
        CollectionHandover => "COLLECTION_HANDOVER",
        /// A recycler received it (RECEIVED).
        RecyclerIntake => "RECYCLER_INTAKE",
        /// It was recycled: materials recovered or disposed of (PROCESSED).
        RecyclingCompleted => "RECYCLING_COMPLETED",
        /// It was taken in for a second life: repurposed, reused or refurbished (PROCESSED).
        SecondLifeIntake => "SECOND_LIFE_INTAKE",
    }
}

impl ComplianceKind {
    /// The task a battery's custody event calls for, if any.
    pub fn of_event(step: CustodyStep, outcome: Option<ProcessingOutcome>) -> Option<Self> {
        use ProcessingOutcome as O;
        match (step, outcome) {
            (CustodyStep::HandedOver, _) => Some(Self::CollectionHandover),
            (CustodyStep::Received, _) => Some(Self::RecyclerIntake),
            (CustodyStep::Processed, Some(O::MaterialRecovered | O::Disposed)) => {
                Some(Self::RecyclingCompleted)
            }
            (CustodyStep::Processed, Some(O::Repurposed | O::Reused | O::Refurbished)) => {
                Some(Self::SecondLifeIntake)
            }
            _ => None,
        }
    }

    /// Working days allowed by the MIIT 2018 measures.
    pub fn default_working_days(self) -> u32 {
        match self {
            Self::CollectionHandover | Self::RecyclerIntake | Self::RecyclingCompleted => 30,
            Self::SecondLifeIntake => 15,
        }
    }
}

/// A task's deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// What to report.
    pub kind: ComplianceKind,
    /// Working days allowed.
    pub working_days: u32,
    /// The last working day, in the reporting time zone.
    pub due_date: NaiveDate,
    /// The last second of that day.
    pub due_at: DateTime<Utc>,
    /// Counted over a year the calendar only projects (or does not cover).
    pub provisional: bool,
}

/// The deadline rules in force: working days per kind (0 turns a kind off), the reporting
/// time zone and the holiday calendar.
#[derive(Clone, Debug, PartialEq)]
pub struct DeadlineRules {
    days: BTreeMap<ComplianceKind, u32>,
    /// Where days begin and end.
    pub time_zone: Tz,
    /// Which days are working days.
    pub calendar: HolidayCalendar,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        Self {
            days: ComplianceKind::ALL
                .iter()
                .map(|k| (*k, k.default_working_days()))
                .collect(),
            time_zone: chrono_tz::Asia::Shanghai,
            calendar: HolidayCalendar::china(),
        }
    }
}

impl DeadlineRules {
    /// Working days allowed for `kind` (0: no task).
    pub fn working_days(&self, kind: ComplianceKind) -> u32 {
        self.days.get(&kind).copied().unwrap_or(0)
    }

    /// Overrides some kinds from `KIND=DAYS,KIND=DAYS` (e.g. `SECOND_LIFE_INTAKE=10`).
    pub fn with_days(mut self, spec: &str) -> Result<Self, ParseError> {
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (kind, days) = entry
                .split_once('=')
                .ok_or_else(|| ParseError(format!("{entry:?} is not KIND=DAYS")))?;
            let kind: ComplianceKind = kind.trim().parse()?;
            let days: u32 = days
                .trim()
                .parse()
                .ok()
                .filter(|d| *d <= 366)
                .ok_or_else(|| ParseError(format!("{entry:?}: days must be 0 to 366")))?;
            self.days.insert(kind, days);
        }
        Ok(self)
    }

    /// The deadline of a `kind` event that happened `at`, or None when the kind is off.
    pub fn deadline(&self, kind: ComplianceKind, at: DateTime<Utc>) -> Option<Deadline> {
        let working_days = self.working_days(kind);
        (working_days > 0).then(|| self.count(kind, working_days, at))
    }

    /// The deadline `working_days` after an event `at`, over this calendar and time zone.
    pub fn count(&self, kind: ComplianceKind, working_days: u32, at: DateTime<Utc>) -> Deadline {
        let start = at.with_timezone(&self.time_zone).date_naive();
        let due_date = add_working_days(start, working_days, &self.calendar);
        Deadline {
            kind,
            working_days,
            due_date,
            due_at: end_of_day(self.time_zone, due_date),
            provisional: !self.calendar.official_after(start, due_date),
        }
    }
}

/// The last second of `day` in `tz`.
pub fn end_of_day(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    start_of_day(tz, next) - Duration::seconds(1)
}

/// The first instant of `day` in `tz` (the first hour that exists, where a clock change
/// skips midnight).
pub fn start_of_day(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    (0..24)
        .filter_map(|hour| day.and_hms_opt(hour, 0, 0))
        .find_map(|local| tz.from_local_datetime(&local).earliest())
        .map_or_else(
            || day.and_time(chrono::NaiveTime::MIN).and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;

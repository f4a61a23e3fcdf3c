//! The holiday calendar: which days are working days. Monday to Friday, minus listed
//! public holidays, plus listed make-up working days (调休上班). Built-in files in
//! `config/holidays/` (see the README there for the format and how to add a year), and an
//! optional extra file whose years replace the built-in ones.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::domain::ParseError;

/// The calendars built into the server: (file name, text).
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "CN-2026.csv",
        include_str!("../../../config/holidays/CN-2026.csv"),
    ),
    (
        "CN-2027.csv",
        include_str!("../../../config/holidays/CN-2027.csv"),
    ),
];

/// How sure a year's calendar is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Coverage {
    /// A projection, to be replaced by the published notice.
    Provisional,
    /// As published.
    Official,
}

/// Days off and make-up working days, by year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    years: BTreeMap<i32, Coverage>,
}

/// One line of a calendar file.
#[derive(Deserialize)]
struct Line {
    from: String,
    to: Option<String>,
    kind: String,
    status: String,
}

impl HolidayCalendar {
    /// The built-in calendar of mainland China ([`BUILT_IN`]).
    pub fn china() -> Self {
        let mut calendar = Self::default();
        // A built-in file that does not parse fails the unit tests, never a start-up.
        for year in BUILT_IN
            .iter()
            .filter_map(|(_, text)| Self::parse(text).ok())
        {
            calendar.replace_years(&year);
        }
        calendar
    }

    /// Parses a calendar file (format in `config/holidays/README.md`).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut calendar = Self::default();
        for (index, line) in reader.deserialize::<Line>().enumerate() {
            let line = line.map_err(|e| ParseError(format!("calendar line {}: {e}", index + 1)))?;
            calendar
                .add_line(&line)
                .map_err(|e| ParseError(format!("calendar line {}: {}", index + 1, e.0)))?;
        }
        Ok(calendar)
    }

    fn add_line(&mut self, line: &Line) -> Result<(), ParseError> {
        let date = |raw: &str| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| ParseError(format!("{raw:?} is not a date (YYYY-MM-DD)")))
        };
        let from = date(&line.from)?;
        let to = match line.to.as_deref().filter(|t| !t.is_empty()) {
            Some(raw) => date(raw)?,
            None => from,
        };
        if to < from || (to - from).num_days() > 31 {
            return Err(ParseError(format!(
                "{from} to {to} is not a range of at most a month"
            )));
        }
        let coverage = match line.status.as_str() {
            "OFFICIAL" => Coverage::Official,
            "PROVISIONAL" => Coverage::Provisional,
            other => {
                return Err(ParseError(format!(
                    "status {other:?} is not OFFICIAL or PROVISIONAL"
                )));
            }
        };
        for day in from.iter_days().take_while(|d| *d <= to) {
            self.add_day(day, &line.kind)?;
            let year = self.years.entry(day.year()).or_insert(coverage);
            *year = (*year).min(coverage);
        }
        Ok(())
    }

    fn add_day(&mut self, day: NaiveDate, kind: &str) -> Result<(), ParseError> {
        let (this, other) = match kind {
            "HOLIDAY" => (&mut self.holidays, &self.workdays),
            "WORKDAY" if is_weekend(day) => (&mut self.workdays, &self.holidays),
            "WORKDAY" => {
                return Err(ParseError(format!(
                    "{day} is a weekday: a WORKDAY must be a Saturday or Sunday"
                )));
            }
            other => {
                return Err(ParseError(format!(
                    "kind {other:?} is not HOLIDAY or WORKDAY"
                )));
            }
        };
        if other.contains(&day) {
            return Err(ParseError(format!(
                "{day} is listed as a holiday and as a working day"
            )));
        }
        this.insert(day);
        Ok(())
    }

    /// Takes every year `other` covers from `other`, dropping what this calendar had for
    /// those years.
    pub fn replace_years(&mut self, other: &Self) {
        for year in other.years.keys() {
            self.holidays.retain(|d| d.year() != *year);
            self.workdays.retain(|d| d.year() != *year);
        }
        self.holidays.extend(other.holidays.iter().copied());
        self.workdays.extend(other.workdays.iter().copied());
        self.years.extend(other.years.iter().map(|(y, c)| (*y, *c)));
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.workdays.contains(&day) || (!is_weekend(day) && !self.holidays.contains(&day))
    }

    /// How sure the calendar is of `year` (None: no file covers it; only weekends are off).
    pub fn coverage(&self, year: i32) -> Option<Coverage> {
        self.years.get(&year).copied()
    }

    /// Whether every day after `start` up to `end` lies in a year covered by an official
    /// calendar (the start day itself is not counted, so its year does not matter).
    pub fn official_after(&self, start: NaiveDate, end: NaiveDate) -> bool {
        let first = start.succ_opt().unwrap_or(start);
        (first.year()..=end.year()).all(|y| self.coverage(y) == Some(Coverage::Official))
    }

    /// The years covered, with how sure each is.
    pub fn years(&self) -> impl Iterator<Item = (i32, Coverage)> + '_ {
        self.years.iter().map(|(y, c)| (*y, *c))
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;

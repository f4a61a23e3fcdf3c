//! Working-day arithmetic: a deadline "within n working days" of an event.
//!
//! As in Chinese law (Civil Code art. 201), the day of the event is not counted: the
//! period starts the next day. The result is the n-th working day after `start`, so it is
//! always a working day; for n = 0 it is `start` itself (due the same day).

use chrono::NaiveDate;

use super::calendar::HolidayCalendar;

/// The n-th working day after `start` under `calendar`.
pub fn add_working_days(start: NaiveDate, n: u32, calendar: &HolidayCalendar) -> NaiveDate {
    let mut day = start;
    let mut left = n;
    // Stops at the last representable date, hundreds of thousands of years away.
    while left > 0
        && let Some(next) = day.succ_opt()
    {
        day = next;
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// How many working days lie after `start`, up to and including `end` (0 when `end` is not
/// after `start`): the inverse of [`add_working_days`].
pub fn working_days_between(start: NaiveDate, end: NaiveDate, calendar: &HolidayCalendar) -> u32 {
    let mut count = 0;
    let mut day = start;
    while day < end
        && let Some(next) = day.succ_opt()
    {
        day = next;
        if calendar.is_working_day(day) {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
#[path = "working_days_tests.rs"]
mod tests;

//! How a report's days split between the month rollups and the day rollups: the whole
//! calendar months inside `[first_day, end_day)` are read a row per month, the days at
//! either edge a row per day. Keys of both are strings: `YYYY-MM` and `YYYY-MM-DD`.

use chrono::{Datelike, Months, NaiveDate};

/// The month (`YYYY-MM`) of a day key (`YYYY-MM-DD`).
pub fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

/// A half-open range of days, `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Days {
    /// First day in.
    pub from: NaiveDate,
    /// First day out.
    pub to: NaiveDate,
}

/// `[first_day, end_day)` split into the whole months it covers and the days outside them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// `[first, end)` of whole months, as `YYYY-MM` keys; None when no month is whole.
    pub months: Option<(String, String)>,
    /// The days before the first whole month and after the last (all days when no month is
    /// whole); empty ranges are left out.
    pub days: Vec<Days>,
}

impl Span {
    /// Splits `[first_day, end_day)`.
    pub fn of(first_day: NaiveDate, end_day: NaiveDate) -> Self {
        let first_month = month_start_on_or_after(first_day);
        let end_month = month_start(end_day);
        if first_month >= end_month {
            return Self {
                months: None,
                days: non_empty(vec![Days {
                    from: first_day,
                    to: end_day,
                }]),
            };
        }
        Self {
            months: Some((key(first_month), key(end_month))),
            days: non_empty(vec![
                Days {
                    from: first_day,
                    to: first_month,
                },
                Days {
                    from: end_month,
                    to: end_day,
                },
            ]),
        }
    }
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

fn month_start_on_or_after(day: NaiveDate) -> NaiveDate {
    let start = month_start(day);
    if start == day {
        start
    } else {
        start + Months::new(1)
    }
}

fn key(month_start: NaiveDate) -> String {
    month_start.format("%Y-%m").to_string()
}

fn non_empty(days: Vec<Days>) -> Vec<Days> {
    days.into_iter().filter(|d| d.from < d.to).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    fn days(from: &str, to: &str) -> Days {
        Days {
            from: d(from),
            to: d(to),
        }
    }

    #[test]
    fn a_calendar_month_is_one_whole_month_and_no_days() {
        let span = Span::of(d("2026-11-01"), d("2026-12-01"));
        assert_eq!(span.months, Some(("2026-11".into(), "2026-12".into())));
        assert!(span.days.is_empty());
    }

    #[test]
    fn ragged_edges_are_read_as_days_around_the_whole_months() {
        let span = Span::of(d("2026-10-15"), d("2027-01-03"));
        assert_eq!(span.months, Some(("2026-11".into(), "2027-01".into())));
        assert_eq!(
            span.days,
            vec![
                days("2026-10-15", "2026-11-01"),
                days("2027-01-01", "2027-01-03")
            ]
        );
    }

    #[test]
    fn a_range_inside_one_month_is_all_days() {
        let span = Span::of(d("2026-11-03"), d("2026-11-20"));
        assert_eq!(span.months, None);
        assert_eq!(span.days, vec![days("2026-11-03", "2026-11-20")]);
    }

    #[test]
    fn a_range_across_a_boundary_without_a_whole_month_is_all_days() {
        let span = Span::of(d("2026-11-20"), d("2026-12-10"));
        assert_eq!(span.months, None);
        assert_eq!(span.days, vec![days("2026-11-20", "2026-12-10")]);
    }

    #[test]
    fn a_year_ending_on_a_month_start_has_no_trailing_days() {
        let span = Span::of(d("2026-01-10"), d("2027-01-01"));
        assert_eq!(span.months, Some(("2026-02".into(), "2027-01".into())));
        assert_eq!(span.days, vec![days("2026-01-10", "2026-02-01")]);
    }

    #[test]
    fn month_of_a_day_key() {
        assert_eq!(month_of("2026-11-30"), "2026-11");
    }
}

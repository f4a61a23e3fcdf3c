//! Working days over the 2026 notice (a holiday block with its make-up working days), and
//! properties over random calendars against a plain reference model.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

fn china() -> HolidayCalendar {
    HolidayCalendar::china()
}

#[test]
fn a_make_up_saturday_counts_and_the_spring_festival_does_not() {
    let cn = china();
    // Friday 13 February 2026; Saturday the 14th is a make-up working day (调休上班).
    assert_eq!(
        add_working_days(day("2026-02-13"), 1, &cn),
        day("2026-02-14")
    );
    // Then 15–23 February are the Spring Festival: the next working day is Tuesday the 24th.
    assert_eq!(
        add_working_days(day("2026-02-13"), 2, &cn),
        day("2026-02-24")
    );
    assert_eq!(
        add_working_days(day("2026-02-12"), 3, &cn),
        day("2026-02-24")
    );
}

#[test]
fn national_day_is_skipped_and_its_make_up_days_are_worked() {
    let cn = china();
    // Sunday 20 September 2026 is worked for National Day; Saturday the 19th is not.
    assert_eq!(
        add_working_days(day("2026-09-18"), 1, &cn),
        day("2026-09-20")
    );
    // 1–7 October off, Saturday 10 October worked.
    assert_eq!(
        add_working_days(day("2026-09-30"), 1, &cn),
        day("2026-10-08")
    );
    assert_eq!(
        add_working_days(day("2026-09-30"), 3, &cn),
        day("2026-10-10")
    );
    // 30 working days from Friday 18 September 2026: across Mid-Autumn, National Day and
    // both make-up days, to Thursday 5 November.
    assert_eq!(
        add_working_days(day("2026-09-18"), 30, &cn),
        day("2026-11-05")
    );
}

#[test]
fn the_new_year_make_up_sunday_is_a_working_day() {
    // 1–3 January 2026 off, Sunday 4 January worked.
    assert_eq!(
        add_working_days(day("2025-12-31"), 1, &china()),
        day("2026-01-04")
    );
}

#[test]
fn fifteen_working_days_of_a_second_life_intake_cross_the_spring_festival() {
    // Tue 10 Feb 2026: 11–13 (3), Sat 14 (4), 15–23 off, 24–27 (8), Sat 28 (9),
    // 2–6 March (14), Monday 9 March (15).
    assert_eq!(
        add_working_days(day("2026-02-10"), 15, &china()),
        day("2026-03-09")
    );
}

#[test]
fn zero_working_days_is_the_same_day_and_the_event_day_is_not_counted() {
    let cn = china();
    assert_eq!(
        add_working_days(day("2026-02-15"), 0, &cn),
        day("2026-02-15")
    );
    // An event on a working day: the first day counted is the next one.
    assert_eq!(
        add_working_days(day("2026-03-02"), 1, &cn),
        day("2026-03-03")
    );
    assert_eq!(
        working_days_between(day("2026-02-13"), day("2026-02-24"), &cn),
        2
    );
}

/// A calendar as plain sets: holidays on weekdays and weekends, make-up days on weekends.
#[derive(Clone, Debug)]
struct Model {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl Model {
    /// The reference rule, written without the calendar type.
    fn is_working(&self, d: NaiveDate) -> bool {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        self.workdays.contains(&d) || (!weekend && !self.holidays.contains(&d))
    }

    /// The reference count: walk day by day.
    fn add(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("a near date");
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }

    /// The same days as a calendar file, the way an operator would write it.
    fn calendar(&self) -> HolidayCalendar {
        let mut text = String::from("from,to,kind,status,name\n");
        for d in &self.holidays {
            text.push_str(&format!("{d},,HOLIDAY,OFFICIAL,holiday\n"));
        }
        for d in &self.workdays {
            text.push_str(&format!("{d},,WORKDAY,OFFICIAL,make-up day\n"));
        }
        HolidayCalendar::parse(&text).expect("a generated calendar parses")
    }
}

const BASE: &str = "2026-01-01";

fn offset(days: u64) -> NaiveDate {
    day(BASE) + Days::new(days)
}

/// Random calendars over 2026–2027: each day of the window is off (a weekday holiday),
/// worked (a weekend make-up day) or ordinary, with holidays more frequent in blocks.
fn model() -> impl Strategy<Value = Model> {
    prop::collection::vec(0u8..10, 730).prop_map(|marks| {
        let mut model = Model {
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        };
        for (i, mark) in marks.iter().enumerate() {
            let d = offset(i as u64);
            let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
            match (mark, weekend) {
                (0..=1, false) => {
                    model.holidays.insert(d);
                }
                (0, true) => {
                    model.workdays.insert(d);
                }
                (1, true) => {
                    model.holidays.insert(d);
                }
                _ => {}
            }
        }
        model
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn it_agrees_with_the_reference_model(m in model(), start in 0u64..600, n in 0u32..60) {
        let calendar = m.calendar();
        let start = offset(start);
        prop_assert_eq!(add_working_days(start, n, &calendar), m.add(start, n));
    }

    #[test]
    fn the_deadline_is_a_working_day_with_exactly_n_working_days_after_the_start(
        m in model(), start in 0u64..600, n in 1u32..60,
    ) {
        let calendar = m.calendar();
        let start = offset(start);
        let due = add_working_days(start, n, &calendar);
        prop_assert!(due > start);
        prop_assert!(calendar.is_working_day(due));
        prop_assert_eq!(working_days_between(start, due, &calendar), n);
        // One day earlier there was one working day too few.
        let before = due.pred_opt().expect("a near date");
        prop_assert_eq!(working_days_between(start, before, &calendar), n - 1);
    }

    #[test]
    fn counting_in_two_steps_is_counting_once(
        m in model(), start in 0u64..500, a in 0u32..40, b in 0u32..40,
    ) {
        let calendar = m.calendar();
        let start = offset(start);
        let twice = add_working_days(add_working_days(start, a, &calendar), b, &calendar);
        prop_assert_eq!(twice, add_working_days(start, a + b, &calendar));
    }

    #[test]
    fn a_later_event_is_never_due_earlier(
        m in model(), start in 0u64..600, later in 0u64..30, n in 0u32..40,
    ) {
        let calendar = m.calendar();
        let (first, second) = (offset(start), offset(start + later));
        prop_assert!(add_working_days(first, n, &calendar) <= add_working_days(second, n, &calendar));
    }

    #[test]
    fn more_working_days_in_the_calendar_never_move_a_deadline_later(
        m in model(), start in 0u64..600, n in 1u32..40, dropped in 0usize..50,
    ) {
        // Dropping a holiday makes a day a working day; so does adding a make-up weekend day.
        let mut fewer = m.clone();
        if let Some(d) = fewer.holidays.iter().nth(dropped).copied() {
            fewer.holidays.remove(&d);
        }
        let start = offset(start);
        prop_assert!(
            add_working_days(start, n, &fewer.calendar()) <= add_working_days(start, n, &m.calendar())
        );
    }

    #[test]
    fn over_the_china_calendar_the_deadline_is_a_working_day_n_working_days_on(
        start in 0u64..700, n in 0u32..45,
    ) {
        let cn = china();
        let start = offset(start);
        let due = add_working_days(start, n, &cn);
        prop_assert_eq!(working_days_between(start, due, &cn), n);
        prop_assert!(cn.is_working_day(due) || n == 0);
    }
}

//! The built-in files and the calendar file format.

use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

const HEADER: &str = "from,to,kind,status,name\n";

fn parse(lines: &str) -> Result<HolidayCalendar, ParseError> {
    HolidayCalendar::parse(&format!("{HEADER}{lines}"))
}

#[test]
fn every_built_in_file_parses() {
    for (name, text) in BUILT_IN {
        assert!(
            HolidayCalendar::parse(text).is_ok(),
            "{name}: {:?}",
            HolidayCalendar::parse(text)
        );
    }
}

#[test]
fn the_2026_notice_is_official_and_2027_provisional() {
    let cn = HolidayCalendar::china();
    assert_eq!(cn.coverage(2026), Some(Coverage::Official));
    assert_eq!(cn.coverage(2027), Some(Coverage::Provisional));
    assert_eq!(cn.coverage(2028), None);
    assert!(cn.official_after(day("2026-03-01"), day("2026-12-31")));
    assert!(cn.official_after(day("2025-12-31"), day("2026-01-05")));
    assert!(!cn.official_after(day("2026-12-01"), day("2027-01-13")));
}

#[test]
fn the_2026_days_off_and_make_up_days_are_those_of_the_notice() {
    let cn = HolidayCalendar::china();
    let off = [
        "2026-01-01",
        "2026-01-02",
        "2026-02-16",
        "2026-02-20",
        "2026-02-23",
        "2026-04-06",
        "2026-05-04",
        "2026-05-05",
        "2026-06-19",
        "2026-09-25",
        "2026-10-02",
        "2026-10-07",
    ];
    let worked = [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ];
    for d in off {
        assert!(!cn.is_working_day(day(d)), "{d} is a day off");
    }
    for d in worked {
        assert!(cn.is_working_day(day(d)), "{d} is a make-up working day");
    }
    // An ordinary week and weekend.
    assert!(cn.is_working_day(day("2026-03-02")));
    assert!(!cn.is_working_day(day("2026-03-07")));
    // Outside the covered years only weekends are off.
    assert!(cn.is_working_day(day("2028-02-01")));
}

#[test]
fn a_file_is_refused_with_the_line_and_the_reason() {
    let cases = [
        ("2026-03-02,,WORKDAY,OFFICIAL,x\n", "weekday"),
        (
            "2026-02-14,,WORKDAY,OFFICIAL,x\n2026-02-14,,HOLIDAY,OFFICIAL,y\n",
            "holiday and as a working day",
        ),
        ("2026-02-14,,WORKDAY,MAYBE,x\n", "OFFICIAL or PROVISIONAL"),
        ("2026-02-30,,HOLIDAY,OFFICIAL,x\n", "not a date"),
        ("2026-02-10,2026-02-01,HOLIDAY,OFFICIAL,x\n", "range"),
        ("2026-02-10,,DAYOFF,OFFICIAL,x\n", "HOLIDAY or WORKDAY"),
    ];
    for (lines, reason) in cases {
        let err = parse(lines).expect_err(lines);
        assert!(err.0.contains(reason), "{lines}: {err:?}");
        assert!(err.0.starts_with("calendar line "), "{err:?}");
    }
}

#[test]
fn comments_ranges_and_spaces_are_read() {
    let cn =
        parse("# a comment\n 2030-02-01 , 2030-02-05 , HOLIDAY , OFFICIAL , x\n").expect("parses");
    assert!(!cn.is_working_day(day("2030-02-04")));
    assert!(cn.is_working_day(day("2030-02-06")));
    assert_eq!(cn.coverage(2030), Some(Coverage::Official));
}

#[test]
fn an_extra_file_replaces_the_years_it_covers() {
    let mut cn = HolidayCalendar::china();
    let published =
        parse("2027-02-04,2027-02-12,HOLIDAY,OFFICIAL,Spring Festival\n").expect("parses");
    cn.replace_years(&published);
    assert_eq!(cn.coverage(2027), Some(Coverage::Official));
    // The projected make-up Sunday and the projected National Day are gone.
    assert!(!cn.is_working_day(day("2027-02-14")));
    assert!(cn.is_working_day(day("2027-10-05")));
    assert!(!cn.is_working_day(day("2027-02-04")));
    // 2026 is untouched.
    assert!(cn.is_working_day(day("2026-01-04")));
}

//! Which events make tasks, and their due instants in the reporting time zone.

use chrono::TimeZone;

use super::*;

fn shanghai(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("a Shanghai time")
        .with_timezone(&Utc)
}

#[test]
fn battery_events_map_to_the_measures_kinds() {
    use ProcessingOutcome as O;
    let kind = ComplianceKind::of_event;
    assert_eq!(
        kind(CustodyStep::HandedOver, None),
        Some(ComplianceKind::CollectionHandover)
    );
    assert_eq!(
        kind(CustodyStep::Received, None),
        Some(ComplianceKind::RecyclerIntake)
    );
    for outcome in [O::MaterialRecovered, O::Disposed] {
        assert_eq!(
            kind(CustodyStep::Processed, Some(outcome)),
            Some(ComplianceKind::RecyclingCompleted)
        );
    }
    for outcome in [O::Repurposed, O::Reused, O::Refurbished] {
        assert_eq!(
            kind(CustodyStep::Processed, Some(outcome)),
            Some(ComplianceKind::SecondLifeIntake)
        );
    }
    for step in [
        CustodyStep::Collected,
        CustodyStep::Rejected,
        CustodyStep::StatusChanged,
    ] {
        assert_eq!(kind(step, None), None);
    }
}

#[test]
fn the_defaults_are_thirty_and_fifteen_working_days() {
    let rules = DeadlineRules::default();
    assert_eq!(rules.working_days(ComplianceKind::CollectionHandover), 30);
    assert_eq!(rules.working_days(ComplianceKind::RecyclerIntake), 30);
    assert_eq!(rules.working_days(ComplianceKind::RecyclingCompleted), 30);
    assert_eq!(rules.working_days(ComplianceKind::SecondLifeIntake), 15);
    assert_eq!(rules.time_zone, chrono_tz::Asia::Shanghai);
}

#[test]
fn the_day_of_the_event_is_the_day_in_shanghai() {
    let rules = DeadlineRules::default();
    // 23:30 on Friday 18 September 2026 in Shanghai is still the 18th there (15:30 UTC):
    // 30 working days later is Thursday 5 November, due at 23:59:59 Shanghai time.
    let late_friday = shanghai(2026, 9, 18, 23) + Duration::minutes(30);
    let due = rules
        .deadline(ComplianceKind::CollectionHandover, late_friday)
        .expect("a deadline");
    assert_eq!(
        due.due_date,
        NaiveDate::from_ymd_opt(2026, 11, 5).expect("date")
    );
    assert_eq!(due.due_at, shanghai(2026, 11, 6, 0) - Duration::seconds(1));
    assert!(!due.provisional);
    // 00:30 on Saturday the 19th in Shanghai is Friday 16:30 UTC, yet a Saturday event:
    // its first working day is also Sunday 20 September (make-up), so it is due the same day.
    let saturday = shanghai(2026, 9, 19, 0) + Duration::minutes(30);
    let due = rules
        .deadline(ComplianceKind::CollectionHandover, saturday)
        .expect("a deadline");
    assert_eq!(
        due.due_date,
        NaiveDate::from_ymd_opt(2026, 11, 5).expect("date")
    );
    let second_life = rules
        .deadline(ComplianceKind::SecondLifeIntake, shanghai(2026, 2, 10, 9))
        .expect("a deadline");
    assert_eq!(
        second_life.due_date,
        NaiveDate::from_ymd_opt(2026, 3, 9).expect("date")
    );
}

#[test]
fn a_deadline_counted_into_a_projected_year_is_provisional() {
    let rules = DeadlineRules::default();
    let due = rules
        .deadline(ComplianceKind::RecyclerIntake, shanghai(2026, 12, 1, 10))
        .expect("a deadline");
    assert_eq!(
        due.due_date,
        NaiveDate::from_ymd_opt(2027, 1, 13).expect("date")
    );
    assert!(due.provisional);
}

#[test]
fn rules_are_overridden_per_kind_and_zero_turns_a_kind_off() {
    let rules = DeadlineRules::default()
        .with_days("SECOND_LIFE_INTAKE=10, RECYCLING_COMPLETED=0")
        .expect("parses");
    assert_eq!(rules.working_days(ComplianceKind::SecondLifeIntake), 10);
    assert_eq!(rules.working_days(ComplianceKind::RecyclerIntake), 30);
    assert_eq!(
        rules.deadline(ComplianceKind::RecyclingCompleted, Utc::now()),
        None
    );
    for bad in [
        "SECOND_LIFE_INTAKE",
        "NOPE=3",
        "RECYCLER_INTAKE=-1",
        "RECYCLER_INTAKE=400",
    ] {
        assert!(DeadlineRules::default().with_days(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_day_ends_in_the_reporting_time_zone_even_across_a_clock_change() {
    let date = NaiveDate::from_ymd_opt(2026, 3, 8).expect("date");
    // New York springs forward at 02:00 on 8 March 2026; the day still ends at midnight.
    let end = end_of_day(chrono_tz::America::New_York, date);
    assert_eq!(end.to_rfc3339(), "2026-03-09T03:59:59+00:00");
    // Havana skips midnight itself (00:00 → 01:00 on 8 March 2026): the day starts at 01:00.
    let start = start_of_day(chrono_tz::America::Havana, date);
    assert_eq!(start.to_rfc3339(), "2026-03-08T05:00:00+00:00");
}

//! The task's life against a reference model, over random sequences of time passing,
//! reports and overdue sweeps.

use chrono::Duration;
use proptest::prelude::*;

use super::*;

#[derive(Clone, Copy, Debug)]
enum Step {
    /// Time passes (minutes).
    Wait(i64),
    /// An operator reports it.
    Report,
    /// The sweep looks at it.
    Sweep,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1i64..3000).prop_map(Step::Wait),
        Just(Step::Report),
        Just(Step::Sweep),
    ]
}

#[test]
fn an_open_task_turns_overdue_after_its_last_second() {
    let due = chrono::Utc::now();
    assert_eq!(
        status(TaskState::Open, due, due),
        ComplianceTaskStatus::Open
    );
    assert_eq!(
        status(TaskState::Open, due, due + Duration::seconds(1)),
        ComplianceTaskStatus::Overdue
    );
    assert_eq!(
        status(TaskState::Reported, due, due + Duration::days(9)),
        ComplianceTaskStatus::Reported
    );
    assert_eq!(report(TaskState::Reported), Err(AlreadyReported));
}

#[test]
fn a_reference_is_trimmed_and_must_not_be_empty_or_long() {
    assert_eq!(
        PlatformReference::parse("  NEV-2026-000123 ").map(|r| r.as_str().to_owned()),
        Ok("NEV-2026-000123".to_owned())
    );
    assert!(PlatformReference::parse("   ").is_err());
    assert!(PlatformReference::parse(&"x".repeat(201)).is_err());
    assert!(PlatformReference::parse(&"参".repeat(200)).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_task_follows_the_model(
        due_in in 0i64..5000, steps in prop::collection::vec(step(), 0..25),
    ) {
        let start = chrono::Utc::now();
        let due = start + Duration::minutes(due_in);
        // The model: a report flag, a clock and how many times the overdue was announced.
        let (mut now, mut reported, mut announcements) = (start, false, 0);
        let mut state = TaskState::Open;
        for step in steps {
            match step {
                Step::Wait(minutes) => now += Duration::minutes(minutes),
                Step::Report => {
                    let result = report(state);
                    prop_assert_eq!(result.is_ok(), !reported);
                    if let Ok(next) = result {
                        state = next;
                    }
                    reported = true;
                }
                Step::Sweep => {
                    if announce_overdue(state, due, announcements > 0, now) {
                        prop_assert!(!reported && now > due);
                        announcements += 1;
                    }
                }
            }
            let expected = match (reported, now > due) {
                (true, _) => ComplianceTaskStatus::Reported,
                (false, true) => ComplianceTaskStatus::Overdue,
                (false, false) => ComplianceTaskStatus::Open,
            };
            prop_assert_eq!(status(state, due, now), expected);
            prop_assert!(announcements <= 1);
        }
    }
}

//! Battery custody events create reporting tasks in their own transaction, due the
//! n-th working day after the event's day in Shanghai: across holidays and make-up
//! working days of a test calendar, and over the built-in China calendar.

use chrono::{Datelike, Days, Weekday};
use serde_json::{Value, json};

use super::fixtures::{
    Calendar, TRACE_CODE, app_on, app_with, end_of_shanghai_day, instant, nodes, pack_and_recycler,
    received, shanghai_date, shanghai_today, tasks,
};
use crate::custody::fixtures::{collected_order, handed_over, items, light_plant, process};
use crate::helpers::spawn_app;

/// The task of `kind` among `all`.
fn of_kind<'a>(all: &'a [Value], kind: &str) -> &'a Value {
    all.iter()
        .find(|t| t["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} task in {all:?}"))
}

/// Checks `task` is due `days` working days after its event under `calendar`, at the
/// last second of that day in Shanghai.
fn assert_due(task: &Value, calendar: &Calendar, days: u32) {
    let event_day = shanghai_date(&task["eventAt"]);
    let due_day = calendar.add(event_day, days);
    assert_eq!(task["workingDays"], days, "{task}");
    assert_eq!(
        instant(&task["dueAt"]),
        end_of_shanghai_day(due_day),
        "{task}"
    );
}

#[tokio::test]
async fn an_ev_packs_hand_over_receipt_and_second_life_are_due_across_holidays_and_make_up_days() {
    // Every weekday of the coming weeks a holiday, every weekend day a make-up working
    // day: a deadline can only fall on a Saturday or Sunday.
    let calendar = Calendar::upside_down(shanghai_today() - Days::new(2), 60);
    let app = app_with(
        &calendar,
        "COLLECTION_HANDOVER=3,RECYCLER_INTAKE=2,SECOND_LIFE_INTAKE=1",
    )
    .await;
    let (collected, recycler) = pack_and_recycler(&app).await;
    let operator = collected.operator.access.clone();
    assert!(
        nodes(&tasks(&app, &operator, "").await).is_empty(),
        "collection makes no task"
    );

    let transfer = received(&app, &collected, &recycler).await;
    let item = transfer["items"][0].clone();
    let all = nodes(&tasks(&app, &operator, "").await);
    assert_eq!(
        all.len(),
        2,
        "a hand-over and a receipt, not the status change: {all:?}"
    );
    let handover = of_kind(&all, "COLLECTION_HANDOVER");
    assert_eq!(handover["step"], "HANDED_OVER");
    assert_eq!(handover["itemId"], item["id"]);
    assert_eq!(handover["orderId"], collected.order_id.as_str());
    assert_eq!(handover["traceCode"], TRACE_CODE);
    assert_eq!(handover["status"], "OPEN");
    assert_eq!(handover["reportedAt"], Value::Null);
    assert_eq!(handover["reference"], Value::Null);
    assert_eq!(handover["dueAtProvisional"], false);
    assert_due(handover, &calendar, 3);
    let intake = of_kind(&all, "RECYCLER_INTAKE");
    assert_eq!(intake["step"], "RECEIVED");
    assert_due(intake, &calendar, 2);
    for task in [handover, intake] {
        let due = shanghai_date(&task["dueAt"]);
        assert!(
            matches!(due.weekday(), Weekday::Sat | Weekday::Sun),
            "only make-up days are worked: {task}"
        );
    }

    let repurposed = process(
        &app,
        &recycler.staff.access,
        json!({"itemIds": [item["id"]], "outcome": "REPURPOSED"}),
    )
    .await;
    assert_eq!(
        repurposed["data"]["recordProcessing"][0]["status"], "PROCESSED",
        "{repurposed}"
    );
    let all = nodes(&tasks(&app, &operator, "").await);
    assert_eq!(all.len(), 3, "{all:?}");
    let second_life = of_kind(&all, "SECOND_LIFE_INTAKE");
    assert_eq!(second_life["step"], "PROCESSED");
    assert_due(second_life, &calendar, 1);
    // Soonest due first.
    let due: Vec<_> = all.iter().map(|t| instant(&t["dueAt"])).collect();
    assert!(due.windows(2).all(|w| w[0] <= w[1]), "{all:?}");
}

#[tokio::test]
async fn with_the_built_in_calendar_a_hand_over_is_due_thirty_working_days_later() {
    let app = spawn_app().await;
    let (collected, recycler) = pack_and_recycler(&app).await;
    handed_over(&app, &collected, &recycler).await;
    let all = nodes(&tasks(&app, &collected.operator.access, "").await);
    assert_eq!(all.len(), 1, "{all:?}");
    let task = &all[0];
    assert_eq!(task["kind"], "COLLECTION_HANDOVER");
    assert_due(task, &Calendar::china(), 30);
    // Only 2026 is published: a deadline counted into any later year is provisional.
    let event_day = shanghai_date(&task["eventAt"]) + Days::new(1);
    let due_day = shanghai_date(&task["dueAt"]);
    let official = event_day.year() == 2026 && due_day.year() == 2026;
    assert_eq!(task["dueAtProvisional"], !official, "{task}");
}

#[tokio::test]
async fn items_that_are_not_batteries_make_no_task() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let plant = light_plant(&app, &collected.operator).await;
    handed_over(&app, &collected, &plant).await;
    let found = items(&app, &collected.operator.access, &collected.order_id)
        .await
        .expect("items");
    assert!(
        found.iter().all(|i| i["status"] == "IN_TRANSIT"),
        "{found:?}"
    );
    assert!(nodes(&tasks(&app, &collected.operator.access, "").await).is_empty());
}

#[tokio::test]
async fn a_published_calendar_recounts_open_provisional_deadlines_at_start_up() {
    let mut projected = Calendar::upside_down(shanghai_today() - Days::new(2), 60);
    projected.provisional = true;
    let app = app_with(&projected, "COLLECTION_HANDOVER=3").await;
    let (collected, recycler) = pack_and_recycler(&app).await;
    handed_over(&app, &collected, &recycler).await;
    let operator = collected.operator.access.clone();
    let before = nodes(&tasks(&app, &operator, "").await).remove(0);
    assert_eq!(before["dueAtProvisional"], true, "{before}");
    assert_due(&before, &projected, 3);

    // The notice is out: ordinary weeks, one holiday on 1 July of each year concerned.
    let event_day = shanghai_date(&before["eventAt"]);
    let mut published = Calendar::default();
    for year in [event_day.year(), event_day.year() + 1] {
        published
            .holidays
            .insert(chrono::NaiveDate::from_ymd_opt(year, 7, 1).expect("a date"));
    }
    let restarted = app_on(
        &published,
        "COLLECTION_HANDOVER=3",
        Some(app.database_url.clone()),
    )
    .await;
    let after = nodes(&tasks(&restarted, &operator, "").await).remove(0);
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["dueAtProvisional"], false, "{after}");
    assert_due(&after, &published, 3);
    assert_ne!(after["dueAt"], before["dueAt"], "weekdays work again");
}

//! A task past its deadline reads OVERDUE, is announced once to operators' subscriptions,
//! shows on `/metrics`, and can still be reported late.

use chrono::Days;

use super::fixtures::{
    Calendar, app_with, mark_reported, nodes, pack_and_recycler, shanghai_today, signed_in_again,
    tasks,
};
use crate::custody::fixtures::handed_over;
use crate::helpers::metrics::metrics_text;
use crate::helpers::{PATIENCE, TestApp, eventually};

const OVERDUE: &str = "subscription { complianceTaskOverdue { id kind status dueAt } }";

/// Waits until `/metrics` shows `count` tasks with `status`.
async fn gauge_reads(app: &TestApp, status: &str, count: u64) {
    let line = format!("reloop_compliance_tasks{{status=\"{status}\"}} {count}");
    eventually(PATIENCE, &line, || async {
        metrics_text(&app.http, &app.address)
            .await
            .lines()
            .any(|l| l == line)
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_task_past_its_deadline_is_overdue_announced_counted_and_reported_late() {
    let calendar = Calendar::upside_down(shanghai_today() - Days::new(2), 30);
    let app = app_with(&calendar, "COLLECTION_HANDOVER=1").await;
    for status in ["OPEN", "OVERDUE", "REPORTED"] {
        gauge_reads(&app, status, 0).await;
    }
    let (collected, recycler) = pack_and_recycler(&app).await;
    let mut socket = app.ws_signed_in(&collected.operator).await;
    socket.subscribe("overdue", OVERDUE).await;
    handed_over(&app, &collected, &recycler).await;
    let open = nodes(&tasks(&app, &collected.operator.access, "status: OPEN").await);
    assert_eq!(open.len(), 1, "{open:?}");
    let task_id = open[0]["id"].clone();
    gauge_reads(&app, "OPEN", 1).await;

    // One working day is at most a week away in this calendar: three weeks is past it.
    app.clock.advance(chrono::Duration::days(21));
    let announced = socket.next_data().await;
    assert_eq!(
        announced["complianceTaskOverdue"]["id"], task_id,
        "{announced}"
    );
    assert_eq!(announced["complianceTaskOverdue"]["status"], "OVERDUE");
    gauge_reads(&app, "OVERDUE", 1).await;
    gauge_reads(&app, "OPEN", 0).await;

    let operator = signed_in_again(&app, &collected.operator).await;
    let overdue = nodes(&tasks(&app, &operator.access, "status: OVERDUE").await);
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    assert_eq!(overdue[0]["id"], task_id);
    assert!(nodes(&tasks(&app, &operator.access, "status: OPEN").await).is_empty());

    let id = task_id.as_str().expect("id");
    let late = mark_reported(&app, &operator.access, id, "NEV-LATE-0001").await;
    assert_eq!(
        late["data"]["markComplianceReported"]["status"], "REPORTED",
        "{late}"
    );
    gauge_reads(&app, "REPORTED", 1).await;
    gauge_reads(&app, "OVERDUE", 0).await;
    assert!(nodes(&tasks(&app, &operator.access, "status: OVERDUE").await).is_empty());
}

//! Operators mark a task reported with the platform's reference (audited); a second
//! report, an unknown task, an empty reference and other roles are refused.

use serde_json::{Value, json};
use uuid::Uuid;

use super::fixtures::{mark_reported, nodes, pack_and_recycler, tasks};
use crate::custody::fixtures::handed_over;
use crate::helpers::{error_code, spawn_app};

#[tokio::test]
async fn an_operator_marks_a_task_reported_once_with_the_platforms_reference() {
    let app = spawn_app().await;
    let (collected, recycler) = pack_and_recycler(&app).await;
    handed_over(&app, &collected, &recycler).await;
    let operator = &collected.operator.access;
    let task = nodes(&tasks(&app, operator, "").await).remove(0);
    let id = task["id"].as_str().expect("id");

    let reported = mark_reported(&app, operator, id, "  NEV-2026-000123 ").await;
    let done = &reported["data"]["markComplianceReported"];
    assert_eq!(done["status"], "REPORTED", "{reported}");
    assert_eq!(done["reference"], "NEV-2026-000123");
    assert!(done["reportedAt"].is_string());
    let listed = nodes(&tasks(&app, operator, "status: REPORTED").await);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["reference"], "NEV-2026-000123");
    assert!(nodes(&tasks(&app, operator, "status: OPEN").await).is_empty());

    let again = mark_reported(&app, operator, id, "NEV-2026-000124").await;
    assert_eq!(error_code(&again), Some("INVALID_STATE"), "{again}");
    let audit = app
        .gql(
            Some(operator),
            "query { catalogAuditLog(first: 20) { edges { node { action entityId actorUserId details } } } }",
            json!({}),
        )
        .await;
    let entries: Vec<&Value> = audit["data"]["catalogAuditLog"]["edges"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["action"] == "compliance_task.report")
        .collect();
    assert_eq!(entries.len(), 1, "one report, one entry: {audit}");
    assert_eq!(entries[0]["entityId"], id);
    assert_eq!(entries[0]["actorUserId"], collected.operator.id.as_str());
    let details: Value = serde_json::from_str(entries[0]["details"].as_str().expect("details"))
        .expect("JSON details");
    assert_eq!(details["reference"], "NEV-2026-000123");
    assert_eq!(details["late"], false);
}

#[tokio::test]
async fn bad_reports_and_other_roles_are_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let (collected, recycler) = pack_and_recycler(&app).await;
    handed_over(&app, &collected, &recycler).await;
    let operator = &collected.operator.access;
    let id = nodes(&tasks(&app, operator, "").await)[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let empty = mark_reported(&app, operator, &id, "   ").await;
    assert_eq!(error_code(&empty), Some("VALIDATION"), "{empty}");
    assert_eq!(empty["errors"][0]["extensions"]["field"], "reference");
    let long = mark_reported(&app, operator, &id, &"R".repeat(201)).await;
    assert_eq!(error_code(&long), Some("VALIDATION"), "{long}");
    for unknown in [Uuid::new_v4().to_string(), "not-an-id".to_owned()] {
        let missing = mark_reported(&app, operator, &unknown, "NEV-1").await;
        assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{missing}");
    }
    let collector = mark_reported(&app, &collected.collector.access, &id, "NEV-1").await;
    assert_eq!(error_code(&collector), Some("FORBIDDEN"), "{collector}");
    let staff = tasks(&app, &recycler.staff.access, "").await;
    assert_eq!(error_code(&staff), Some("FORBIDDEN"), "{staff}");
    let anonymous = app
        .gql(
            None,
            "query { complianceTasks { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
    let mut socket = app.ws_signed_in(&collected.collector).await;
    socket
        .send_subscribe("overdue", "subscription { complianceTaskOverdue { id } }")
        .await;
    let refused = socket.next_json().await;
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "operators only: {refused}"
    );
    let bad_cursor = tasks(&app, operator, "after: \"nonsense\"").await;
    assert_eq!(error_code(&bad_cursor), Some("VALIDATION"), "{bad_cursor}");

    let still = nodes(&tasks(&app, operator, "").await);
    assert_eq!(still[0]["status"], "OPEN", "{still:?}");
    assert_eq!(still[0]["reference"], Value::Null);
}

#[tokio::test]
async fn tasks_page_by_cursor_and_filter_by_due_date() {
    let app = spawn_app().await;
    let (collected, recycler) = pack_and_recycler(&app).await;
    let transfer = super::fixtures::received(&app, &collected, &recycler).await;
    assert_eq!(transfer["items"].as_array().map(Vec::len), Some(1));
    let operator = &collected.operator.access;
    let first = tasks(&app, operator, "first: 1").await;
    let page = &first["data"]["complianceTasks"];
    assert_eq!(page["edges"].as_array().map(Vec::len), Some(1), "{first}");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let cursor = page["pageInfo"]["endCursor"].as_str().expect("cursor");
    let next = tasks(&app, operator, &format!("first: 1, after: \"{cursor}\"")).await;
    let second = nodes(&next);
    assert_eq!(second.len(), 1, "{next}");
    assert_ne!(second[0]["id"], page["edges"][0]["node"]["id"]);
    assert_eq!(
        next["data"]["complianceTasks"]["pageInfo"]["hasNextPage"],
        false
    );

    let due = page["edges"][0]["node"]["dueAt"].as_str().expect("dueAt");
    let before = nodes(&tasks(&app, operator, &format!("dueBefore: \"{due}\"")).await);
    assert!(before.is_empty(), "strictly before: {before:?}");
    let far = nodes(&tasks(&app, operator, "dueBefore: \"2100-01-01T00:00:00Z\"").await);
    assert_eq!(far.len(), 2);
}

//! The compliance side of the console: an operator marks a battery reporting task reported
//! with the platform's reference, and resolves a trace-code discrepancy from the order's
//! page; both show on the page and in the API.

use serde_json::{Value, json};

use super::Console;
use crate::compliance::fixtures::{PACK, pack_and_recycler};
use crate::custody::fixtures::{arrived_order_of, handed_over};
use crate::helpers::browser::{element, text_with};
use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::orders::fixtures::inspect;

/// A trace code other than the one quoted in [`PACK`] (same maker and date).
const OTHER_CODE: &str = "03HPB0DA0001B1C7S0000002";

async fn gql(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let answer = app.gql(Some(token), query, variables).await;
    assert!(answer["errors"].is_null(), "{answer}");
    answer["data"].clone()
}

#[tokio::test]
async fn a_browser_console_marks_a_compliance_task_reported() {
    let app = spawn_app().await;
    let Some(console) = Console::open(&app.address, 1280, 800).await else {
        return;
    };
    let (collected, recycler) = pack_and_recycler(&app).await;
    handed_over(&app, &collected, &recycler).await;
    let operator = &collected.operator;
    let tasks = gql(
        &app,
        &operator.access,
        "{ complianceTasks(first: 10) { nodes { id status } } }",
        json!({}),
    )
    .await;
    let task = &tasks["complianceTasks"]["nodes"][0];
    assert_eq!(task["status"], "OPEN", "{tasks}");
    let id = task["id"].as_str().expect("a task id");

    console.sign_in(&operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;
    console.go("#/compliance").await;
    let form = format!("#tasks form[data-task-id='{id}']");
    element(&console.browser, &format!("{form} input[name=reference]"))
        .await
        .send_keys("NEV-2026-000777")
        .await
        .expect("type the reference");
    console.click(&format!("{form} button[type=submit]")).await;
    let row = text_with(&console.browser, "#tasks tbody", "NEV-2026-000777").await;
    assert!(row.contains("reported"), "{row}");
    console
        .assert_fits("the compliance tasks at 1280×800")
        .await;

    let after = gql(
        &app,
        &operator.access,
        "{ complianceTasks(first: 10) { nodes { id status reference } } }",
        json!({}),
    )
    .await;
    let task = &after["complianceTasks"]["nodes"][0];
    assert_eq!(task["status"], "REPORTED", "{after}");
    assert_eq!(task["reference"], "NEV-2026-000777");
    console.close().await;
}

#[tokio::test]
async fn a_browser_console_resolves_a_discrepancy_from_the_order_page() {
    let app = spawn_app().await;
    let Some(console) = Console::open(&app.address, 768, 1024).await else {
        return;
    };
    let order = arrived_order_of(&app, PACK).await;
    let lines = gql(
        &app,
        &order.customer.access,
        "query($id: ID!) { pickupOrder(id: $id) { lines { id } } }",
        json!({"id": order.order_id}),
    )
    .await;
    let line = lines["pickupOrder"]["lines"][0]["id"].clone();
    let inspected = inspect(
        &app,
        &order.collector.access,
        &order.order_id,
        json!([{"lineId": line, "traceCode": OTHER_CODE}]),
    )
    .await;
    assert!(inspected["errors"].is_null(), "{inspected}");
    const LIST: &str =
        "{ custodyDiscrepancies(first: 10) { nodes { id orderId resolvedAt resolution } } }";
    let listed = gql(&app, &order.operator.access, LIST, json!({})).await;
    let discrepancy = &listed["custodyDiscrepancies"]["nodes"][0];
    assert_eq!(discrepancy["orderId"], order.order_id.as_str(), "{listed}");
    let id = discrepancy["id"].as_str().expect("id").to_owned();

    console.sign_in(&order.operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;
    console.go(&format!("#/orders/{}", order.order_id)).await;
    text_with(&console.browser, "#disc-h", "Discrepancies").await;
    let form = format!("#resolve-{id}-form");
    element(&console.browser, &format!("{form} input[name=resolution]"))
        .await
        .send_keys("label misread at the door; pack matches the booking")
        .await
        .expect("type the resolution");
    console.click(&format!("{form} button[type=submit]")).await;
    let shown = text_with(&console.browser, ".discrepancy", "Resolved").await;
    assert!(shown.contains("label misread at the door"), "{shown}");
    console
        .assert_fits("an order with a discrepancy at 768×1024")
        .await;

    let listed = gql(&app, &order.operator.access, LIST, json!({})).await;
    let resolved = &listed["custodyDiscrepancies"]["nodes"][0];
    assert!(resolved["resolvedAt"].is_string(), "{listed}");
    assert_eq!(
        resolved["resolution"],
        "label misread at the door; pack matches the booking"
    );
    console.close().await;
}

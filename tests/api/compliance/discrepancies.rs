//! A battery's trace code read at the door: one that differs from the quoted code (or
//! none where the quote had one) is a discrepancy operators list, the payout is held
//! until an operator resolves it (audited), and the item goes into custody with the code
//! on its label.

use serde_json::{Value, json};

use super::fixtures::{PACK, TRACE_CODE};
use crate::custody::fixtures::{Collected, arrived_order_of, items};
use crate::helpers::{TestApp, error_code, spawn_app};
use crate::orders::fixtures::{complete, inspect};

/// The same manufacturer and date, another serial.
const OTHER_CODE: &str = "03HPB0DA0001B1C7S0000002";
const DISCREPANCIES: &str = "{ custodyDiscrepancies { edges { node { id kind orderId orderLineId expected found holdsPayout detail resolvedAt resolution } } } }";
const RESOLVE: &str = "mutation($id: ID!, $r: String!) { resolveDiscrepancy(id: $id, resolution: $r) { id resolvedAt resolution } }";
const SETTLE: &str = "mutation($id: ID!) { settlePayout(orderId: $id, outcome: PAID, reference: \"TX-1\") { payout { status held } } }";
const PAYOUT: &str = "query($id: ID!) { pickupOrder(id: $id) { payout { status held } } }";

/// The order's only line id.
async fn line_id(app: &TestApp, order: &Collected) -> String {
    let read = app
        .gql(
            Some(&order.customer.access),
            "query($id: ID!) { pickupOrder(id: $id) { lines { id } } }",
            json!({"id": order.order_id}),
        )
        .await;
    read["data"]["pickupOrder"]["lines"][0]["id"]
        .as_str()
        .expect("a line")
        .to_owned()
}

/// The open and resolved discrepancies of `order_id`, as an operator lists them.
async fn discrepancies_of(app: &TestApp, order: &Collected) -> Vec<Value> {
    let listed = app
        .gql(Some(&order.operator.access), DISCREPANCIES, json!({}))
        .await;
    listed["data"]["custodyDiscrepancies"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .map(|e| e["node"].clone())
        .filter(|n| n["orderId"] == order.order_id.as_str())
        .collect()
}

#[tokio::test]
async fn a_different_trace_code_holds_the_payout_until_an_operator_resolves_it() {
    let app = spawn_app().await;
    let order = arrived_order_of(&app, PACK).await;
    let line = line_id(&app, &order).await;
    let inspected = inspect(
        &app,
        &order.collector.access,
        &order.order_id,
        json!([{"lineId": line, "traceCode": OTHER_CODE.to_lowercase()}]),
    )
    .await;
    assert_eq!(
        inspected["data"]["recordInspection"]["status"], "INSPECTED",
        "{inspected}"
    );
    let found = discrepancies_of(&app, &order).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let discrepancy = &found[0];
    assert_eq!(discrepancy["kind"], "TRACE_CODE_AT_INSPECTION");
    assert_eq!(discrepancy["orderLineId"], line.as_str());
    assert_eq!(discrepancy["expected"], TRACE_CODE);
    assert_eq!(
        discrepancy["found"], OTHER_CODE,
        "read codes are normalised"
    );
    assert_eq!(discrepancy["holdsPayout"], true);
    let completed = complete(&app, &order.collector.access, &order.order_id).await;
    assert!(completed["errors"].is_null(), "{completed}");
    let custody = items(&app, &order.operator.access, &order.order_id)
        .await
        .expect("items");
    assert_eq!(custody[0]["traceCode"], OTHER_CODE, "the code on the label");

    let vars = json!({"id": order.order_id});
    let payout = app
        .gql(Some(&order.customer.access), PAYOUT, vars.clone())
        .await;
    assert_eq!(
        payout["data"]["pickupOrder"]["payout"]["held"], true,
        "{payout}"
    );
    let held = app
        .gql(Some(&order.operator.access), SETTLE, vars.clone())
        .await;
    assert_eq!(error_code(&held), Some("INVALID_STATE"), "{held}");

    resolve_refusals(&app, &order, discrepancy["id"].as_str().expect("id")).await;
    let resolved = app
        .gql(
            Some(&order.operator.access),
            RESOLVE,
            json!({"id": discrepancy["id"], "r": " Label replaced by the maker; serial checked "}),
        )
        .await;
    let cleared = &resolved["data"]["resolveDiscrepancy"];
    assert_eq!(
        cleared["resolution"], "Label replaced by the maker; serial checked",
        "{resolved}"
    );
    assert!(cleared["resolvedAt"].is_string(), "{resolved}");
    let twice = app
        .gql(
            Some(&order.operator.access),
            RESOLVE,
            json!({"id": discrepancy["id"], "r": "again"}),
        )
        .await;
    assert_eq!(error_code(&twice), Some("INVALID_STATE"), "{twice}");
    let audit = app
        .gql(
            Some(&order.operator.access),
            "{ catalogAuditLog(first: 20) { edges { node { action entityId } } } }",
            json!({}),
        )
        .await;
    assert!(audit.to_string().contains("discrepancy.resolve"), "{audit}");
    let paid = app.gql(Some(&order.operator.access), SETTLE, vars).await;
    assert_eq!(
        paid["data"]["settlePayout"]["payout"],
        json!({"status": "PAID", "held": false}),
        "{paid}"
    );
}

/// Who may not resolve, and what is not a resolution: nothing changes.
async fn resolve_refusals(app: &TestApp, order: &Collected, id: &str) {
    let by_customer = app
        .gql(
            Some(&order.customer.access),
            RESOLVE,
            json!({"id": id, "r": "fine"}),
        )
        .await;
    assert_eq!(error_code(&by_customer), Some("FORBIDDEN"), "{by_customer}");
    let empty = app
        .gql(
            Some(&order.operator.access),
            RESOLVE,
            json!({"id": id, "r": "  "}),
        )
        .await;
    assert_eq!(error_code(&empty), Some("VALIDATION"), "{empty}");
    assert_eq!(
        empty["errors"][0]["extensions"]["field"], "resolution",
        "{empty}"
    );
    for unknown in [uuid::Uuid::new_v4().to_string(), "not-an-id".to_owned()] {
        let missing = app
            .gql(
                Some(&order.operator.access),
                RESOLVE,
                json!({"id": unknown, "r": "fine"}),
            )
            .await;
        assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{missing}");
    }
    let still_open = discrepancies_of(app, order).await;
    assert!(still_open[0]["resolvedAt"].is_null(), "{still_open:?}");
}

#[tokio::test]
async fn a_missing_code_is_a_discrepancy_and_a_malformed_one_is_refused() {
    let app = spawn_app().await;
    let order = arrived_order_of(&app, PACK).await;
    let line = line_id(&app, &order).await;
    let malformed = inspect(
        &app,
        &order.collector.access,
        &order.order_id,
        json!([{"lineId": line, "traceCode": "03HPB0DA"}]),
    )
    .await;
    assert_eq!(error_code(&malformed), Some("VALIDATION"), "{malformed}");
    assert_eq!(
        malformed["errors"][0]["extensions"]["field"], "input.lines[0].traceCode",
        "{malformed}"
    );
    assert!(
        discrepancies_of(&app, &order).await.is_empty(),
        "nothing written"
    );

    let unread = inspect(
        &app,
        &order.collector.access,
        &order.order_id,
        json!([{"lineId": line, "weightKg": "380"}]),
    )
    .await;
    assert_eq!(
        unread["data"]["recordInspection"]["status"], "INSPECTED",
        "{unread}"
    );
    let found = discrepancies_of(&app, &order).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["expected"], TRACE_CODE);
    assert!(found[0]["found"].is_null(), "{found:?}");
}

#[tokio::test]
async fn the_same_code_read_at_the_door_is_no_discrepancy() {
    let app = spawn_app().await;
    let order = arrived_order_of(&app, PACK).await;
    let line = line_id(&app, &order).await;
    let inspected = inspect(
        &app,
        &order.collector.access,
        &order.order_id,
        json!([{"lineId": line, "traceCode": format!(" {TRACE_CODE} ")}]),
    )
    .await;
    assert_eq!(
        inspected["data"]["recordInspection"]["status"], "INSPECTED",
        "{inspected}"
    );
    assert!(discrepancies_of(&app, &order).await.is_empty());
}

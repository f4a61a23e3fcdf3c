//! The lifecycle: every transition through the API, the illegal ones, completion with
//! payout, failure, cancelling, rescheduling and ratings (inspection: `inspection.rs`).

use serde_json::{Value, json};

use super::fixtures::{
    ORDER_FIELDS, arrive, assigned_order, book, complete, inspect, order_step, read,
};
use crate::helpers::{Account, TestApp, error_code, spawn_app};

/// The collector inspects both lines as quoted: same items, same prices.
async fn inspect_as_quoted(app: &TestApp, customer: &Account, collector: &Account, order_id: &str) {
    let order = read(app, &customer.access, order_id).await;
    let lines = order["lines"].as_array().expect("lines").clone();
    let inspected = inspect(
        app,
        &collector.access,
        order_id,
        json!([{"lineId": lines[0]["id"], "condition": "GOOD", "photoRefs": ["p/laptop.jpg"]},
               {"lineId": lines[1]["id"], "weightKg": "4"}]),
    )
    .await;
    let order = &inspected["data"]["recordInspection"];
    assert_eq!(order["status"], "INSPECTED", "{inspected}");
    assert_eq!(
        order["finalPayout"], order["estimatedPayout"],
        "same items, same prices"
    );
    assert_eq!(order["lines"][0]["condition"], "GOOD");
}

/// Completion records the proof and a pending payout of the final amount, after every
/// step of the way.
async fn complete_with_payout(app: &TestApp, collector: &Account, order_id: &str) {
    let completed = complete(app, &collector.access, order_id).await;
    let order = &completed["data"]["completePickup"];
    assert_eq!(order["status"], "COMPLETED", "{completed}");
    assert_eq!(order["payout"]["status"], "PENDING");
    assert_eq!(order["payout"]["amount"], order["finalPayout"]);
    assert_eq!(order["proof"]["signatureRef"], "sig/123.png");
    let statuses: Vec<&str> = order["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["toStatus"].as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "REQUESTED",
            "DISPATCHING",
            "ASSIGNED",
            "EN_ROUTE",
            "ARRIVED",
            "INSPECTED",
            "COMPLETED"
        ]
    );
}

/// The customer rates the collector once (a second rating is a CONFLICT); the collector's
/// rating shows it.
async fn rate_once(app: &TestApp, customer: &Account, collector: &Account, order_id: &str) {
    let rated = order_step(
        app,
        &customer.access,
        "rateCollector",
        order_id,
        ", stars: 4, comment: \"friendly\"",
    )
    .await;
    assert_eq!(
        rated["data"]["rateCollector"]["status"], "COMPLETED",
        "{rated}"
    );
    let twice = order_step(
        app,
        &customer.access,
        "rateCollector",
        order_id,
        ", stars: 5",
    )
    .await;
    assert_eq!(error_code(&twice), Some("CONFLICT"), "{twice}");
    let me = app
        .gql(
            Some(&collector.access),
            "{ me { collector { rating } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["data"]["me"]["collector"]["rating"], 4.0);
}

#[tokio::test]
async fn a_pickup_goes_from_booking_to_completion_with_payout_and_rating() {
    let app = spawn_app().await;
    let (customer, collector, _operator, order_id) = assigned_order(&app).await;
    let seen = read(&app, &collector.access, &order_id).await;
    assert_eq!(
        seen["address"]["line1"], "88 Century Avenue",
        "the assigned collector sees the address"
    );
    arrive(&app, &collector, &order_id).await;
    inspect_as_quoted(&app, &customer, &collector, &order_id).await;
    complete_with_payout(&app, &collector, &order_id).await;
    rate_once(&app, &customer, &collector, &order_id).await;
}

#[tokio::test]
async fn a_failed_pickup_is_recorded_with_its_reason() {
    let app = spawn_app().await;
    let (customer, collector, _operator, order_id) = assigned_order(&app).await;
    arrive(&app, &collector, &order_id).await;
    let failed = order_step(
        &app,
        &collector.access,
        "reportFailedPickup",
        &order_id,
        ", reason: \"nobody home\"",
    )
    .await;
    let order = &failed["data"]["reportFailedPickup"];
    assert_eq!(order["status"], "FAILED", "{failed}");
    let last = order["events"]
        .as_array()
        .and_then(|e| e.last())
        .cloned()
        .expect("event");
    assert_eq!(last["reason"], "nobody home");
    assert_eq!(last["actorRole"], "COLLECTOR");
    let cancel = order_step(
        &app,
        &customer.access,
        "cancelPickup",
        &order_id,
        ", reason: \"too late\"",
    )
    .await;
    assert_eq!(error_code(&cancel), Some("INVALID_STATE"), "{cancel}");
}

#[tokio::test]
async fn illegal_transitions_are_invalid_state_and_change_nothing() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let order = book(&app, &customer).await;
    let id = order["id"].as_str().expect("id").to_owned();
    // DISPATCHING: nothing of the collector's applies, and only an operator sees it.
    for (mutation, extra) in [
        ("startTrip", ""),
        ("markArrived", ""),
        ("reportFailedPickup", ", reason: \"x\""),
    ] {
        let response = order_step(&app, &operator.access, mutation, &id, extra).await;
        assert_eq!(
            error_code(&response),
            Some("INVALID_STATE"),
            "{mutation}: {response}"
        );
    }
    let early = complete(&app, &operator.access, &id).await;
    assert_eq!(error_code(&early), Some("INVALID_STATE"));
    let inspect_now = inspect(&app, &operator.access, &id, json!([])).await;
    assert_eq!(
        error_code(&inspect_now),
        Some("INVALID_STATE"),
        "{inspect_now}"
    );
    let answer = order_step(
        &app,
        &customer.access,
        "respondToFinalOffer",
        &id,
        ", accept: true",
    )
    .await;
    assert_eq!(error_code(&answer), Some("INVALID_STATE"), "{answer}");
    let customer_trip = order_step(&app, &customer.access, "startTrip", &id, "").await;
    assert_eq!(
        error_code(&customer_trip),
        Some("FORBIDDEN"),
        "{customer_trip}"
    );
    let rate = order_step(&app, &customer.access, "rateCollector", &id, ", stars: 5").await;
    assert_eq!(error_code(&rate), Some("INVALID_STATE"), "{rate}");
    let after = read(&app, &customer.access, &id).await;
    assert_eq!(after["version"], order["version"]);
    assert_eq!(after["status"], "DISPATCHING");
}

#[tokio::test]
async fn the_customer_can_cancel_until_the_collector_arrives() {
    let app = spawn_app().await;
    let (customer, collector, _operator, order_id) = assigned_order(&app).await;
    let trip = order_step(&app, &collector.access, "startTrip", &order_id, "").await;
    assert_eq!(trip["data"]["startTrip"]["status"], "EN_ROUTE");
    let cancelled = order_step(
        &app,
        &customer.access,
        "cancelPickup",
        &order_id,
        ", reason: \"sold it\"",
    )
    .await;
    assert_eq!(
        cancelled["data"]["cancelPickup"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let by_collector = order_step(&app, &collector.access, "startTrip", &order_id, "").await;
    assert!(
        matches!(error_code(&by_collector), Some("INVALID_STATE")),
        "{by_collector}"
    );

    let (customer, collector, _operator, order_id) = assigned_order(&app).await;
    arrive(&app, &collector, &order_id).await;
    let late = order_step(
        &app,
        &customer.access,
        "cancelPickup",
        &order_id,
        ", reason: \"sold it\"",
    )
    .await;
    assert_eq!(error_code(&late), Some("INVALID_STATE"), "{late}");
    let blank = order_step(
        &app,
        &customer.access,
        "cancelPickup",
        &order_id,
        ", reason: \" \"",
    )
    .await;
    assert_eq!(error_code(&blank), Some("VALIDATION"), "{blank}");
}

#[tokio::test]
async fn rescheduling_moves_the_window_and_sends_an_assigned_order_back_to_dispatch() {
    let app = spawn_app().await;
    let (customer, _collector, _operator, order_id) = assigned_order(&app).await;
    let window = crate::fixtures::window(6);
    let moved = app
        .gql(
            Some(&customer.access),
            &format!("mutation($id: ID!, $w: TimeWindowInput!) {{ reschedulePickup(orderId: $id, window: $w) {{ {ORDER_FIELDS} }} }}"),
            json!({"id": order_id, "w": window}),
        )
        .await;
    let order = &moved["data"]["reschedulePickup"];
    assert_eq!(order["status"], "DISPATCHING", "{moved}");
    assert_eq!(order["collector"], Value::Null);
    let start: chrono::DateTime<chrono::Utc> = order["window"]["start"]
        .as_str()
        .expect("start")
        .parse()
        .expect("time");
    let expected: chrono::DateTime<chrono::Utc> = window["start"]
        .as_str()
        .expect("start")
        .parse()
        .expect("time");
    assert_eq!(start, expected);
}

#[tokio::test]
async fn lists_show_each_party_its_own_orders() {
    let app = spawn_app().await;
    let (customer, collector, operator, order_id) = assigned_order(&app).await;
    let other = app.register("HOUSEHOLD").await;
    book(&app, &other).await;
    book(&app, &customer).await;
    let list = "query($first: Int, $after: String) { pickupOrders(first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }";
    let count = |response: &Value| {
        response["data"]["pickupOrders"]["edges"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(
        count(&app.gql(Some(&customer.access), list, json!({})).await),
        2
    );
    let collectors = app.gql(Some(&collector.access), list, json!({})).await;
    assert_eq!(count(&collectors), 1);
    assert_eq!(
        collectors["data"]["pickupOrders"]["edges"][0]["node"]["id"],
        order_id.as_str()
    );
    assert_eq!(
        count(&app.gql(Some(&operator.access), list, json!({})).await),
        3
    );
    let first = app
        .gql(Some(&operator.access), list, json!({"first": 2}))
        .await;
    assert_eq!(
        first["data"]["pickupOrders"]["pageInfo"]["hasNextPage"],
        true
    );
    let cursor = first["data"]["pickupOrders"]["pageInfo"]["endCursor"].clone();
    let rest = app
        .gql(
            Some(&operator.access),
            list,
            json!({"first": 2, "after": cursor}),
        )
        .await;
    assert_eq!(count(&rest), 1);
    let filtered = app
        .gql(
            Some(&operator.access),
            "{ pickupOrders(status: ASSIGNED) { edges { node { id status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(count(&filtered), 1, "{filtered}");
}

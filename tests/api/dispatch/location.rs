//! `collectorLocation(orderId)`: the order's customer follows the assigned collector's
//! reported positions while the collector is on the way; nobody else may.

use serde_json::{Value, json};

use super::fixtures::{accepted_order, asked_for, go_online, subscribed};
use crate::fixtures::{Collector, verified_collector};
use crate::helpers::{TestApp, WsClient, WsEvent, spawn_app_with};

fn location_subscription(order_id: &str) -> String {
    format!(
        "subscription {{ collectorLocation(orderId: \"{order_id}\") {{ latitude longitude }} }}"
    )
}

async fn report(app: &TestApp, collector: &Collector, point: (f64, f64)) {
    let response = app
        .gql(
            Some(&collector.account.access),
            "mutation($lat: Float!, $lon: Float!) { reportLocation(location: {latitude: $lat, longitude: $lon}) }",
            json!({"lat": point.0, "lon": point.1}),
        )
        .await;
    assert_eq!(response["data"]["reportLocation"], true, "{response}");
}

async fn next_point(ws: &mut WsClient) -> (f64, f64) {
    let data = ws.next_data().await;
    let point = &data["collectorLocation"];
    (
        point["latitude"]
            .as_f64()
            .unwrap_or_else(|| panic!("{data}")),
        point["longitude"]
            .as_f64()
            .unwrap_or_else(|| panic!("{data}")),
    )
}

/// The error code a subscription was refused with.
async fn refusal(ws: &mut WsClient) -> Value {
    match ws.next().await {
        WsEvent::Json(msg) if msg["type"] == "next" => {
            assert!(msg["payload"]["data"].is_null(), "{msg}");
            msg["payload"]["errors"][0]["extensions"]["code"].clone()
        }
        WsEvent::Json(msg) if msg["type"] == "error" => {
            msg["payload"][0]["extensions"]["code"].clone()
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn the_customer_receives_the_assigned_collectors_positions_while_en_route() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.5).await;
    let order_id = accepted_order(&app, &customer, &collector, 2).await;
    let mut ws = subscribed(&app, &customer, &location_subscription(&order_id)).await;

    // Not on the way yet: nothing is passed on.
    report(&app, &collector, (31.2390, 121.4737)).await;
    let trip = app
        .gql(
            Some(&collector.account.access),
            "mutation($id: ID!) { startTrip(orderId: $id) { status } }",
            json!({"id": order_id}),
        )
        .await;
    assert_eq!(trip["data"]["startTrip"]["status"], "EN_ROUTE", "{trip}");
    let route = [
        (31.2350, 121.4740),
        (31.2330, 121.4738),
        (31.2310, 121.4737),
    ];
    for point in route {
        report(&app, &collector, point).await;
        let seen = next_point(&mut ws).await;
        assert!(
            (seen.0 - point.0).abs() < 1e-9 && (seen.1 - point.1).abs() < 1e-9,
            "{seen:?} for {point:?}"
        );
    }
    // Each report is passed on once: the next message is the next report's.
    let marker = (31.2305, 121.4737);
    report(&app, &collector, marker).await;
    let seen = next_point(&mut ws).await;
    assert!(
        (seen.0 - marker.0).abs() < 1e-9 && (seen.1 - marker.1).abs() < 1e-9,
        "{seen:?} came before the marker {marker:?}"
    );
}

#[tokio::test]
async fn a_stranger_cannot_follow_the_collector_of_someone_elses_order() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    let other_collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.5).await;
    let order_id = accepted_order(&app, &customer, &collector, 2).await;
    let stranger = app.register("HOUSEHOLD").await;

    for who in [&stranger, &other_collector.account] {
        let mut ws = asked_for(&app, who, &location_subscription(&order_id)).await;
        assert_eq!(refusal(&mut ws).await, "NOT_FOUND");
    }
    let unknown = uuid::Uuid::new_v4().to_string();
    let mut ws = asked_for(&app, &customer, &location_subscription(&unknown)).await;
    assert_eq!(refusal(&mut ws).await, "NOT_FOUND");
}

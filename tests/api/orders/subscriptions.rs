//! `orderUpdated` over `graphql-transport-ws`: one message per change, in order, for
//! the customer and the assigned collector; nothing for anonymous sockets.

use serde_json::{Value, json};

use super::fixtures::{ORDER_FIELDS, book, inspect, order_step, read};
use crate::fixtures::verified_collector;
use crate::helpers::{Account, TestApp, WsClient, WsEvent, spawn_app};

fn order_updated(order_id: &str) -> String {
    format!("subscription {{ orderUpdated(orderId: \"{order_id}\") {{ id status version }} }}")
}

/// A signed-in socket subscribed to `order_id`, listening once this returns.
async fn subscribe(app: &TestApp, who: &Account, order_id: &str) -> WsClient {
    let mut ws = app.ws_signed_in(who).await;
    ws.subscribe("1", &order_updated(order_id)).await;
    ws
}

/// The next update's (status, version), checking it is about `order_id`.
async fn next_update(ws: &mut WsClient, order_id: &str) -> (String, i64) {
    let data = ws.next_data().await;
    let order = &data["orderUpdated"];
    assert_eq!(order["id"], order_id, "{data}");
    (
        order["status"]
            .as_str()
            .unwrap_or_else(|| panic!("status: {data}"))
            .to_owned(),
        order["version"]
            .as_i64()
            .unwrap_or_else(|| panic!("version: {data}")),
    )
}

#[tokio::test]
async fn the_customer_and_the_collector_receive_each_change_of_an_order_in_order() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let order = book(&app, &customer).await;
    let order_id = order["id"].as_str().expect("id").to_owned();
    let booked_version = order["version"].as_i64().expect("version");
    let collector = verified_collector(&app, &operator).await;
    let mut customer_ws = subscribe(&app, &customer, &order_id).await;

    let assigned = app
        .gql(
            Some(&operator.access),
            &format!("mutation($id: ID!, $c: ID) {{ reassignOrder(orderId: $id, collectorId: $c) {{ {ORDER_FIELDS} }} }}"),
            json!({"id": order_id, "c": collector.id}),
        )
        .await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );
    let (status, assigned_version) = next_update(&mut customer_ws, &order_id).await;
    assert_eq!(status, "ASSIGNED");
    assert!(
        assigned_version > booked_version,
        "{assigned_version} after {booked_version}"
    );
    assert_eq!(
        Some(assigned_version),
        assigned["data"]["reassignOrder"]["version"].as_i64()
    );

    // Once assigned, the collector may follow the order too.
    let collector = collector.account;
    let mut collector_ws = subscribe(&app, &collector, &order_id).await;
    let mut last_version = assigned_version;
    for (step, expected) in [("startTrip", "EN_ROUTE"), ("markArrived", "ARRIVED")] {
        let done = order_step(&app, &collector.access, step, &order_id, "").await;
        assert_eq!(done["data"][step]["status"], expected, "{done}");
        let version = done["data"][step]["version"].as_i64().expect("version");
        assert!(
            version > last_version,
            "{step}: version {version} after {last_version}"
        );
        for ws in [&mut customer_ws, &mut collector_ws] {
            assert_eq!(
                next_update(ws, &order_id).await,
                (expected.to_owned(), version),
                "{step}"
            );
        }
        last_version = version;
    }
    // One message per change: the next message either socket gets is the next change's,
    // so nothing else came between.
    let lines = read(&app, &customer.access, &order_id).await["lines"].clone();
    let inspected = inspect(
        &app,
        &collector.access,
        &order_id,
        json!([{"lineId": lines[0]["id"], "condition": "GOOD", "photoRefs": ["p/laptop.jpg"]},
               {"lineId": lines[1]["id"], "weightKg": "4"}]),
    )
    .await;
    let order = &inspected["data"]["recordInspection"];
    assert_eq!(order["status"], "INSPECTED", "{inspected}");
    let version = order["version"].as_i64().expect("version");
    for ws in [&mut customer_ws, &mut collector_ws] {
        assert_eq!(
            next_update(ws, &order_id).await,
            ("INSPECTED".to_owned(), version),
            "the marker change comes right after the last one"
        );
    }
}

#[tokio::test]
async fn an_anonymous_socket_cannot_subscribe_to_order_updates() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    let order = book(&app, &customer).await;
    let mut ws = app.ws_connect(json!({})).await;
    ws.expect_ack().await;
    ws.send_subscribe("1", &order_updated(order["id"].as_str().expect("id")))
        .await;
    match ws.next().await {
        WsEvent::Json(msg) => {
            assert_eq!(msg["type"], "next", "{msg}");
            assert_eq!(
                msg["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
                "{msg}"
            );
            assert_eq!(msg["payload"]["data"], Value::Null, "{msg}");
        }
        other => panic!("expected an error message, got {other:?}"),
    }
}

//! Offline-first collector steps: an app that lost signal queues its steps with a
//! `clientActionId` and the device's `recordedAt`, and replays the queue when it can,
//! perhaps twice. Each step runs once; a replay returns the first result instead of
//! INVALID_STATE, and the device times are kept beside the server's.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::dispatch::fixtures::{codes, sign_in_again};
use crate::fixtures::{book_quote, light_quote, verified_collector, window};
use crate::helpers::{Account, TestApp, spawn_app};
use crate::orders::fixtures::ORDER_FIELDS;

/// The event fields compared between an online and a replayed pickup.
const EVENTS: &str = "id status finalPayout payout { amount status }
    events { fromStatus toStatus actorRole reason recordedAt }";

/// Orders booked by one customer in windows tomorrow at `hours`, all assigned by an
/// operator to one new verified collector: (customer, collector, order ids).
async fn assigned_orders(app: &TestApp, hours: &[u32]) -> (Account, Account, Vec<String>) {
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(app, &operator).await;
    let mut ids = Vec::new();
    for hour in hours {
        let quote = light_quote(app, &customer).await;
        let order = book_quote(app, &customer, &quote, window(*hour), "id").await;
        let id = order["id"].as_str().expect("id").to_owned();
        let assigned = app
            .gql(
                Some(&operator.access),
                "mutation($id: ID!, $c: ID) { reassignOrder(orderId: $id, collectorId: $c) { status } }",
                json!({"id": id, "c": collector.id}),
            )
            .await;
        assert_eq!(
            assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
            "{assigned}"
        );
        ids.push(id);
    }
    (customer, collector.account, ids)
}

/// One queued step: the mutation, its arguments as GraphQL text, and its variables.
struct Step {
    field: &'static str,
    call: String,
    variables: Value,
}

/// The four steps of a pickup for `order_id`; with `device`, each carries a client
/// action id (`<prefix>-<n>`) and its device time.
fn pickup_steps(order_id: &str, device: Option<(&str, &[DateTime<Utc>; 4])>) -> Vec<Step> {
    let arg =
        |n: usize| device.map(|(prefix, times)| (format!("{prefix}-{n}"), times[n].to_rfc3339()));
    // The same text as arguments of a step and as fields of its input.
    let args = |n: usize| match arg(n) {
        Some((id, at)) => format!(", clientActionId: \"{id}\", recordedAt: \"{at}\""),
        None => String::new(),
    };
    let vars = json!({"id": order_id});
    vec![
        Step {
            field: "startTrip",
            call: format!("startTrip(orderId: $id{})", args(0)),
            variables: vars.clone(),
        },
        Step {
            field: "markArrived",
            call: format!("markArrived(orderId: $id{})", args(1)),
            variables: vars.clone(),
        },
        Step {
            field: "recordInspection",
            call: format!(
                "recordInspection(input: {{orderId: $id, lines: []{}}})",
                args(2)
            ),
            variables: vars.clone(),
        },
        Step {
            field: "completePickup",
            call: format!(
                "completePickup(input: {{orderId: $id, signatureRef: \"sig/1.png\"{}}})",
                args(3)
            ),
            variables: vars,
        },
    ]
}

/// Sends `step` as `who`; returns the whole response.
async fn send(app: &TestApp, who: &Account, step: &Step) -> Value {
    let query = format!(
        "mutation($id: ID!) {{ {} {{ {ORDER_FIELDS} }} }}",
        step.call
    );
    app.gql(Some(&who.access), &query, step.variables.clone())
        .await
}

async fn order(app: &TestApp, who: &Account, order_id: &str) -> Value {
    let response = app
        .gql(
            Some(&who.access),
            &format!("query($id: ID!) {{ pickupOrder(id: $id) {{ {EVENTS} }} }}"),
            json!({"id": order_id}),
        )
        .await;
    assert!(response["errors"].is_null(), "{response}");
    response["data"]["pickupOrder"].clone()
}

/// The events without their device times, for comparing two pickups.
fn trail(order: &Value) -> Vec<Value> {
    order["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| json!([e["fromStatus"], e["toStatus"], e["actorRole"], e["reason"]]))
        .collect()
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a time: {value}"))
        .parse()
        .expect("RFC 3339")
}

#[tokio::test]
async fn an_app_offline_for_an_hour_replays_its_queue_twice_and_ends_as_if_online() {
    let app = spawn_app().await;
    let (customer, collector, ids) = assigned_orders(&app, &[2, 6]).await;
    let (online_id, offline_id) = (&ids[0], &ids[1]);
    for step in pickup_steps(online_id, None) {
        let done = send(&app, &collector, &step).await;
        assert!(done["errors"].is_null(), "{done}");
    }

    // The other pickup happens while the van has no signal: the app queues each step.
    // Whole seconds: PostgreSQL keeps microseconds, and a device sends what it has.
    let t0 = app.state.clock.now().trunc_subsecs(0);
    let times = [5, 20, 30, 40].map(|m| t0 + Duration::minutes(m));
    app.clock.advance(Duration::hours(1));
    let collector = sign_in_again(&app, &collector).await;
    let queue = pickup_steps(offline_id, Some(("queued", &times)));
    let statuses = ["EN_ROUTE", "ARRIVED", "INSPECTED", "COMPLETED"];
    for (step, status) in queue.iter().zip(statuses) {
        let sent = send(&app, &collector, step).await;
        assert_eq!(sent["data"][step.field]["status"], status, "{sent}");
    }
    // The app did not hear the answers and sends the whole queue again.
    for step in &queue {
        let again = send(&app, &collector, step).await;
        assert!(again["errors"].is_null(), "a replay is no error: {again}");
        assert_eq!(again["data"][step.field]["id"], offline_id.as_str());
        assert_eq!(again["data"][step.field]["status"], "COMPLETED", "{again}");
    }

    let customer = sign_in_again(&app, &customer).await;
    let online = order(&app, &customer, online_id).await;
    let offline = order(&app, &customer, offline_id).await;
    assert_eq!(trail(&offline), trail(&online), "{offline:#}");
    assert_eq!(offline["finalPayout"], online["finalPayout"]);
    assert_eq!(offline["payout"], online["payout"]);
    let device_times: Vec<DateTime<Utc>> = offline["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["actorRole"] == "COLLECTOR")
        .map(|e| time(&e["recordedAt"]))
        .collect();
    assert_eq!(device_times, times, "{offline:#}");
    assert!(
        online["events"]
            .as_array()
            .expect("events")
            .iter()
            .all(|e| e["recordedAt"].is_null()),
        "{online:#}"
    );
}

#[tokio::test]
async fn a_client_action_id_reused_for_another_step_or_order_is_a_validation_error() {
    let app = spawn_app().await;
    let (_, collector, ids) = assigned_orders(&app, &[2, 6]).await;
    let started = app
        .gql(
            Some(&collector.access),
            "mutation($id: ID!) { startTrip(orderId: $id, clientActionId: \"step-1\") { status } }",
            json!({"id": ids[0]}),
        )
        .await;
    assert_eq!(
        started["data"]["startTrip"]["status"], "EN_ROUTE",
        "{started}"
    );
    for (mutation, order_id) in [("markArrived", &ids[0]), ("startTrip", &ids[1])] {
        let reused = app
            .gql(
                Some(&collector.access),
                &format!("mutation($id: ID!) {{ {mutation}(orderId: $id, clientActionId: \"step-1\") {{ status }} }}"),
                json!({"id": order_id}),
            )
            .await;
        assert_eq!(codes(&reused), ["VALIDATION"], "{reused}");
        assert_eq!(reused["errors"][0]["extensions"]["field"], "clientActionId");
    }
    // Without an id, a repeated step is still refused as before.
    let repeated = app
        .gql(
            Some(&collector.access),
            "mutation($id: ID!) { startTrip(orderId: $id) { status } }",
            json!({"id": ids[0]}),
        )
        .await;
    assert_eq!(codes(&repeated), ["INVALID_STATE"], "{repeated}");
}

#[tokio::test]
async fn device_times_outside_the_bounds_are_refused_and_a_fast_clock_is_clamped() {
    let app = spawn_app().await;
    let (customer, collector, ids) = assigned_orders(&app, &[2]).await;
    let start = |at: DateTime<Utc>| {
        let (app, token, id) = (&app, collector.access.clone(), ids[0].clone());
        async move {
            app.gql(
                Some(&token),
                "mutation($id: ID!, $at: DateTime) { startTrip(orderId: $id, recordedAt: $at) { status } }",
                json!({"id": id, "at": at.to_rfc3339()}),
            )
            .await
        }
    };
    let now = app.state.clock.now();
    for wrong in [now - Duration::hours(25), now + Duration::minutes(10)] {
        let refused = start(wrong).await;
        assert_eq!(codes(&refused), ["VALIDATION"], "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], "recordedAt");
    }
    let ahead = start(app.state.clock.now() + Duration::seconds(60)).await;
    assert_eq!(ahead["data"]["startTrip"]["status"], "EN_ROUTE", "{ahead}");
    let seen = order(&app, &customer, &ids[0]).await;
    let event = seen["events"]
        .as_array()
        .and_then(|e| e.last())
        .cloned()
        .expect("an event");
    assert!(
        time(&event["recordedAt"]) <= app.state.clock.now(),
        "clamped to the server's time: {event}"
    );
}

#[tokio::test]
async fn the_same_step_sent_several_times_at_once_runs_once() {
    let app = spawn_app().await;
    let (customer, collector, ids) = assigned_orders(&app, &[2, 4, 6]).await;
    for (round, order_id) in ids.iter().enumerate() {
        let prefix = format!("race{round}");
        let steps = pickup_steps(order_id, Some((&prefix, &[app.state.clock.now(); 4])));
        let answers = join_all((0..5).map(|_| send(&app, &collector, &steps[0]))).await;
        for answer in &answers {
            assert_eq!(
                answer["data"]["startTrip"]["status"], "EN_ROUTE",
                "{answer}"
            );
        }
        let seen = order(&app, &customer, order_id).await;
        let trips = seen["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["toStatus"] == "EN_ROUTE")
            .count();
        assert_eq!(trips, 1, "{seen:#}");
    }
}

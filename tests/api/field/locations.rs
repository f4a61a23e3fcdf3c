//! Stale locations: a point recorded before the newest one taken (an app replaying its
//! queue, a retry that overtook) neither moves the collector nor reaches the customer,
//! and a report from a collector who went offline never makes them a candidate again.

use chrono::Duration;
use reloop::infra::geo::GeoPoint;
use serde_json::{Value, json};

use crate::dispatch::fixtures::{
    accepted_order, book_light, go_online, go_online_at, my_offers, north_of_pickup, subscribed,
};
use crate::fixtures::{Collector, verified_collector};
use crate::helpers::{TestApp, WsClient, spawn_app_with};

/// Reports `point` as `collector`, recorded `ago` before the server's now.
async fn report(app: &TestApp, collector: &Collector, point: (f64, f64), ago: Duration) {
    let at = app.state.clock.now() - ago;
    let response = app
        .gql(
            Some(&collector.account.access),
            "mutation($lat: Float!, $lon: Float!, $at: DateTime) { reportLocation(location: {latitude: $lat, longitude: $lon}, recordedAt: $at) }",
            json!({"lat": point.0, "lon": point.1, "at": at.to_rfc3339()}),
        )
        .await;
    assert_eq!(response["data"]["reportLocation"], true, "{response}");
}

/// The collectors the geo index holds within 50 m of `point`.
async fn indexed_near(app: &TestApp, point: (f64, f64)) -> Vec<String> {
    let centre = GeoPoint {
        latitude: point.0,
        longitude: point.1,
    };
    app.state
        .geo
        .search(centre, 0.05, 10)
        .await
        .expect("geo search")
        .into_iter()
        .map(|hit| hit.id.to_string())
        .collect()
}

async fn next_latitude(ws: &mut WsClient) -> f64 {
    let data: Value = ws.next_data().await;
    data["collectorLocation"]["latitude"]
        .as_f64()
        .unwrap_or_else(|| panic!("{data}"))
}

#[tokio::test]
async fn an_older_point_neither_moves_the_collector_nor_reaches_the_customer() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.5).await;
    let order_id = accepted_order(&app, &customer, &collector, 2).await;
    let query = format!(
        "subscription {{ collectorLocation(orderId: \"{order_id}\") {{ latitude longitude }} }}"
    );
    let mut ws = subscribed(&app, &customer, &query).await;
    let trip = app
        .gql(
            Some(&collector.account.access),
            "mutation($id: ID!) { startTrip(orderId: $id) { status } }",
            json!({"id": order_id}),
        )
        .await;
    assert_eq!(trip["data"]["startTrip"]["status"], "EN_ROUTE", "{trip}");

    let newest = north_of_pickup(0.3);
    let stale = north_of_pickup(2.0);
    let marker = north_of_pickup(0.1);
    report(&app, &collector, newest, Duration::zero()).await;
    report(&app, &collector, stale, Duration::minutes(5)).await;
    assert_eq!(indexed_near(&app, newest).await, vec![collector.id.clone()]);
    assert!(indexed_near(&app, stale).await.is_empty());
    report(&app, &collector, marker, Duration::zero()).await;
    assert!((next_latitude(&mut ws).await - newest.0).abs() < 1e-9);
    let after = next_latitude(&mut ws).await;
    assert!(
        (after - marker.0).abs() < 1e-9,
        "the stale point {stale:?} was passed on: {after}"
    );
}

#[tokio::test]
async fn a_report_after_going_offline_does_not_bring_the_collector_back() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    let here = north_of_pickup(0.4);
    go_online_at(&app, &collector, here).await;
    report(&app, &collector, here, Duration::zero()).await;
    let offline = app
        .gql(
            Some(&collector.account.access),
            "mutation { setAvailability(online: false) { status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        offline["data"]["setAvailability"]["status"], "OFFLINE",
        "{offline}"
    );

    // The app still sends a position it took a moment ago.
    let there = north_of_pickup(0.2);
    report(&app, &collector, there, Duration::zero()).await;
    assert!(indexed_near(&app, there).await.is_empty());
    assert!(indexed_near(&app, here).await.is_empty());
    book_light(&app, &customer, 2).await;
    assert!(my_offers(&app, &collector).await.is_empty());
}

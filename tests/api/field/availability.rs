//! Going online is expensive: it draws from the collector's cost budget (RATE_LIMITED
//! with `retryAfter` when spent), needs a verified profile, and leaves the dispatch work
//! to the dispatcher, off the request's path.

use serde_json::{Value, json};

use crate::dispatch::fixtures::{DEG_PER_KM, book_light, codes, only_offer};
use crate::fixtures::{Collector, FULL, SHANGHAI, collector_with, verified_collector};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn set_availability(app: &TestApp, who: &Collector, online: bool) -> Value {
    app.gql(
        Some(&who.account.access),
        "mutation($on: Boolean!, $lat: Float!, $lon: Float!) { setAvailability(online: $on, location: {latitude: $lat, longitude: $lon}) { status } }",
        json!({"on": online, "lat": SHANGHAI.0 + 0.5 * DEG_PER_KM, "lon": SHANGHAI.1}),
    )
    .await
}

#[tokio::test]
async fn going_online_too_often_is_rate_limited_with_a_retry_hint() {
    let app = spawn_app_with(|c| {
        c.users.rate_capacity = 25.0;
        c.users.rate_refill_per_sec = 0.01;
        c.users.availability_cost = 10.0;
    })
    .await;
    let operator = app.operator().await;
    let collector = verified_collector(&app, &operator).await;
    for _ in 0..2 {
        let online = set_availability(&app, &collector, true).await;
        assert_eq!(
            online["data"]["setAvailability"]["status"], "AVAILABLE",
            "{online}"
        );
    }
    let limited = set_availability(&app, &collector, true).await;
    assert_eq!(codes(&limited), ["RATE_LIMITED"], "{limited}");
    let retry_after = limited["errors"][0]["extensions"]["retryAfter"]
        .as_f64()
        .unwrap_or_else(|| panic!("retryAfter: {limited}"));
    assert!(retry_after >= 1.0, "{limited}");
    // Going offline is always allowed: a collector can always stop receiving offers.
    let offline = set_availability(&app, &collector, false).await;
    assert_eq!(
        offline["data"]["setAvailability"]["status"], "OFFLINE",
        "{offline}"
    );
    // Another collector has a budget of their own.
    let other = verified_collector(&app, &operator).await;
    let online = set_availability(&app, &other, true).await;
    assert_eq!(
        online["data"]["setAvailability"]["status"], "AVAILABLE",
        "{online}"
    );
}

#[tokio::test]
async fn an_unverified_collector_is_told_why_they_cannot_go_online() {
    let app = spawn_app().await;
    let unverified = collector_with(&app, None, FULL).await;
    let refused = set_availability(&app, &unverified, true).await;
    assert_eq!(codes(&refused), ["INVALID_STATE"], "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("not verified"), "{refused}");
}

#[tokio::test]
async fn a_collector_going_online_is_offered_the_waiting_orders_by_the_dispatcher() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let order_id = book_light(&app, &customer, 2).await;
    let collector = verified_collector(&app, &operator).await;
    let online = set_availability(&app, &collector, true).await;
    assert_eq!(
        online["data"]["setAvailability"]["status"], "AVAILABLE",
        "{online}"
    );
    // No sweep: the dispatcher heard of the collector and offered them the order.
    let offer = only_offer(&app, &collector).await;
    assert_eq!(offer["order"]["id"], order_id.as_str());
}

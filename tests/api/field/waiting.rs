//! Orders are not given up early: one decline, or every offer lapsing, leaves an order
//! DISPATCHING while its window is ahead; a collector who comes online or into range gets
//! it within one sweep, also while someone else holds an offer for it.

use serde_json::json;

use crate::dispatch::fixtures::{
    book_light, decline, go_online, go_online_at, my_offers, north_of_pickup, only_offer,
    pickup_order,
};
use crate::fixtures::verified_collector;
use crate::helpers::{TestApp, spawn_app_with};

async fn sweep(app: &TestApp) {
    reloop::services::dispatch::sweep(&app.state)
        .await
        .map_err(|e| e.into_anyhow())
        .expect("a sweep pass");
    app.dispatch_settled().await;
}

#[tokio::test]
async fn a_decline_by_the_only_collector_leaves_the_order_waiting_for_the_next_one() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let first = verified_collector(&app, &operator).await;
    go_online(&app, &first, 0.5).await;
    let order_id = book_light(&app, &customer, 2).await;
    let offer = only_offer(&app, &first).await;
    let declined = decline(&app, &first, offer["id"].as_str().expect("id")).await;
    assert!(declined["errors"].is_null(), "{declined}");
    sweep(&app).await;
    let seen = pickup_order(&app, &customer.access, &order_id).await;
    assert_eq!(seen["status"], "DISPATCHING", "{seen}");

    // A second collector, 25 km away (beyond the 20 km limit), then moving into range.
    let second = verified_collector(&app, &operator).await;
    go_online(&app, &second, 25.0).await;
    assert!(my_offers(&app, &second).await.is_empty());
    let (lat, lon) = north_of_pickup(1.0);
    let moved = app
        .gql(
            Some(&second.account.access),
            "mutation($lat: Float!, $lon: Float!) { reportLocation(location: {latitude: $lat, longitude: $lon}) }",
            json!({"lat": lat, "lon": lon}),
        )
        .await;
    assert!(moved["errors"].is_null(), "{moved}");
    sweep(&app).await;
    let offered = only_offer(&app, &second).await;
    assert_eq!(offered["order"]["id"], order_id.as_str());
    assert!(
        my_offers(&app, &first).await.is_empty(),
        "a decline is not asked again"
    );
}

#[tokio::test]
async fn a_collector_coming_online_is_offered_an_order_someone_else_already_holds_an_offer_for() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 2).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let early = verified_collector(&app, &operator).await;
    go_online(&app, &early, 0.5).await;
    let order_id = book_light(&app, &customer, 2).await;
    only_offer(&app, &early).await;

    let late = verified_collector(&app, &operator).await;
    go_online_at(&app, &late, north_of_pickup(0.8)).await;
    sweep(&app).await;
    let offered = only_offer(&app, &late).await;
    assert_eq!(offered["order"]["id"], order_id.as_str());
    assert_eq!(my_offers(&app, &early).await.len(), 1);
}

//! Who gets an offer: only verified, online collectors holding every certification the
//! items need, whose vehicle carries the weight, and who have no assigned order in an
//! overlapping window.

use entity::job_offer;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::fixtures::{ORDER_FIELDS, book_light, go_online, my_offers, reassign};
use crate::fixtures::{
    Collector, FULL, LIGHT_ITEMS, Profile, book_quote, collector_with, quote_of,
    verified_collector, window,
};
use crate::helpers::{TestApp, spawn_app_with};

/// A TV (LARGE_APPLIANCE), a refrigerator (REFRIGERANT_HANDLING) and a 300 kg EV battery
/// pack (HAZARDOUS_BATTERY): about 372 kg.
const HEAVY_ITEMS: &str =
    "[{categoryCode: \"TV\", condition: GOOD}, {categoryCode: \"REFRIGERATOR\", condition: FAIR},
    {categoryCode: \"EV_BATTERY_PACK\", battery: {chemistry: NMC, weightKg: \"300\"}}]";

/// The collectors an order was offered to, by profile id, from the database, once
/// dispatch has acted on it.
async fn offered_to(app: &TestApp, order_id: &str) -> Vec<String> {
    app.dispatch_settled().await;
    let mut ids: Vec<String> = job_offer::Entity::find()
        .filter(job_offer::Column::OrderId.eq(uuid::Uuid::parse_str(order_id).expect("uuid")))
        .all(&app.state.db)
        .await
        .expect("offers")
        .into_iter()
        .map(|o| o.collector_id.to_string())
        .collect();
    ids.sort();
    ids
}

fn sorted(collectors: &[&Collector]) -> Vec<String> {
    let mut ids: Vec<String> = collectors.iter().map(|c| c.id.clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn only_the_verified_online_certified_capable_and_free_collector_gets_the_offer() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 10).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;

    let unverified = collector_with(&app, None, FULL).await;
    let offline = verified_collector(&app, &operator).await;
    let uncertified = collector_with(
        &app,
        Some(&operator),
        Profile {
            certifications: "[LARGE_APPLIANCE, REFRIGERANT_HANDLING, DATA_DESTRUCTION]",
            ..FULL
        },
    )
    .await;
    let bike = collector_with(
        &app,
        Some(&operator),
        Profile {
            vehicle: "BIKE",
            capacity_kg: "20",
            ..FULL
        },
    )
    .await;
    let busy = verified_collector(&app, &operator).await;
    let eligible = verified_collector(&app, &operator).await;

    // `busy` already holds an order in the same window (booked while nobody is online).
    let blocking = book_light(&app, &customer, 2).await;
    let assigned = reassign(&app, &operator, &blocking, Some(&busy.id)).await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );

    // Everyone but `offline` goes online (`unverified` may not: see
    // field::availability); the eligible one is the farthest.
    go_online(&app, &busy, 0.15).await;
    go_online(&app, &uncertified, 0.2).await;
    go_online(&app, &bike, 0.3).await;
    go_online(&app, &eligible, 0.4).await;

    let quote = quote_of(&app, &customer, HEAVY_ITEMS).await;
    let heavy = book_quote(&app, &customer, &quote, window(2), ORDER_FIELDS).await;
    let heavy_id = heavy["id"].as_str().expect("id");
    assert_eq!(heavy["status"], "DISPATCHING", "{heavy}");

    assert_eq!(offered_to(&app, heavy_id).await, sorted(&[&eligible]));
    let offers = my_offers(&app, &eligible).await;
    assert_eq!(offers.len(), 1, "{offers:#?}");
    assert_eq!(offers[0]["order"]["id"], heavy_id);
    assert_eq!(offers[0]["status"], "PENDING");
    for other in [&unverified, &offline, &uncertified, &bike, &busy] {
        let offers = my_offers(&app, other).await;
        assert!(offers.is_empty(), "{} got {offers:#?}", other.id);
    }

    // A light order in another window needs no special certification and little room:
    // every verified online collector qualifies, `busy` included, and still not
    // `unverified` or `offline`.
    let quote = quote_of(&app, &customer, LIGHT_ITEMS).await;
    let light = book_quote(&app, &customer, &quote, window(6), ORDER_FIELDS).await;
    assert_eq!(
        offered_to(&app, light["id"].as_str().expect("id")).await,
        sorted(&[&busy, &uncertified, &bike, &eligible])
    );
}

#[tokio::test]
async fn going_online_shows_the_collector_available() {
    let app = spawn_app_with(|_| {}).await;
    let operator = app.operator().await;
    let collector = verified_collector(&app, &operator).await;
    let response = app
        .gql(
            Some(&collector.account.access),
            "mutation { setAvailability(online: true, location: {latitude: 31.2314, longitude: 121.4737}) { status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response["data"]["setAvailability"]["status"], "AVAILABLE",
        "{response}"
    );
}

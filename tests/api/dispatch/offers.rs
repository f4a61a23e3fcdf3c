//! Offers and their answers: the nearest collectors get them, the first accept wins and
//! the others are withdrawn, late and expired accepts are refused, a decline moves on at
//! once, and the address and contact stay hidden until the offer is accepted.

use std::time::Duration;

use serde_json::json;

use super::fixtures::{
    accept, book_light, codes, decline, go_online, job_offers_subscription, my_offers,
    next_offer_event, only_offer, pickup_order, subscribed,
};
use crate::fixtures::{LINE1, PHONE, PHONE_NORMALISED, verified_collector};
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn the_two_nearest_get_offers_the_first_accept_wins_and_the_other_offer_is_withdrawn() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 2).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let first = verified_collector(&app, &operator).await;
    let second = verified_collector(&app, &operator).await;
    let third = verified_collector(&app, &operator).await;
    go_online(&app, &third, 0.33).await;
    go_online(&app, &second, 0.22).await;
    go_online(&app, &first, 0.11).await;
    let mut second_ws = subscribed(&app, &second.account, &job_offers_subscription()).await;

    let order_id = book_light(&app, &customer, 2).await;

    let first_offer = only_offer(&app, &first).await;
    let second_offer = only_offer(&app, &second).await;
    assert!(my_offers(&app, &third).await.is_empty());
    for offer in [&first_offer, &second_offer] {
        assert_eq!(offer["order"]["id"], order_id.as_str());
        assert_eq!(offer["status"], "PENDING");
    }
    let first_km = first_offer["distanceKm"].as_f64().expect("distance");
    let second_km = second_offer["distanceKm"].as_f64().expect("distance");
    assert!((first_km - 0.1).abs() < 0.051, "{first_offer}");
    assert!((second_km - 0.2).abs() < 0.051, "{second_offer}");
    let (kind, offered) = next_offer_event(&mut second_ws).await;
    assert_eq!(kind, "OFFERED");
    assert_eq!(offered["id"], second_offer["id"]);

    let won = accept(&app, &first, first_offer["id"].as_str().expect("id")).await;
    let order = &won["data"]["acceptJobOffer"];
    assert_eq!(order["status"], "ASSIGNED", "{won}");
    assert_eq!(order["collector"]["id"], first.id.as_str(), "{won}");

    let (kind, withdrawn) = next_offer_event(&mut second_ws).await;
    assert_eq!(kind, "WITHDRAWN");
    assert_eq!(withdrawn["id"], second_offer["id"]);
    assert_eq!(withdrawn["status"], "WITHDRAWN");
    assert!(my_offers(&app, &second).await.is_empty());

    let late = accept(&app, &second, second_offer["id"].as_str().expect("id")).await;
    assert_eq!(codes(&late), ["ALREADY_ASSIGNED"], "{late}");
    assert!(late["data"].is_null(), "{late}");

    let seen = pickup_order(&app, &customer.access, &order_id).await;
    assert_eq!(seen["status"], "ASSIGNED");
    assert_eq!(seen["collector"]["id"], first.id.as_str());
}

#[tokio::test]
async fn accepting_an_offer_after_it_expired_is_offer_expired() {
    let app = spawn_app_with(|c| {
        c.dispatch.offers_per_batch = 1;
        c.dispatch.sweep_interval = Duration::from_secs(3600);
    })
    .await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.1).await;
    let order_id = book_light(&app, &customer, 2).await;
    let offer = only_offer(&app, &collector).await;

    app.clock.advance(chrono::Duration::seconds(61));
    assert!(my_offers(&app, &collector).await.is_empty());
    let late = accept(&app, &collector, offer["id"].as_str().expect("id")).await;
    assert_eq!(codes(&late), ["OFFER_EXPIRED"], "{late}");
    let seen = pickup_order(&app, &customer.access, &order_id).await;
    assert_eq!(seen["status"], "DISPATCHING");
    assert!(seen["collector"].is_null());
}

#[tokio::test]
async fn declining_offers_the_order_to_the_next_collector_at_once() {
    let app = spawn_app_with(|c| {
        c.dispatch.offers_per_batch = 1;
        // The sweeper does not help: the next offer must come from the decline itself.
        c.dispatch.sweep_interval = Duration::from_secs(3600);
    })
    .await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let near = verified_collector(&app, &operator).await;
    let next = verified_collector(&app, &operator).await;
    go_online(&app, &near, 0.1).await;
    go_online(&app, &next, 0.2).await;
    let order_id = book_light(&app, &customer, 2).await;
    assert!(my_offers(&app, &next).await.is_empty());
    let offer = only_offer(&app, &near).await;

    let declined = decline(&app, &near, offer["id"].as_str().expect("id")).await;
    assert_eq!(
        declined["data"]["declineJobOffer"]["status"], "DECLINED",
        "{declined}"
    );
    let moved_on = only_offer(&app, &next).await;
    assert_eq!(moved_on["order"]["id"], order_id.as_str());
    assert!(my_offers(&app, &near).await.is_empty());
    let again = accept(&app, &near, offer["id"].as_str().expect("id")).await;
    assert!(
        again["data"].is_null() && !codes(&again).is_empty(),
        "{again}"
    );
}

#[tokio::test]
async fn the_address_and_contact_stay_hidden_until_the_offer_is_accepted() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.1).await;
    let order_id = book_light(&app, &customer, 2).await;

    let offer = only_offer(&app, &collector).await;
    let offered = &offer["order"];
    assert_eq!(offered["address"]["city"], "Shanghai", "{offer}");
    assert_ne!(offered["address"]["line1"], LINE1, "{offer}");
    assert_ne!(offered["contactPhone"], PHONE, "{offer}");
    assert_ne!(offered["contactPhone"], PHONE_NORMALISED, "{offer}");
    let text = offer.to_string();
    assert!(
        !text.contains("Century") && !text.contains("0013"),
        "{text}"
    );
    // Nor can the collector read the order directly before accepting.
    let direct = app
        .gql(
            Some(&collector.account.access),
            "query($id: ID!) { pickupOrder(id: $id) { id address { line1 } contactPhone } }",
            json!({"id": order_id}),
        )
        .await;
    assert!(
        direct["data"]["pickupOrder"].is_null(),
        "an offer is not the order: {direct}"
    );

    let won = accept(&app, &collector, offer["id"].as_str().expect("id")).await;
    assert_eq!(won["data"]["acceptJobOffer"]["status"], "ASSIGNED", "{won}");
    let seen = pickup_order(&app, &collector.account.access, &order_id).await;
    assert_eq!(seen["address"]["line1"], LINE1, "{seen}");
    assert_eq!(seen["contactPhone"], PHONE_NORMALISED, "{seen}");
}

#[tokio::test]
async fn a_collector_cannot_win_two_orders_in_overlapping_windows() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    super::fixtures::go_online(&app, &collector, 0.1).await;
    let first = super::fixtures::book_light(&app, &customer, 2).await;
    let second = super::fixtures::book_light(&app, &customer, 2).await;
    let offers = super::fixtures::my_offers(&app, &collector).await;
    let offer_for = |order: &str| {
        offers
            .iter()
            .find(|o| o["order"]["id"] == order)
            .and_then(|o| o["id"].as_str())
            .unwrap_or_else(|| panic!("no offer for {order}: {offers:?}"))
            .to_owned()
    };
    let won = super::fixtures::accept(&app, &collector, &offer_for(&first)).await;
    assert_eq!(won["data"]["acceptJobOffer"]["status"], "ASSIGNED", "{won}");
    let clash = super::fixtures::accept(&app, &collector, &offer_for(&second)).await;
    assert_eq!(
        clash["errors"][0]["extensions"]["code"], "CONFLICT",
        "{clash}"
    );
    let still = super::fixtures::pickup_order(&app, &customer.access, &second).await;
    assert_eq!(still["status"], "DISPATCHING", "{still}");
}

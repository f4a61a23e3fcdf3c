//! The sweeper: an expired offer moves the order on to the next collector, farther away
//! if need be; an order nobody took waits for a collector until its window closes, and
//! then becomes UNFULFILLED.

use std::time::Duration;

use entity::enums::OfferStatus;
use entity::job_offer;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::fixtures::{
    accept, book_light, codes, go_online, my_offers, only_offer, pickup_order, sign_in_again,
};
use crate::fixtures::verified_collector;
use crate::helpers::{TestApp, eventually, spawn_app_with};

async fn fast_sweeping_app() -> TestApp {
    spawn_app_with(|c| {
        c.dispatch.offers_per_batch = 1;
        c.dispatch.sweep_interval = Duration::from_millis(100);
    })
    .await
}

#[tokio::test]
async fn when_the_first_offer_expires_the_sweeper_widens_the_search_to_the_next_collector() {
    let app = fast_sweeping_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let near = verified_collector(&app, &operator).await;
    // 3 km away: beyond the 0.5, 1 and 2 km circles.
    let far = verified_collector(&app, &operator).await;
    go_online(&app, &near, 0.11).await;
    go_online(&app, &far, 3.0).await;
    let order_id = book_light(&app, &customer, 2).await;
    let first = only_offer(&app, &near).await;
    assert!(my_offers(&app, &far).await.is_empty());

    app.clock.advance(chrono::Duration::seconds(61));
    let second = eventually(
        Duration::from_secs(10),
        "the far collector's offer",
        || async { my_offers(&app, &far).await.into_iter().next() },
    )
    .await;
    assert_eq!(second["order"]["id"], order_id.as_str());
    let km = second["distanceKm"].as_f64().expect("distance");
    assert!((km - 3.0).abs() < 0.15, "{second}");
    assert!(my_offers(&app, &near).await.is_empty());
    let late = accept(&app, &near, first["id"].as_str().expect("id")).await;
    assert_eq!(codes(&late), ["OFFER_EXPIRED"], "{late}");

    let stored = job_offer::Entity::find()
        .filter(job_offer::Column::OrderId.eq(uuid::Uuid::parse_str(&order_id).expect("uuid")))
        .all(&app.state.db)
        .await
        .expect("offers");
    let mut statuses: Vec<(OfferStatus, i32)> =
        stored.iter().map(|o| (o.status, o.round)).collect();
    statuses.sort_by_key(|(_, round)| *round);
    assert_eq!(
        statuses,
        [(OfferStatus::Expired, 1), (OfferStatus::Pending, 2)]
    );

    let won = accept(&app, &far, second["id"].as_str().expect("id")).await;
    assert_eq!(won["data"]["acceptJobOffer"]["status"], "ASSIGNED", "{won}");
}

#[tokio::test]
async fn when_every_collector_in_range_let_their_offer_lapse_the_order_keeps_waiting() {
    let app = fast_sweeping_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let near = verified_collector(&app, &operator).await;
    let far = verified_collector(&app, &operator).await;
    go_online(&app, &near, 0.11).await;
    go_online(&app, &far, 3.0).await;
    let order_id = book_light(&app, &customer, 2).await;
    only_offer(&app, &near).await;

    app.clock.advance(chrono::Duration::seconds(61));
    eventually(
        Duration::from_secs(10),
        "the far collector's offer",
        || async { my_offers(&app, &far).await.into_iter().next() },
    )
    .await;
    app.clock.advance(chrono::Duration::seconds(61));
    // Both offers lapse; sweeps go on, and the order waits for a collector while its
    // window is ahead (it used to be given up here, days before its window).
    for _ in 0..2 {
        reloop::services::dispatch::sweep(&app.state)
            .await
            .map_err(|e| e.into_anyhow())
            .expect("a sweep pass");
    }
    let seen = pickup_order(&app, &customer.access, &order_id).await;
    assert_eq!(seen["status"], "DISPATCHING", "{seen}");
    assert!(my_offers(&app, &far).await.is_empty());
    assert!(my_offers(&app, &near).await.is_empty());
}

#[tokio::test]
async fn an_order_whose_window_closed_without_a_collector_becomes_unfulfilled() {
    let app = fast_sweeping_app().await;
    let customer = app.register("HOUSEHOLD").await;
    // Nobody is online: the order waits for a collector until its window closes. A
    // sweep pass run here (as the sweeper does on its interval) leaves it waiting.
    let order_id = book_light(&app, &customer, 2).await;
    reloop::services::dispatch::sweep(&app.state)
        .await
        .map_err(|e| e.into_anyhow())
        .expect("a sweep pass");
    let waiting = pickup_order(&app, &customer.access, &order_id).await;
    assert_eq!(waiting["status"], "DISPATCHING", "{waiting}");
    let end: chrono::DateTime<chrono::Utc> = waiting["window"]["end"]
        .as_str()
        .expect("end")
        .parse()
        .expect("a time");

    app.clock
        .advance(end - chrono::Utc::now() + chrono::Duration::minutes(1));
    let customer = sign_in_again(&app, &customer).await;
    let given_up = eventually(Duration::from_secs(10), "UNFULFILLED", || async {
        let seen = pickup_order(&app, &customer.access, &order_id).await;
        (seen["status"] == "UNFULFILLED").then_some(seen)
    })
    .await;
    let last = given_up["events"]
        .as_array()
        .and_then(|events| events.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["toStatus"], "UNFULFILLED", "{given_up}");
    assert!(
        last["reason"]
            .as_str()
            .is_some_and(|r| r.contains("window")),
        "{given_up}"
    );
}

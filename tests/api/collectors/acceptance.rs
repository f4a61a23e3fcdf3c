//! The operators' acceptance rate, offer by offer: one collector is offered four orders
//! and accepts one, declines one, lets one expire and leaves one pending; the rate is
//! accepted ÷ (accepted + declined + expired), and an offer withdrawn before an answer does
//! not count. `currentOrders` lists the orders they hold, soonest window first.

use std::time::Duration;

use serde_json::{Value, json};

use super::read_collector;
use crate::dispatch::fixtures::{
    accept, book_light, decline, go_online, my_offers, only_offer, reassign,
};
use crate::fixtures::verified_collector;
use crate::helpers::{Account, TestApp, eventually, spawn_app_with};

const FIELDS: &str = "acceptanceRate offerCounts { accepted declined expired withdrawn pending }
    currentOrders { id status }";

async fn work(app: &TestApp, operator: &Account, collector_id: &str) -> Value {
    let answer = read_collector(app, Some(&operator.access), collector_id, FIELDS).await;
    assert!(answer["errors"].is_null(), "{answer}");
    answer["data"]["collector"].clone()
}

#[tokio::test]
async fn the_acceptance_rate_counts_accepted_declined_and_expired_offers_only() {
    let app = spawn_app_with(|c| c.dispatch.sweep_interval = Duration::from_millis(100)).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.5).await;

    // Four orders in windows apart from each other, each offered to the one collector.
    let accepted = book_light(&app, &customer, 2).await;
    let offer = only_offer(&app, &collector).await;
    let won = accept(&app, &collector, offer["id"].as_str().expect("id")).await;
    assert_eq!(won["data"]["acceptJobOffer"]["status"], "ASSIGNED", "{won}");

    book_light(&app, &customer, 4).await;
    let offer = only_offer(&app, &collector).await;
    let refused = decline(&app, &collector, offer["id"].as_str().expect("id")).await;
    assert_eq!(
        refused["data"]["declineJobOffer"]["status"], "DECLINED",
        "{refused}"
    );

    book_light(&app, &customer, 6).await;
    only_offer(&app, &collector).await;
    app.clock.advance(chrono::Duration::seconds(61));
    // The sweeper marks it EXPIRED (until then it only looks lapsed to the collector).
    eventually(Duration::from_secs(10), "the offer to expire", || async {
        let read = work(&app, &operator, &collector.id).await;
        (read["offerCounts"]["expired"] == 1).then_some(())
    })
    .await;
    assert!(my_offers(&app, &collector).await.is_empty());

    let waiting = book_light(&app, &customer, 8).await;
    only_offer(&app, &collector).await;

    let read = work(&app, &operator, &collector.id).await;
    assert_eq!(
        read["offerCounts"],
        json!({"accepted": 1, "declined": 1, "expired": 1, "withdrawn": 0, "pending": 1}),
        "{read}"
    );
    let rate = read["acceptanceRate"].as_f64().expect("a rate");
    assert!((rate - 1.0 / 3.0).abs() < 1e-9, "{read}");
    assert_eq!(
        read["currentOrders"],
        json!([{"id": accepted, "status": "ASSIGNED"}])
    );

    // An operator gives them the waiting order: its pending offer is withdrawn, which
    // counts neither way, and the order joins their current work after the first.
    let given = reassign(&app, &operator, &waiting, Some(&collector.id)).await;
    assert_eq!(
        given["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{given}"
    );
    let read = work(&app, &operator, &collector.id).await;
    assert_eq!(
        read["offerCounts"],
        json!({"accepted": 1, "declined": 1, "expired": 1, "withdrawn": 1, "pending": 0}),
        "{read}"
    );
    let rate = read["acceptanceRate"].as_f64().expect("a rate");
    assert!((rate - 1.0 / 3.0).abs() < 1e-9, "{read}");
    assert_eq!(
        read["currentOrders"],
        json!([
            {"id": accepted, "status": "ASSIGNED"},
            {"id": waiting, "status": "ASSIGNED"},
        ])
    );

    // The list of collectors reads the same, for every collector at once.
    let listed = app
        .gql(
            Some(&operator.access),
            "{ collectors(first: 10) { nodes { id acceptanceRate currentOrders { id } } } }",
            json!({}),
        )
        .await;
    assert!(listed["errors"].is_null(), "{listed}");
    let node = &listed["data"]["collectors"]["nodes"][0];
    assert_eq!(node["id"], collector.id.as_str(), "{listed}");
    assert_eq!(node["acceptanceRate"], read["acceptanceRate"], "{listed}");
    assert_eq!(
        node["currentOrders"].as_array().map(Vec::len),
        Some(2),
        "{listed}"
    );
}

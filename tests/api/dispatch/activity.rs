//! `orderActivity`: operators hear of every order of the network as it changes or its
//! dispatch moves (the dispatch board follows it instead of re-reading itself), optionally
//! for one service area; nobody else may subscribe.

use serde_json::{Value, json};

use super::fixtures::{asked_for, book_light, go_online, only_offer, subscribed};
use crate::fixtures::{booking_input, light_quote, verified_collector, window};
use crate::helpers::{WsClient, WsEvent, spawn_app};

/// The centre of the demo's Beijing area.
const BEIJING: (f64, f64) = (39.9042, 116.4074);

const ACTIVITY: &str = "subscription { orderActivity { id number status } }";

/// The next `orderActivity` order.
async fn next_order(ws: &mut WsClient) -> Value {
    ws.next_data().await["orderActivity"].clone()
}

#[tokio::test]
async fn operators_hear_of_a_booking_and_of_its_offers_being_sent() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let mut board = subscribed(&app, &operator, ACTIVITY).await;
    let customer = app.register("HOUSEHOLD").await;

    // Nobody is online: the booking is the only news.
    let first = book_light(&app, &customer, 2).await;
    let heard = next_order(&mut board).await;
    assert_eq!(heard["id"], first.as_str(), "{heard}");
    assert_eq!(heard["status"], "DISPATCHING");

    // A collector coming online is offered the waiting order: no change to the order,
    // but its dispatch moved, and the board hears of it.
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 1.0).await;
    let offer = only_offer(&app, &collector).await;
    assert_eq!(offer["order"]["id"], first.as_str());
    let heard = next_order(&mut board).await;
    assert_eq!(heard["id"], first.as_str(), "{heard}");
    assert_eq!(heard["status"], "DISPATCHING");
}

#[tokio::test]
async fn an_area_filter_keeps_other_areas_out() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let areas = app
        .gql(
            Some(&operator.access),
            "{ serviceAreas { id name } }",
            json!({}),
        )
        .await;
    let id_of = |name: &str| {
        areas["data"]["serviceAreas"]
            .as_array()
            .and_then(|all| all.iter().find(|a| a["name"] == name))
            .and_then(|a| a["id"].as_str())
            .unwrap_or_else(|| panic!("no area {name}: {areas}"))
            .to_owned()
    };
    let query =
        |area: String| format!("subscription {{ orderActivity(areaId: \"{area}\") {{ id }} }}");
    let mut beijing = subscribed(&app, &operator, &query(id_of("Beijing Central"))).await;
    let customer = app.register("HOUSEHOLD").await;

    // A Shanghai booking, then a Beijing one: the Beijing board's first news is the
    // second (one publisher, in order), so it never heard of the first.
    book_light(&app, &customer, 2).await;
    let quote = light_quote(&app, &customer).await;
    let mut input = booking_input(&quote, window(2));
    input["address"]["city"] = json!("Beijing");
    input["address"]["location"] = json!({"latitude": BEIJING.0, "longitude": BEIJING.1});
    let booked = app
        .gql(
            Some(&customer.access),
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id } }",
            json!({"input": input}),
        )
        .await;
    let in_beijing = booked["data"]["bookPickup"]["id"].clone();
    assert!(in_beijing.is_string(), "{booked}");
    assert_eq!(next_order(&mut beijing).await["id"], in_beijing);
}

#[tokio::test]
async fn only_operators_may_follow_the_network() {
    let app = spawn_app().await;
    for role in ["HOUSEHOLD", "BUSINESS", "COLLECTOR"] {
        let someone = app.register(role).await;
        let mut ws = asked_for(&app, &someone, ACTIVITY).await;
        match ws.next().await {
            WsEvent::Json(msg) => assert_eq!(
                msg["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{role}: {msg}"
            ),
            other => panic!("{role}: expected an error, got {other:?}"),
        }
    }
}

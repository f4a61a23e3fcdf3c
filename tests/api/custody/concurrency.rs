//! Races, run for real (on PostgreSQL too): two clerks receiving one transfer, and a
//! collector handing over one order twice at once.

use serde_json::json;

use super::fixtures::{
    accept_all, collected_order, hand_over, handed_over, light_plant, receive, staff_of,
};
use crate::helpers::{error_code, spawn_app};

const ROUNDS: usize = 4;

#[tokio::test]
async fn two_clerks_receiving_one_transfer_at_once_exactly_one_succeeds() {
    let app = spawn_app().await;
    for round in 0..ROUNDS {
        let collected = collected_order(&app).await;
        let plant = light_plant(&app, &collected.operator).await;
        let colleague = staff_of(&app, &plant.invite_code).await;
        let transfer = handed_over(&app, &collected, &plant).await;
        let id = transfer["id"].as_str().expect("id");
        let lines = accept_all(&transfer);
        let (a, b) = tokio::join!(
            receive(&app, &plant.staff.access, id, lines.clone()),
            receive(&app, &colleague.access, id, lines.clone()),
        );
        let succeeded = [&a, &b]
            .iter()
            .filter(|r| r["data"]["receiveTransfer"]["status"] == "RECEIVED")
            .count();
        assert_eq!(succeeded, 1, "round {round}: {a} / {b}");
        let loser = if a["data"]["receiveTransfer"].is_object() {
            &b
        } else {
            &a
        };
        assert!(
            matches!(error_code(loser), Some("INVALID_STATE" | "CONFLICT")),
            "round {round}: {loser}"
        );
        let events: usize = transfer_events(&app, &plant.staff.access, id).await;
        assert_eq!(
            events,
            2 * 3,
            "each item collected, handed over and received once"
        );
    }
}

async fn transfer_events(app: &crate::helpers::TestApp, token: &str, id: &str) -> usize {
    let read = app
        .gql(
            Some(token),
            "query($id: ID!) { transfer(id: $id) { items { events { sequence } } } }",
            json!({"id": id}),
        )
        .await;
    read["data"]["transfer"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["events"].as_array().map_or(0, Vec::len))
        .sum()
}

#[tokio::test]
async fn handing_over_one_order_twice_at_once_makes_one_transfer() {
    let app = spawn_app().await;
    for round in 0..ROUNDS {
        let collected = collected_order(&app).await;
        let plant = light_plant(&app, &collected.operator).await;
        let token = collected.collector.access.as_str();
        let orders = [collected.order_id.as_str()];
        // Without an action id: two separate attempts, one wins.
        let (a, b) = tokio::join!(
            hand_over(&app, token, &plant.id, &orders, None),
            hand_over(&app, token, &plant.id, &orders, None),
        );
        let made: Vec<_> = [&a, &b]
            .into_iter()
            .filter(|r| r["data"]["handOverToFacility"].is_object())
            .collect();
        assert_eq!(made.len(), 1, "round {round}: {a} / {b}");
        let loser = if a["data"]["handOverToFacility"].is_object() {
            &b
        } else {
            &a
        };
        assert!(
            matches!(error_code(loser), Some("INVALID_STATE" | "CONFLICT")),
            "round {round}: {loser}"
        );
    }
    // With one action id sent twice at once (an app retrying): both get the same transfer.
    let collected = collected_order(&app).await;
    let plant = light_plant(&app, &collected.operator).await;
    let token = collected.collector.access.as_str();
    let orders = [collected.order_id.as_str()];
    let (a, b) = tokio::join!(
        hand_over(&app, token, &plant.id, &orders, Some("retry-7")),
        hand_over(&app, token, &plant.id, &orders, Some("retry-7")),
    );
    let id_a = &a["data"]["handOverToFacility"]["id"];
    assert!(id_a.is_string(), "{a}");
    assert_eq!(id_a, &b["data"]["handOverToFacility"]["id"], "{a} / {b}");
}

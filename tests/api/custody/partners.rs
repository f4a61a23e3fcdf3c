//! A partner's view of custody: its order's items, chain and certificate, the
//! ITEM_REJECTED and CERTIFICATE_ISSUED webhooks, and signed checkpoints it can keep
//! (CUSTODY_CHECKPOINT) and check later.

use std::time::Duration;

use serde_json::{Value, json};

use super::fixtures::{Collected, handed_over, light_plant, process, purged, receive};
use crate::fixtures::verified_collector;
use crate::helpers::TestApp;
use crate::orders::fixtures::{arrive, complete, inspect};
use crate::partners::fixtures::{ALL_SCOPES, as_key, book, partner, webhook_app};
use crate::partners::receiver::Receiver;

const EVENTS: &str = "[CERTIFICATE_ISSUED, ITEM_REJECTED, CUSTODY_CHECKPOINT]";

/// A partner-booked order taken to COMPLETED by a verified collector.
pub(super) async fn partner_order_collected(app: &TestApp, key: &str) -> Collected {
    let operator = app.operator().await;
    let order = book(app, key, "TRADE-IN-77").await;
    let order_id = order["id"].as_str().expect("id").to_owned();
    let collector = verified_collector(app, &operator).await;
    let assigned = app
        .gql(Some(&operator.access), "mutation($id: ID!, $c: ID) { reassignOrder(orderId: $id, collectorId: $c) { status } }",
            json!({"id": order_id, "c": collector.id}))
        .await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );
    arrive(app, &collector.account, &order_id).await;
    inspect(app, &collector.account.access, &order_id, json!([])).await;
    let completed = complete(app, &collector.account.access, &order_id).await;
    assert_eq!(
        completed["data"]["completePickup"]["status"], "COMPLETED",
        "{completed}"
    );
    Collected {
        customer: operator.clone(),
        collector: collector.account,
        operator,
        order_id,
    }
}

fn types(received: &[crate::partners::receiver::Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_booking_partner_follows_its_items_to_the_certificate() {
    let app = webhook_app().await;
    let receiver = Receiver::start(&[]).await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await.secret;
    let registered = as_key(&app, &key, &format!("mutation($u: String!) {{ registerWebhook(url: $u, events: {EVENTS}) {{ signingSecret }} }}"),
        json!({"u": receiver.url()})).await;
    assert!(
        registered["data"]["registerWebhook"].is_object(),
        "{registered}"
    );
    let collected = partner_order_collected(&app, &key).await;
    let plant = light_plant(&app, &collected.operator).await;
    let transfer = handed_over(&app, &collected, &plant).await;
    let on_note = transfer["items"].as_array().expect("items");
    let lines: Vec<Value> = on_note.iter().enumerate().map(|(i, item)| {
        if i == 0 { json!({"itemId": item["id"], "weightKg": item["weightKg"], "accepted": true}) }
        else { json!({"itemId": item["id"], "weightKg": item["weightKg"], "accepted": false, "reason": "not what the note says"}) }
    }).collect();
    let received = receive(
        &app,
        &plant.staff.access,
        transfer["id"].as_str().expect("id"),
        json!(lines),
    )
    .await;
    assert_eq!(
        received["data"]["receiveTransfer"]["status"], "RECEIVED",
        "{received}"
    );
    let done = process(
        &app,
        &plant.staff.access,
        json!({"itemIds": [on_note[0]["id"]], "outcome": "REFURBISHED", "sanitization": purged()}),
    )
    .await;
    assert_eq!(
        done["data"]["recordProcessing"][0]["status"], "PROCESSED",
        "{done}"
    );

    let delivered = receiver.wait_for(2, Duration::from_secs(20)).await;
    let kinds = types(&delivered);
    assert!(
        kinds.contains(&"ITEM_REJECTED".to_owned())
            && kinds.contains(&"CERTIFICATE_ISSUED".to_owned()),
        "{kinds:?}"
    );
    let issued = delivered
        .iter()
        .map(|r| r.json())
        .find(|b| b["type"] == "CERTIFICATE_ISSUED")
        .expect("issued");
    assert_eq!(issued["data"]["externalReference"], "TRADE-IN-77");

    let seen = as_key(&app, &key, "query($id: ID!) { pickupOrder(id: $id) { certificate { id url } custodyItems { status events { step } } } }",
        json!({"id": collected.order_id})).await;
    let order = &seen["data"]["pickupOrder"];
    assert_eq!(
        order["certificate"]["id"], issued["data"]["certificateId"],
        "{seen}"
    );
    assert_eq!(
        order["custodyItems"].as_array().map(Vec::len),
        Some(2),
        "{seen}"
    );
    let chain = as_key(
        &app,
        &key,
        "query($id: ID!) { verifyCustodyChain(orderId: $id) { valid } }",
        json!({"id": collected.order_id}),
    )
    .await;
    assert_eq!(
        chain["data"]["verifyCustodyChain"]["valid"], true,
        "{chain}"
    );

    let made = app
        .gql(
            Some(&operator.access),
            "mutation { createCustodyCheckpoint { note } }",
            json!({}),
        )
        .await;
    let note = made["data"]["createCustodyCheckpoint"]["note"]
        .as_str()
        .unwrap_or_else(|| panic!("{made}"))
        .to_owned();
    let delivered = receiver.wait_for(3, Duration::from_secs(20)).await;
    let checkpoint = delivered
        .iter()
        .map(|r| r.json())
        .find(|b| b["type"] == "CUSTODY_CHECKPOINT")
        .expect("a checkpoint webhook");
    assert_eq!(checkpoint["data"]["note"], note.as_str());
    let kept = as_key(
        &app,
        &key,
        "query($n: String!) { verifyCustodyCheckpoint(checkpoint: $n) { consistent } }",
        json!({"n": note}),
    )
    .await;
    assert_eq!(
        kept["data"]["verifyCustodyCheckpoint"]["consistent"], true,
        "{kept}"
    );
}

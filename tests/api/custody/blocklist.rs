//! The blocklist: a stolen IMEI reported by a partner is warned at the quote, excluded
//! from the payout at the door (the line says why), kept in custody with its flag, and
//! the partner that reported it is told.

use std::time::Duration;

use serde_json::{Value, json};

use super::fixtures::{Collected, collected_order_of, items};
use crate::helpers::{TestApp, error_code};
use crate::partners::fixtures::{ALL_SCOPES, as_key, partner, webhook_app};
use crate::partners::receiver::Receiver;

const IMEI: &str = "490154203237518";
const PHONE: &str =
    "[{categoryCode: \"SMARTPHONE\", condition: GOOD, serialNumber: \"490154203237518\"}]";
const ADD: &str = "mutation($s: String!, $r: BlockReason!) { addBlockedDevice(serialNumber: $s, reason: $r, note: \"police report 42\") { id serialNumber reason source } }";
const LIST: &str = "{ blockedDevices { edges { node { id serialNumber reason source } } } }";

#[tokio::test]
async fn a_stolen_phone_is_warned_excluded_flagged_and_reported_back() {
    let app = webhook_app().await;
    let receiver = Receiver::start(&[]).await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await.secret;
    as_key(&app, &key, "mutation($u: String!) { registerWebhook(url: $u, events: [BLOCKED_DEVICE_FOUND]) { signingSecret } }",
        json!({"u": receiver.url()})).await;
    // Reported without its check digit: the listing still matches the full IMEI.
    let added = as_key(&app, &key, ADD, json!({"s": &IMEI[..14], "r": "STOLEN"})).await;
    let entry = &added["data"]["addBlockedDevice"];
    assert!(
        entry["source"]
            .as_str()
            .unwrap_or_default()
            .starts_with("partner:"),
        "{added}"
    );
    let again = app
        .gql(Some(&operator.access), ADD, json!({"s": IMEI, "r": "LOST"}))
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    let theirs = app
        .gql(
            Some(&operator.access),
            ADD,
            json!({"s": "C02XL0GZJGH5", "r": "FINANCED"}),
        )
        .await;
    let operator_entry = theirs["data"]["addBlockedDevice"]["id"].clone();
    let own = as_key(&app, &key, LIST, json!({})).await;
    assert_eq!(
        own["data"]["blockedDevices"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "a partner lists its own: {own}"
    );
    let all = app.gql(Some(&operator.access), LIST, json!({})).await;
    assert_eq!(
        all["data"]["blockedDevices"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{all}"
    );
    let foreign = as_key(
        &app,
        &key,
        "mutation($id: ID!) { removeBlockedDevice(id: $id) { id } }",
        json!({"id": operator_entry}),
    )
    .await;
    assert_eq!(error_code(&foreign), Some("NOT_FOUND"), "{foreign}");
    let household = app.register("HOUSEHOLD").await;
    let refused = app
        .gql(
            Some(&household.access),
            ADD,
            json!({"s": "ABCD1234", "r": "OTHER"}),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    let quote = app
        .gql(
            Some(&household.access),
            &format!(
                "mutation {{ requestQuote(input: {{items: {PHONE}}}) {{ lines {{ warnings }} }} }}"
            ),
            json!({}),
        )
        .await;
    let warnings = quote["data"]["requestQuote"]["lines"][0]["warnings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(warnings.len(), 1, "{quote}");
    assert!(
        warnings[0].as_str().unwrap_or_default().contains("STOLEN"),
        "{quote}"
    );

    let collected = collected_order_of(&app, PHONE).await;
    let order = app.gql(Some(&collected.customer.access), "query($id: ID!) { pickupOrder(id: $id) { finalPayout lines { blocked blockedReason finalAmount } } }",
        json!({"id": collected.order_id})).await;
    let line = &order["data"]["pickupOrder"]["lines"][0];
    assert_eq!(line["blocked"], true, "{order}");
    assert_eq!(line["finalAmount"], "0", "{order}");
    assert!(
        line["blockedReason"]
            .as_str()
            .unwrap_or_default()
            .contains("not paid"),
        "{order}"
    );
    let custody = items(&app, &collected.operator.access, &collected.order_id)
        .await
        .expect("items");
    let flagged = app
        .gql(
            Some(&collected.operator.access),
            "query($id: ID!) { pickupOrder(id: $id) { custodyItems { blocked } } }",
            json!({"id": collected.order_id}),
        )
        .await;
    assert_eq!(custody.len(), 1);
    assert_eq!(
        flagged["data"]["pickupOrder"]["custodyItems"][0]["blocked"], true,
        "{flagged}"
    );
    let delivered = receiver.wait_for(1, Duration::from_secs(20)).await;
    let body = delivered[0].json();
    assert_eq!(body["type"], "BLOCKED_DEVICE_FOUND", "{body}");
    assert_eq!(body["data"]["reason"], "STOLEN");
    hits_are_listed_for_operators(&app, &collected, &key).await;
}

/// Both hits (the quote and the door) are listed for operators, newest first; nobody
/// else lists them.
async fn hits_are_listed_for_operators(app: &TestApp, collected: &Collected, key: &str) {
    let query = "{ blocklistHits { edges { node { context orderNumber orderId quoteId checkedByUserId checkedAt blockedDevice { serialNumber reason } } } } }";
    let listed = app
        .gql(Some(&collected.operator.access), query, json!({}))
        .await;
    let hits: Vec<&Value> = listed["data"]["blocklistHits"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .map(|e| &e["node"])
        .collect();
    let contexts: Vec<&str> = hits.iter().filter_map(|h| h["context"].as_str()).collect();
    // The household's own quote, then the collector's inspection (the fixture quotes too).
    assert_eq!(contexts.first(), Some(&"INSPECTION"), "{listed}");
    assert!(contexts.contains(&"QUOTE"), "{listed}");
    let at_door = hits[0];
    assert_eq!(at_door["orderId"], collected.order_id.as_str());
    assert!(
        at_door["orderNumber"]
            .as_str()
            .is_some_and(|n| n.starts_with("RL-"))
    );
    assert_eq!(at_door["checkedByUserId"], collected.collector.id.as_str());
    assert_eq!(
        at_door["blockedDevice"]["serialNumber"],
        &IMEI[..14],
        "as reported"
    );
    assert_eq!(at_door["blockedDevice"]["reason"], "STOLEN");
    let by_customer = app
        .gql(Some(&collected.customer.access), query, json!({}))
        .await;
    assert_eq!(error_code(&by_customer), Some("FORBIDDEN"), "{by_customer}");
    let by_partner = as_key(app, key, query, json!({})).await;
    assert!(by_partner["data"].is_null(), "{by_partner}");
}

//! The whole path: completePickup → handOverToFacility → receiveTransfer (one item
//! rejected, one weight discrepancy) → recordProcessing → a signed certificate anyone
//! can check against the published key.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::fixtures::{
    Collected, collected_order, hand_over, items, light_plant, process, purged, receive, verify,
};
use crate::helpers::{TestApp, error_code, spawn_app};
use crate::orders::fixtures::dec;

/// The item of `category` among `items`.
fn item<'a>(items: &'a [Value], category: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["categoryCode"] == category)
        .unwrap_or_else(|| panic!("no {category} in {items:?}"))
}

#[tokio::test]
async fn completing_a_pickup_creates_signed_items_held_by_the_collector() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let found = items(&app, &collected.customer.access, &collected.order_id)
        .await
        .expect("visible");
    assert_eq!(found.len(), 2, "{found:?}");
    for item in &found {
        assert_eq!(item["status"], "WITH_COLLECTOR");
        let events = item["events"].as_array().expect("events");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["step"], "COLLECTED");
        assert_eq!(events[0]["actorRole"], "COLLECTOR");
        assert!(
            events[0]["holder"]
                .as_str()
                .unwrap_or_default()
                .starts_with("collector:")
        );
        assert_eq!(events[0]["previousHash"], "0".repeat(64));
        assert_eq!(events[0]["hash"].as_str().map(str::len), Some(64));
        // Not inspected by weight: the quoted weight travels, marked as an estimate.
        assert_eq!(events[0]["weightEstimated"], true);
    }
    assert_eq!(item(&found, "LAPTOP")["dataBearing"], true);
    assert_eq!(
        dec(&item(&found, "SMALL_APPLIANCE")["weightKg"]),
        Decimal::new(4, 0)
    );
    let verified = verify(&app, &collected.collector.access, &collected.order_id).await;
    assert_eq!(
        verified["data"]["verifyCustodyChain"]["valid"], true,
        "{verified}"
    );
}

#[tokio::test]
async fn items_travel_to_a_facility_and_end_in_a_certificate_anyone_can_check() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let plant = light_plant(&app, &collected.operator).await;
    let first = hand_over(
        &app,
        &collected.collector.access,
        &plant.id,
        &[&collected.order_id],
        Some("ho-1"),
    )
    .await;
    let transfer = first["data"]["handOverToFacility"].clone();
    assert_eq!(transfer["status"], "IN_TRANSIT", "{first}");
    assert!(
        transfer["number"]
            .as_str()
            .unwrap_or_default()
            .starts_with("TN-"),
        "{transfer}"
    );
    // The app retries (it never saw the answer): the same transfer comes back.
    let retry = hand_over(
        &app,
        &collected.collector.access,
        &plant.id,
        &[&collected.order_id],
        Some("ho-1"),
    )
    .await;
    assert_eq!(
        retry["data"]["handOverToFacility"]["id"], transfer["id"],
        "{retry}"
    );

    receive_with_rejection_and_discrepancy(&app, &collected, &plant.staff.access, &transfer).await;
    let laptop_id = process_the_laptop(&app, &plant.staff.access, &collected).await;

    let order = app
        .gql(
            Some(&collected.customer.access),
            "query($id: ID!) { pickupOrder(id: $id) { certificate { id url signature keyId payload } custodyItems { id status outcome events { step } } } }",
            json!({"id": collected.order_id}),
        )
        .await;
    let certificate = &order["data"]["pickupOrder"]["certificate"];
    assert!(certificate.is_object(), "{order}");
    let fetched = fetch_certificate(&app, certificate["url"].as_str().expect("url")).await;
    assert_eq!(fetched["signature"], certificate["signature"]);
    check_signature_independently(&app, &fetched).await;
    let payload: Value =
        serde_json::from_str(fetched["payload"].as_str().expect("payload")).expect("json");
    let laptop = payload["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["itemId"] == laptop_id)
        .cloned()
        .expect("laptop");
    assert_eq!(laptop["outcome"], "MATERIAL_RECOVERED");
    assert_eq!(laptop["sanitization"]["method"], "PURGE");
    assert_eq!(laptop["facility"]["permitNumber"], "HW-310115-0042");
    assert_eq!(laptop["chainHead"]["sequence"], 4);

    let verified = verify(&app, &collected.customer.access, &collected.order_id).await;
    let chain = &verified["data"]["verifyCustodyChain"];
    assert_eq!(chain["valid"], true, "{verified}");
    let counts: Vec<i64> = chain["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["events"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(
        counts.iter().sum::<i64>(),
        4 + 3,
        "laptop: collected, handed over, received, processed; appliance: collected, handed over, rejected"
    );
    let html = app
        .http
        .get(format!(
            "{}{}",
            app.address,
            certificate["url"].as_str().expect("url")
        ))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(html.contains("Certificate of recycling"), "{html}");
}

/// Receives the transfer: the laptop accepted at 50 % over the collector's weight (a
/// discrepancy), the appliance rejected; a second receipt is refused.
async fn receive_with_rejection_and_discrepancy(
    app: &TestApp,
    collected: &Collected,
    staff: &str,
    transfer: &Value,
) {
    let on_note = transfer["items"].as_array().expect("items");
    let laptop = items(app, &collected.collector.access, &collected.order_id)
        .await
        .expect("items");
    let laptop = item(&laptop, "LAPTOP");
    let heavier = (dec(&laptop["weightKg"]) * Decimal::new(15, 1)).round_dp(3);
    let lines: Vec<Value> = on_note
        .iter()
        .map(|i| {
            if i["id"] == laptop["id"] {
                json!({"itemId": i["id"], "weightKg": heavier.to_string(), "accepted": true})
            } else {
                json!({"itemId": i["id"], "weightKg": "3.9", "accepted": false, "reason": "contains a leaking battery"})
            }
        })
        .collect();
    let received = receive(
        app,
        staff,
        transfer["id"].as_str().expect("id"),
        json!(lines),
    )
    .await;
    assert_eq!(
        received["data"]["receiveTransfer"]["status"], "RECEIVED",
        "{received}"
    );
    let again = receive(
        app,
        staff,
        transfer["id"].as_str().expect("id"),
        json!(lines),
    )
    .await;
    assert_eq!(error_code(&again), Some("INVALID_STATE"), "{again}");
    let after = items(app, &collected.customer.access, &collected.order_id)
        .await
        .expect("items");
    assert_eq!(item(&after, "SMALL_APPLIANCE")["status"], "REJECTED");
    let received_laptop = item(&after, "LAPTOP");
    assert_eq!(received_laptop["status"], "AT_FACILITY");
    assert_eq!(dec(&received_laptop["weightKg"]), heavier);
    let receipt_event = &received_laptop["events"][2];
    assert_eq!(receipt_event["step"], "RECEIVED");
    assert!(
        receipt_event["details"]
            .as_str()
            .unwrap_or_default()
            .contains("discrepancy"),
        "{receipt_event}"
    );
    let listed = app
        .gql(
            Some(&collected.operator.access),
            "{ custodyDiscrepancies { edges { node { kind expected found itemId } } } }",
            json!({}),
        )
        .await;
    let discrepancies = listed["data"]["custodyDiscrepancies"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(discrepancies.len(), 1, "{listed}");
    assert_eq!(discrepancies[0]["node"]["kind"], "WEIGHT_AT_RECEIPT");
    assert_eq!(discrepancies[0]["node"]["itemId"], received_laptop["id"]);
}

/// Processes the laptop: refused without sanitisation and with too much material, then
/// recorded. Returns its id.
async fn process_the_laptop(app: &TestApp, staff: &str, collected: &Collected) -> Value {
    let found = items(app, &collected.customer.access, &collected.order_id)
        .await
        .expect("items");
    let laptop = item(&found, "LAPTOP");
    let weight = dec(&laptop["weightKg"]);
    let too_much = json!([{"material": "COPPER", "kg": (weight + Decimal::ONE).to_string()}]);
    let unsanitised = process(app, staff, json!({"itemIds": [laptop["id"]], "outcome": "MATERIAL_RECOVERED", "recoveredMaterials": [{"material": "COPPER", "kg": "0.2"}]})).await;
    assert_eq!(
        error_code(&unsanitised),
        Some("VALIDATION"),
        "{unsanitised}"
    );
    assert_eq!(
        unsanitised["errors"][0]["extensions"]["field"], "input.sanitization",
        "{unsanitised}"
    );
    let overweight = process(app, staff, json!({"itemIds": [laptop["id"]], "outcome": "MATERIAL_RECOVERED", "sanitization": purged(), "recoveredMaterials": too_much})).await;
    assert_eq!(error_code(&overweight), Some("VALIDATION"), "{overweight}");
    let done = process(app, staff, json!({"itemIds": [laptop["id"]], "outcome": "MATERIAL_RECOVERED", "sanitization": purged(),
        "recoveredMaterials": [{"material": "COPPER", "kg": "0.2"}, {"material": "ALUMINIUM", "kg": "0.35"}]})).await;
    let processed = &done["data"]["recordProcessing"][0];
    assert_eq!(processed["status"], "PROCESSED", "{done}");
    assert_eq!(processed["events"][3]["step"], "PROCESSED");
    let twice = process(
        app,
        staff,
        json!({"itemIds": [laptop["id"]], "outcome": "DISPOSED", "sanitization": purged()}),
    )
    .await;
    assert_eq!(error_code(&twice), Some("INVALID_STATE"), "{twice}");
    laptop["id"].clone()
}

async fn fetch_certificate(app: &TestApp, url: &str) -> Value {
    let response = app
        .http
        .get(format!("{}{url}", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

/// Verifies the certificate with the key from the well-known endpoint and the crate's
/// own verifier on the raw bytes (not the server's code path), and shows that one
/// changed byte fails.
async fn check_signature_independently(app: &TestApp, certificate: &Value) {
    let published: Value = app
        .http
        .get(format!("{}/.well-known/reloop-signing-key", app.address))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(published["alg"], "Ed25519");
    let key_bytes: [u8; 32] = BASE64
        .decode(published["publicKey"].as_str().expect("key"))
        .expect("base64")
        .try_into()
        .expect("32 bytes");
    let key = VerifyingKey::from_bytes(&key_bytes).expect("a valid key");
    let signature = Signature::from_slice(
        &BASE64
            .decode(certificate["signature"].as_str().expect("sig"))
            .expect("base64"),
    )
    .expect("64 bytes");
    let payload = certificate["payload"]
        .as_str()
        .expect("payload")
        .as_bytes()
        .to_vec();
    assert!(
        key.verify(&payload, &signature).is_ok(),
        "the certificate's signature checks out"
    );
    let mut forged = payload;
    forged[10] ^= 1;
    assert!(
        key.verify(&forged, &signature).is_err(),
        "one changed byte fails the signature"
    );
}

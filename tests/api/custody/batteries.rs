//! A battery keeps its trace code, chemistry and health from the door, is ORIGINAL until
//! a recycler receives it (then WASTE), and REPURPOSED when a facility gives it a second
//! life; each status change is a STATUS_CHANGED event in its chain.

use serde_json::json;

use super::fixtures::{accept_all, collected_order_of, handed_over, items, plant, process, verify};
use crate::helpers::spawn_app;

const PACK: &str = "[{categoryCode: \"EV_BATTERY_PACK\", battery: {chemistry: NMC, stateOfHealthPct: 85, weightKg: \"380\", traceCode: \"03HPB0DA0001B1C7S0000001\"}}]";

#[tokio::test]
async fn a_battery_pack_goes_from_original_to_waste_to_repurposed_with_its_trace_code() {
    let app = spawn_app().await;
    let collected = collected_order_of(&app, PACK).await;
    let token = collected.customer.access.clone();
    let found = items(&app, &token, &collected.order_id)
        .await
        .expect("items");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["batteryStatus"], "ORIGINAL");
    assert_eq!(found[0]["weightKg"], "380");
    let details = "query($id: ID!) { pickupOrder(id: $id) { custodyItems { chemistry stateOfHealthPct traceCode
        traceCodeInfo { scheme manufacturer productType specification traceability manufacturedOn serial } } } }";
    // The customer sees the status and chemistry, not the raw code or the state of health.
    let customer = app
        .gql(Some(&token), details, json!({"id": collected.order_id}))
        .await;
    let seen = &customer["data"]["pickupOrder"]["custodyItems"][0];
    assert_eq!(seen["chemistry"], "NMC", "{customer}");
    assert!(
        seen["traceCode"].is_null()
            && seen["stateOfHealthPct"].is_null()
            && seen["traceCodeInfo"].is_null(),
        "{customer}"
    );
    let operator = app
        .gql(
            Some(&collected.operator.access),
            details,
            json!({"id": collected.order_id}),
        )
        .await;
    let seen = &operator["data"]["pickupOrder"]["custodyItems"][0];
    assert_eq!(seen["traceCode"], "03HPB0DA0001B1C7S0000001", "{operator}");
    assert_eq!(seen["stateOfHealthPct"], 85);
    assert_eq!(seen["traceCodeInfo"]["scheme"], "GB_T_34014");
    assert_eq!(seen["traceCodeInfo"]["productType"], "PACK");
    assert_eq!(seen["traceCodeInfo"]["manufacturedOn"], "2012-07-25");
    assert_eq!(seen["traceCodeInfo"]["serial"], "0000001");

    let recycler = plant(
        &app,
        &collected.operator,
        &["EV_BATTERY_PACK"],
        r#"["HAZARDOUS_BATTERY"]"#,
    )
    .await;
    let transfer = handed_over(&app, &collected, &recycler).await;
    let received = super::fixtures::receive(
        &app,
        &recycler.staff.access,
        transfer["id"].as_str().expect("id"),
        accept_all(&transfer),
    )
    .await;
    let item = &received["data"]["receiveTransfer"]["items"][0];
    assert_eq!(item["batteryStatus"], "WASTE", "{received}");
    let steps: Vec<&str> = item["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["step"].as_str())
        .collect();
    assert_eq!(
        steps,
        ["COLLECTED", "HANDED_OVER", "RECEIVED", "STATUS_CHANGED"]
    );

    let repurposed = process(
        &app,
        &recycler.staff.access,
        json!({"itemIds": [item["id"]], "outcome": "REPURPOSED"}),
    )
    .await;
    let done = &repurposed["data"]["recordProcessing"][0];
    assert_eq!(done["batteryStatus"], "REPURPOSED", "{repurposed}");
    assert_eq!(
        done["events"].as_array().map(Vec::len),
        Some(6),
        "processed, then status changed: {repurposed}"
    );
    let verified = verify(&app, &token, &collected.order_id).await;
    assert_eq!(
        verified["data"]["verifyCustodyChain"]["valid"], true,
        "{verified}"
    );
}

//! Inspection at the door: re-pricing with the quote's own evidence, inside and outside
//! the tolerance, and the customer's answer to a changed offer.

use serde_json::json;

use super::fixtures::{arrive, assigned_order, complete, dec, inspect, order_step, read};
use crate::helpers::{error_code, spawn_app};

#[tokio::test]
async fn an_inspection_reprices_with_the_quotes_price_table_not_todays_prices() {
    let app = spawn_app().await;
    let (customer, collector, operator, order_id) = assigned_order(&app).await;
    for material in ["copper", "gold", "aluminium", "steel"] {
        let set = app
            .gql(
                Some(&operator.access),
                "mutation($m: String!) { setMaterialPrice(input: {material: $m, pricePerKg: \"0.01\"}) { pricePerKg } }",
                json!({"m": material}),
            )
            .await;
        assert_eq!(
            set["data"]["setMaterialPrice"]["pricePerKg"], "0.01",
            "{set}"
        );
    }
    arrive(&app, &collector, &order_id).await;
    let order = read(&app, &customer.access, &order_id).await;
    let lines = order["lines"].as_array().expect("lines").clone();
    let inspected = inspect(
        &app,
        &collector.access,
        &order_id,
        json!([{"lineId": lines[0]["id"], "condition": "GOOD"},
               {"lineId": lines[1]["id"], "weightKg": "4"}]),
    )
    .await;
    let order = &inspected["data"]["recordInspection"];
    assert_eq!(order["status"], "INSPECTED", "{inspected}");
    assert_eq!(
        order["finalPayout"], order["estimatedPayout"],
        "the items as quoted are worth what the quote said, whatever prices did since"
    );
}

#[tokio::test]
async fn an_inspection_outside_tolerance_waits_for_the_customer() {
    let app = spawn_app().await;
    let (customer, collector, _operator, order_id) = assigned_order(&app).await;
    arrive(&app, &collector, &order_id).await;
    let order = read(&app, &customer.access, &order_id).await;
    let line = order["lines"][1]["id"].clone();
    // The small appliance weighs 12 kg instead of 4: far outside 5 %.
    let inspected = inspect(
        &app,
        &collector.access,
        &order_id,
        json!([{"lineId": line, "weightKg": "12"}]),
    )
    .await;
    let order = &inspected["data"]["recordInspection"];
    assert_eq!(order["status"], "AWAITING_CUSTOMER", "{inspected}");
    assert!(dec(&order["finalPayout"]) != dec(&order["estimatedPayout"]));
    assert!(dec(&order["lines"][1]["finalAmount"]) > dec(&order["lines"][1]["quotedAmount"]));

    let early = complete(&app, &collector.access, &order_id).await;
    assert_eq!(error_code(&early), Some("INVALID_STATE"), "{early}");
    let by_collector = order_step(
        &app,
        &collector.access,
        "respondToFinalOffer",
        &order_id,
        ", accept: true",
    )
    .await;
    assert_eq!(
        error_code(&by_collector),
        Some("FORBIDDEN"),
        "{by_collector}"
    );
    let accepted = order_step(
        &app,
        &customer.access,
        "respondToFinalOffer",
        &order_id,
        ", accept: true",
    )
    .await;
    assert_eq!(
        accepted["data"]["respondToFinalOffer"]["status"], "INSPECTED",
        "{accepted}"
    );
    let completed = complete(&app, &collector.access, &order_id).await;
    assert_eq!(
        completed["data"]["completePickup"]["payout"]["amount"],
        completed["data"]["completePickup"]["finalPayout"]
    );
}

#[tokio::test]
async fn rejecting_the_final_offer_cancels_the_order() {
    let app = spawn_app().await;
    let (customer, collector, _operator, order_id) = assigned_order(&app).await;
    arrive(&app, &collector, &order_id).await;
    let order = read(&app, &customer.access, &order_id).await;
    let line = order["lines"][1]["id"].clone();
    let inspected = inspect(
        &app,
        &collector.access,
        &order_id,
        json!([{"lineId": line, "weightKg": "1"}]),
    )
    .await;
    assert_eq!(
        inspected["data"]["recordInspection"]["status"], "AWAITING_CUSTOMER",
        "{inspected}"
    );
    let rejected = order_step(
        &app,
        &customer.access,
        "respondToFinalOffer",
        &order_id,
        ", accept: false",
    )
    .await;
    assert_eq!(
        rejected["data"]["respondToFinalOffer"]["status"], "CANCELLED",
        "{rejected}"
    );
}

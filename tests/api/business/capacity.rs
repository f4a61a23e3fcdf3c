//! Slot capacity by weight: two heavy bookings racing for the last kilograms make one
//! order, a pickup heavier than any slot is refused with the limit, and a bulk quote's
//! booking takes its total weight.

use futures_util::future::join_all;
use serde_json::json;

use super::fixtures::{csv_of, imported_list, quote_list, remaining_kg, set_weight_budget};
use crate::fixtures::{book_quote, booking_input, quote_of, window};
use crate::helpers::{error_code, spawn_app};

const BOOK: &str = "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id } }";

#[tokio::test]
async fn two_heavy_bookings_racing_for_the_last_kilograms_make_exactly_one_order() {
    let app = spawn_app().await;
    set_weight_budget(&app, 1000).await;
    let heavy = "[{categoryCode: \"SMALL_APPLIANCE\", weightKg: \"600\"}]";
    let mut racers = Vec::new();
    for _ in 0..2 {
        let customer = app.register("HOUSEHOLD").await;
        let quote = quote_of(&app, &customer, heavy).await;
        racers.push((customer, quote));
    }
    let responses = join_all(racers.iter().map(|(customer, quote)| {
        app.gql(
            Some(&customer.access),
            BOOK,
            json!({"input": booking_input(quote, window(2))}),
        )
    }))
    .await;
    let booked = responses
        .iter()
        .filter(|r| r["data"]["bookPickup"].is_object())
        .count();
    assert_eq!(booked, 1, "{responses:#?}");
    let refused = responses
        .iter()
        .find(|r| error_code(r).is_some())
        .expect("one refusal");
    assert_eq!(error_code(refused), Some("CONFLICT"), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("400 kg left") && message.contains("at most 1000 kg"),
        "{message}"
    );
    assert_eq!(remaining_kg(&app, &window(2)).await, "400");
}

#[tokio::test]
async fn a_pickup_heavier_than_any_slot_is_refused_with_the_largest_weight_a_slot_takes() {
    let app = spawn_app().await;
    set_weight_budget(&app, 1000).await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = quote_of(
        &app,
        &customer,
        "[{categoryCode: \"SMALL_APPLIANCE\", weightKg: \"1200\"}]",
    )
    .await;
    let response = app
        .gql(
            Some(&customer.access),
            BOOK,
            json!({"input": booking_input(&quote, window(2))}),
        )
        .await;
    assert_eq!(error_code(&response), Some("VALIDATION"), "{response}");
    assert_eq!(
        response["errors"][0]["extensions"]["field"],
        "input.quoteId"
    );
    let message = response["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("at most 1000 kg"), "{message}");
    // Nothing was taken: the slot still has its whole budget, the quote is still ACTIVE.
    assert_eq!(remaining_kg(&app, &window(2)).await, "1000");
}

#[tokio::test]
async fn booking_a_bulk_quote_takes_its_total_weight_from_the_slot() {
    let app = spawn_app().await;
    let owner = app.register("BUSINESS").await;
    let lines: Vec<String> = (0..50)
        .map(|i| format!("SMALL_APPLIANCE,,SHOP-{i:03},FAIR,10"))
        .collect();
    let list = imported_list(&app, &owner, &csv_of(&lines)).await;
    let quoted = quote_list(&app, &owner.access, &list).await;
    let quote = quoted["data"]["requestAssetListQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{quoted}"))
        .to_owned();
    assert_eq!(remaining_kg(&app, &window(2)).await, "3000");
    book_quote(&app, &owner, &quote, window(2), "id").await;
    assert_eq!(remaining_kg(&app, &window(2)).await, "2500");
}

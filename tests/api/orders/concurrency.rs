//! Booking under concurrency: slot capacity is never exceeded, an idempotency key makes
//! one order however many identical requests race, and order numbers stay unique.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::{pickup_order, service_area};
use futures_util::future::join_all;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use super::fixtures::book_pickup_mutation;
use crate::fixtures::{SHANGHAI, booking_input, light_quote, window};
use crate::helpers::{Account, TestApp, error_code, spawn_app};

/// Registers `count` households, each with a quote of their own.
async fn customers_with_quotes(app: &TestApp, count: usize) -> Vec<(Account, String)> {
    join_all((0..count).map(|_| async {
        let customer = app.register("HOUSEHOLD").await;
        let quote = light_quote(app, &customer).await;
        (customer, quote)
    }))
    .await
}

/// The places left tomorrow in Shanghai in the slot starting at `hour`.
async fn remaining_places(app: &TestApp, hour: u32) -> i64 {
    let slot_start: DateTime<Utc> = window(hour)["start"]
        .as_str()
        .expect("start")
        .parse()
        .expect("a time");
    let response = app
        .gql(
            None,
            "query($d: NaiveDate!, $lat: Float!, $lon: Float!) { availablePickupWindows(location: {latitude: $lat, longitude: $lon}, date: $d) { start remainingCapacity } }",
            json!({"d": slot_start.date_naive().to_string(), "lat": SHANGHAI.0, "lon": SHANGHAI.1}),
        )
        .await;
    let slots = response["data"]["availablePickupWindows"]
        .as_array()
        .unwrap_or_else(|| panic!("slots: {response}"));
    slots
        .iter()
        .find(|slot| {
            slot["start"]
                .as_str()
                .and_then(|s| s.parse::<DateTime<Utc>>().ok())
                == Some(slot_start)
        })
        .and_then(|slot| slot["remainingCapacity"].as_i64())
        .unwrap_or_else(|| panic!("no slot at {slot_start}: {response}"))
}

#[tokio::test]
async fn ten_concurrent_bookings_of_a_three_place_slot_make_exactly_three_orders() {
    let app = spawn_app().await;
    service_area::Entity::update_many()
        .col_expr(service_area::Column::SlotCapacity, Expr::value(3))
        .filter(service_area::Column::Name.eq("Shanghai Central"))
        .exec(&app.state.db)
        .await
        .expect("shrink the slot capacity");
    app.state.catalog.invalidate();
    assert_eq!(remaining_places(&app, 2).await, 3);
    let customers = customers_with_quotes(&app, 10).await;

    let mutation = book_pickup_mutation();
    let responses = join_all(customers.iter().map(|(customer, quote)| {
        app.gql(
            Some(&customer.access),
            &mutation,
            json!({"input": booking_input(quote, window(2))}),
        )
    }))
    .await;

    let booked: Vec<(&Account, &Value)> = customers
        .iter()
        .zip(&responses)
        .filter(|(_, response)| response["data"]["bookPickup"].is_object())
        .map(|((customer, _), response)| (customer, &response["data"]["bookPickup"]))
        .collect();
    let conflicts = responses
        .iter()
        .filter(|r| error_code(r) == Some("CONFLICT"))
        .count();
    assert_eq!(booked.len(), 3, "{responses:#?}");
    assert_eq!(conflicts, 7, "every refusal is CONFLICT: {responses:#?}");
    assert_eq!(remaining_places(&app, 2).await, 0);

    let (customer, order) = booked[0];
    let cancelled = app
        .gql(
            Some(&customer.access),
            "mutation($id: ID!) { cancelPickup(orderId: $id, reason: \"plans changed\") { status } }",
            json!({"id": order["id"]}),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelPickup"]["status"], "CANCELLED",
        "{cancelled}"
    );
    assert_eq!(remaining_places(&app, 2).await, 1);
}

#[tokio::test]
async fn fifty_concurrent_retries_with_one_idempotency_key_make_one_order() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = light_quote(&app, &customer).await;
    let mut input = booking_input(&quote, window(2));
    input["idempotencyKey"] = json!("k-1");

    let mutation = book_pickup_mutation();
    let variables = json!({"input": input});
    let responses =
        join_all((0..50).map(|_| app.gql(Some(&customer.access), &mutation, variables.clone())))
            .await;

    let errors: Vec<&Value> = responses
        .iter()
        .filter(|r| !r["errors"].is_null())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let ids: HashSet<&str> = responses
        .iter()
        .map(|r| r["data"]["bookPickup"]["id"].as_str().expect("an order id"))
        .collect();
    assert_eq!(
        ids.len(),
        1,
        "every retry answers with the first order: {ids:?}"
    );
    let stored = pickup_order::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count orders");
    assert_eq!(stored, 1);

    input["notes"] = json!("Knock, do not ring");
    let reused = app
        .gql(Some(&customer.access), &mutation, json!({"input": input}))
        .await;
    assert_eq!(
        error_code(&reused),
        Some("IDEMPOTENCY_MISMATCH"),
        "{reused}"
    );
    let stored = pickup_order::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count orders");
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn order_numbers_stay_unique_when_twenty_customers_book_at_once() {
    let app = spawn_app().await;
    let customers = customers_with_quotes(&app, 20).await;
    let hours = [0, 2, 4, 6, 8, 10];

    let mutation = book_pickup_mutation();
    let responses = join_all(customers.iter().zip(hours.iter().cycle()).map(
        |((customer, quote), hour)| {
            app.gql(
                Some(&customer.access),
                &mutation,
                json!({"input": booking_input(quote, window(*hour))}),
            )
        },
    ))
    .await;

    let numbers: Vec<&str> = responses
        .iter()
        .map(|r| {
            r["data"]["bookPickup"]["number"]
                .as_str()
                .unwrap_or_else(|| panic!("booking failed: {r}"))
        })
        .collect();
    for number in &numbers {
        let digits = number
            .strip_prefix("RL-")
            .unwrap_or_else(|| panic!("{number} lacks RL-"));
        assert!(
            digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{number} is not RL-NNNNNN"
        );
    }
    let distinct: HashSet<&str> = numbers.iter().copied().collect();
    assert_eq!(distinct.len(), 20, "{numbers:?}");
}

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
use crate::helpers::{Account, TestApp, error_code, spawn_app, spawn_app_with};

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

/// `count` quotes of light items for `customer`, requested a few at a time.
async fn quotes_for(app: &TestApp, customer: &Account, count: usize) -> Vec<String> {
    let mut quotes = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(20) {
        quotes.extend(join_all(chunk.iter().map(|_| light_quote(app, customer))).await);
    }
    quotes
}

/// An app whose Shanghai slots hold `capacity` places, and a customer with `count` quotes.
async fn customer_with_quotes(capacity: i32, count: usize) -> (TestApp, Account, Vec<String>) {
    let app = spawn_app_with(|c| c.quotes.user_per_minute = 10_000).await;
    service_area::Entity::update_many()
        .col_expr(service_area::Column::SlotCapacity, Expr::value(capacity))
        .filter(service_area::Column::Name.eq("Shanghai Central"))
        .exec(&app.state.db)
        .await
        .expect("set the slot capacity");
    app.state.catalog.invalidate();
    let customer = app.register("HOUSEHOLD").await;
    let quotes = quotes_for(&app, &customer, count).await;
    (app, customer, quotes)
}

/// Whether `response` is the CONFLICT of a fully booked slot.
fn slot_was_full(response: &Value) -> bool {
    error_code(response) == Some("CONFLICT")
        && response["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("fully booked"))
}

#[tokio::test]
async fn two_hundred_concurrent_bookings_of_a_fifty_place_slot_make_exactly_fifty_orders() {
    let (app, customer, quotes) = customer_with_quotes(50, 200).await;

    // All at once: on SQLite they share group commits, where the refused ones must roll
    // back alone and never take their neighbours with them.
    let responses = join_all(quotes.iter().map(|quote| {
        app.gql(
            Some(&customer.access),
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id number status } }",
            json!({"input": booking_input(quote, window(2))}),
        )
    }))
    .await;

    let booked: Vec<&Value> = responses
        .iter()
        .filter_map(|r| {
            r["data"]["bookPickup"]
                .as_object()
                .map(|_| &r["data"]["bookPickup"])
        })
        .collect();
    let full: Vec<&Value> = responses.iter().filter(|r| slot_was_full(r)).collect();
    assert_eq!(booked.len(), 50, "{responses:#?}");
    assert_eq!(full.len(), 150, "every refusal says the slot is full");
    assert!(booked.iter().all(|o| o["status"] == "DISPATCHING"));
    let numbers: HashSet<&str> = booked.iter().filter_map(|o| o["number"].as_str()).collect();
    assert_eq!(numbers.len(), 50, "unique numbers");
    assert_eq!(remaining_places(&app, 2).await, 0);

    // Exactly the booked quotes are USED: a refused booking left its quote ACTIVE.
    let used = entity::quote::Entity::find()
        .filter(entity::quote::Column::UsedAt.is_not_null())
        .count(&app.state.db)
        .await
        .expect("count used quotes");
    assert_eq!(used, 50);
    let stored = pickup_order::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count orders");
    assert_eq!(stored, 50);
    let events = entity::order_event::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count events");
    assert_eq!(events, 100, "two events per order (REQUESTED, DISPATCHING)");

    // A refused quote still books in another slot.
    let refused_quote = quotes
        .iter()
        .zip(&responses)
        .find(|(_, r)| error_code(r) == Some("CONFLICT"))
        .map(|(q, _)| q)
        .expect("a refused booking");
    let later = app
        .gql(
            Some(&customer.access),
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { status } }",
            json!({"input": booking_input(refused_quote, window(4))}),
        )
        .await;
    assert_eq!(
        later["data"]["bookPickup"]["status"], "DISPATCHING",
        "{later}"
    );
}

#[tokio::test]
async fn twenty_keys_each_retried_five_times_at_once_make_twenty_orders() {
    let app = spawn_app_with(|c| c.quotes.user_per_minute = 10_000).await;
    let customer = app.register("HOUSEHOLD").await;
    let quotes = quotes_for(&app, &customer, 20).await;
    let mutation = book_pickup_mutation();

    let requests: Vec<(usize, Value)> = (0..100)
        .map(|i| {
            let k = i % 20;
            let mut input =
                booking_input(&quotes[k], window(2 * u32::try_from(k % 6).expect("small")));
            input["idempotencyKey"] = json!(format!("key-{k}"));
            (k, json!({"input": input}))
        })
        .collect();
    let responses = join_all(
        requests
            .iter()
            .map(|(_, variables)| app.gql(Some(&customer.access), &mutation, variables.clone())),
    )
    .await;

    let mut by_key: Vec<HashSet<String>> = vec![HashSet::new(); 20];
    for ((k, _), response) in requests.iter().zip(&responses) {
        let id = response["data"]["bookPickup"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("every retry answers with the order: {response}"));
        by_key[*k].insert(id.to_owned());
    }
    assert!(by_key.iter().all(|ids| ids.len() == 1), "{by_key:?}");
    let stored = pickup_order::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count orders");
    assert_eq!(stored, 20);
}

#[tokio::test]
async fn concurrent_bookings_over_three_slots_fill_each_to_its_capacity_and_no_further() {
    // A batch takes all its slots in one statement: every slot must still stop at its own
    // capacity, and a full one must not cost the other slots their bookings.
    let (app, customer, quotes) = customer_with_quotes(4, 24).await;
    let hours = [2, 4, 6];

    let responses = join_all(quotes.iter().enumerate().map(|(k, quote)| {
        app.gql(
            Some(&customer.access),
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id } }",
            json!({"input": booking_input(quote, window(hours[k % 3]))}),
        )
    }))
    .await;

    for (slot, hour) in hours.iter().enumerate() {
        let answers: Vec<&Value> = responses.iter().skip(slot).step_by(3).collect();
        let booked = answers
            .iter()
            .filter(|r| r["data"]["bookPickup"].is_object())
            .count();
        let full = answers.iter().filter(|r| slot_was_full(r)).count();
        assert_eq!((booked, full), (4, 4), "slot at {hour}:00: {answers:#?}");
        assert_eq!(remaining_places(&app, *hour).await, 0, "slot at {hour}:00");
    }
    let stored = pickup_order::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count orders");
    assert_eq!(stored, 12);
}

//! A booking retried with its idempotency key after its window started returns the first
//! order: the replay is looked up before the window is validated again.

use serde_json::json;

use crate::dispatch::fixtures::sign_in_again;
use crate::fixtures::{booking_input, light_quote, window};
use crate::helpers::spawn_app;
use crate::orders::fixtures::book_pickup_mutation;

#[tokio::test]
async fn a_retry_after_the_window_started_replays_the_first_order() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = light_quote(&app, &customer).await;
    let mut input = booking_input(&quote, window(10));
    input["idempotencyKey"] = json!("retry-late");
    let mutation = book_pickup_mutation();
    let first = app
        .gql(Some(&customer.access), &mutation, json!({"input": input}))
        .await;
    let order_id = first["data"]["bookPickup"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("booked: {first}"))
        .to_owned();

    // The client retries late: tomorrow's window has started by the app's clock.
    app.clock.advance(chrono::Duration::hours(36));
    let customer = sign_in_again(&app, &customer).await;
    let retried = app
        .gql(Some(&customer.access), &mutation, json!({"input": input}))
        .await;
    assert!(retried["errors"].is_null(), "{retried}");
    assert_eq!(retried["data"]["bookPickup"]["id"], order_id.as_str());
}

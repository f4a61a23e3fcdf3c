//! Booking: from an ACTIVE quote to a DISPATCHING order, and everything it refuses.

use serde_json::{Value, json};

use super::fixtures::{book, book_pickup_mutation};
use crate::fixtures::{SHANGHAI, booking_input, light_quote, window};
use crate::helpers::{Account, TestApp, error_code, spawn_app};

#[tokio::test]
async fn booking_a_quote_creates_a_dispatching_order_and_uses_the_quote() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = light_quote(&app, &customer).await;
    let response = app
        .gql(
            Some(&customer.access),
            &book_pickup_mutation(),
            json!({"input": booking_input(&quote, window(2))}),
        )
        .await;
    let order = &response["data"]["bookPickup"];
    assert_eq!(order["status"], "DISPATCHING", "{response}");
    assert!(
        order["number"]
            .as_str()
            .is_some_and(|n| n.starts_with("RL-") && n.len() >= 9),
        "{order}"
    );
    assert_eq!(order["version"], 2);
    assert_eq!(order["lines"].as_array().map(Vec::len), Some(2));
    assert_eq!(order["address"]["city"], "Shanghai");
    let statuses: Vec<&str> = order["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["toStatus"].as_str())
        .collect();
    assert_eq!(statuses, ["REQUESTED", "DISPATCHING"]);
    assert_eq!(order["events"][0]["actorRole"], "HOUSEHOLD");

    let quote_now = app
        .gql(
            Some(&customer.access),
            "query($id: ID!) { quote(id: $id) { status total } }",
            json!({"id": quote}),
        )
        .await;
    assert_eq!(quote_now["data"]["quote"]["status"], "USED");
    assert_eq!(
        quote_now["data"]["quote"]["total"],
        order["estimatedPayout"]
    );

    let again = app
        .gql(
            Some(&customer.access),
            &book_pickup_mutation(),
            json!({"input": booking_input(&quote, window(4))}),
        )
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
}

#[tokio::test]
async fn an_anonymous_quote_becomes_the_bookers() {
    let app = spawn_app().await;
    let anonymous = app
        .gql(
            None,
            "mutation { requestQuote(input: {items: [{categoryCode: \"TABLET\"}]}) { id } }",
            json!({}),
        )
        .await;
    let quote = anonymous["data"]["requestQuote"]["id"]
        .as_str()
        .expect("quote")
        .to_owned();
    let customer = app.register("HOUSEHOLD").await;
    let booked = app
        .gql(
            Some(&customer.access),
            &book_pickup_mutation(),
            json!({"input": booking_input(&quote, window(2))}),
        )
        .await;
    assert_eq!(
        booked["data"]["bookPickup"]["status"], "DISPATCHING",
        "{booked}"
    );
    let read = app
        .gql(
            None,
            "query($id: ID!) { quote(id: $id) { id } }",
            json!({"id": quote}),
        )
        .await;
    assert_eq!(
        read["data"]["quote"],
        serde_json::Value::Null,
        "the quote now has an owner"
    );
}

#[tokio::test]
async fn an_expired_quote_cannot_be_booked() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = light_quote(&app, &customer).await;
    app.clock.advance(chrono::Duration::hours(49));
    let relogin = app
        .gql(
            None,
            crate::helpers::LOGIN,
            json!({"email": customer.email, "password": crate::helpers::PASSWORD}),
        )
        .await;
    let token = relogin["data"]["login"]["accessToken"]
        .as_str()
        .expect("login")
        .to_owned();
    let mut input = booking_input(&quote, window(2));
    let day = (chrono::Utc::now() + chrono::Duration::days(4)).date_naive();
    let start = day.and_hms_opt(2, 0, 0).expect("valid").and_utc();
    input["window"] = json!({"start": start.to_rfc3339(), "end": (start + chrono::Duration::hours(2)).to_rfc3339()});
    let response = app
        .gql(
            Some(&token),
            &book_pickup_mutation(),
            json!({"input": input}),
        )
        .await;
    assert_eq!(error_code(&response), Some("QUOTE_EXPIRED"), "{response}");
}

#[tokio::test]
async fn someone_elses_quote_is_not_found() {
    let app = spawn_app().await;
    let owner = app.register("HOUSEHOLD").await;
    let other = app.register("HOUSEHOLD").await;
    let quote = light_quote(&app, &owner).await;
    let response = app
        .gql(
            Some(&other.access),
            &book_pickup_mutation(),
            json!({"input": booking_input(&quote, window(2))}),
        )
        .await;
    assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
}

/// 02:00 UTC `days` days from today.
fn two_am(days: i64) -> chrono::DateTime<chrono::Utc> {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .date_naive()
        .and_hms_opt(2, 0, 0)
        .expect("valid")
        .and_utc()
}

/// A window of `h` hours from `start`.
fn hours(start: chrono::DateTime<chrono::Utc>, h: i64) -> Value {
    json!({"start": start.to_rfc3339(), "end": (start + chrono::Duration::hours(h)).to_rfc3339()})
}

/// Bad values for one booking input field each: (key, value, field at fault). Windows in
/// the past, too short, too long, or outside service hours; a phone that is no number; a
/// blank name; a quote id that is no id.
fn bad_booking_fields() -> Vec<(&'static str, Value, &'static str)> {
    let (yesterday, tomorrow) = (two_am(-1), two_am(1));
    vec![
        ("window", hours(yesterday, 2), "input.window"),
        (
            "window",
            json!({"start": tomorrow.to_rfc3339(), "end": (tomorrow + chrono::Duration::minutes(30)).to_rfc3339()}),
            "input.window",
        ),
        ("window", hours(tomorrow, 9), "input.window"),
        (
            "window",
            hours(tomorrow + chrono::Duration::hours(11), 2),
            "input.window",
        ),
        ("contactPhone", json!("call me"), "input.contactPhone"),
        ("contactName", json!("  "), "input.contactName"),
        ("quoteId", json!("not-an-id"), "input.quoteId"),
    ]
}

/// `bookPickup` with `input` as `customer`; the whole answer.
async fn try_booking(app: &TestApp, customer: &Account, input: Value) -> Value {
    app.gql(
        Some(&customer.access),
        &book_pickup_mutation(),
        json!({"input": input}),
    )
    .await
}

#[tokio::test]
async fn bad_booking_input_is_a_validation_error_and_stores_nothing() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = light_quote(&app, &customer).await;
    for (key, value, field) in bad_booking_fields() {
        let mut input = booking_input(&quote, window(2));
        input[key] = value;
        let response = try_booking(&app, &customer, input).await;
        assert_eq!(
            error_code(&response),
            Some("VALIDATION"),
            "{key}: {response}"
        );
        assert_eq!(
            response["errors"][0]["extensions"]["field"], field,
            "{response}"
        );
    }
    let mut far = booking_input(&quote, window(2));
    far["address"]["location"] = json!({"latitude": 48.85, "longitude": 2.35});
    let response = try_booking(&app, &customer, far).await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "input.address.location",
        "{response}"
    );

    let orders = app
        .gql(
            Some(&customer.access),
            "{ pickupOrders { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        orders["data"]["pickupOrders"]["edges"],
        json!([]),
        "{orders}"
    );
    let ok = try_booking(&app, &customer, booking_input(&quote, window(2))).await;
    assert_eq!(
        ok["data"]["bookPickup"]["status"], "DISPATCHING",
        "the quote is still usable: {ok}"
    );
}

#[tokio::test]
async fn only_customers_book() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = light_quote(&app, &customer).await;
    let collector = app.register("COLLECTOR").await;
    let response = app
        .gql(
            Some(&collector.access),
            &book_pickup_mutation(),
            json!({"input": booking_input(&quote, window(2))}),
        )
        .await;
    assert_eq!(error_code(&response), Some("FORBIDDEN"), "{response}");
    let anonymous = app
        .gql(
            None,
            &book_pickup_mutation(),
            json!({"input": booking_input(&quote, window(2))}),
        )
        .await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
}

#[tokio::test]
async fn slots_show_capacity_and_a_cancellation_frees_its_place() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    let date = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let slots_query = "query($d: NaiveDate!, $lat: Float!, $lon: Float!) { availablePickupWindows(location: {latitude: $lat, longitude: $lon}, date: $d) { start remainingCapacity } }";
    let vars = json!({"d": date, "lat": SHANGHAI.0, "lon": SHANGHAI.1});
    let remaining = |response: &serde_json::Value| {
        response["data"]["availablePickupWindows"][1]["remainingCapacity"].as_i64()
    };
    let before = app.gql(None, slots_query, vars.clone()).await;
    assert_eq!(remaining(&before), Some(10), "{before}");
    let order = book(&app, &customer).await;
    let during = app.gql(None, slots_query, vars.clone()).await;
    assert_eq!(remaining(&during), Some(9), "{during}");
    let cancelled = app
        .gql(
            Some(&customer.access),
            "mutation($id: ID!) { cancelPickup(orderId: $id, reason: \"changed my mind\") { status events { toStatus reason } } }",
            json!({"id": order["id"]}),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelPickup"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let after = app.gql(None, slots_query, vars).await;
    assert_eq!(remaining(&after), Some(10), "{after}");
}

//! Shared set-up for the order tests: customers with quotes, booked orders, verified
//! collectors and orders assigned to them.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp};

/// Shanghai, inside the demo service area.
pub const SHANGHAI: (f64, f64) = (31.2304, 121.4737);

/// Every field of an order the tests look at.
pub const ORDER_FIELDS: &str = "id number status version estimatedPayout finalPayout currency
    window { start end } address { line1 city location { latitude longitude } }
    collector { id displayName } lines { id description quotedAmount finalAmount condition weightKg serialNumber }
    events { fromStatus toStatus actorRole reason } payout { amount status } proof { signatureRef photoRefs }";

/// `bookPickup` returning [`ORDER_FIELDS`].
pub fn book_pickup_mutation() -> String {
    format!(
        "mutation($input: BookPickupInput!) {{ bookPickup(input: $input) {{ {ORDER_FIELDS} }} }}"
    )
}

/// A window tomorrow (UTC) at `hour`:00 for two hours, inside service hours.
pub fn window(hour: u32) -> Value {
    let day = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive();
    let start = day.and_hms_opt(hour, 0, 0).expect("valid").and_utc();
    json!({"start": start.to_rfc3339(), "end": (start + chrono::Duration::hours(2)).to_rfc3339()})
}

/// A quote for a laptop and a small appliance by weight, owned by `customer`.
pub async fn quote_for(app: &TestApp, customer: &Account) -> String {
    let response = app
        .gql(
            Some(&customer.access),
            "mutation { requestQuote(input: {items: [{categoryCode: \"LAPTOP\", condition: GOOD}, {categoryCode: \"SMALL_APPLIANCE\", weightKg: \"4\"}]}) { id } }",
            json!({}),
        )
        .await;
    response["data"]["requestQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("quote: {response}"))
        .to_owned()
}

/// The `bookPickup` input for `quote_id` in the slot starting at `hour`.
pub fn booking_input(quote_id: &str, hour: u32) -> Value {
    json!({
        "quoteId": quote_id,
        "address": {"line1": "88 Century Avenue", "city": "Shanghai", "postalCode": "200120",
                    "location": {"latitude": SHANGHAI.0, "longitude": SHANGHAI.1}},
        "window": window(hour),
        "contactName": "Li Wei",
        "contactPhone": "+86 138 0013 8000",
        "notes": "Ring twice"
    })
}

/// Books a fresh quote for `customer` and returns the order.
pub async fn book(app: &TestApp, customer: &Account) -> Value {
    let quote = quote_for(app, customer).await;
    let response = app
        .gql(
            Some(&customer.access),
            &book_pickup_mutation(),
            json!({"input": booking_input(&quote, 2)}),
        )
        .await;
    let order = response["data"]["bookPickup"].clone();
    assert!(order.is_object(), "booking failed: {response}");
    order
}

/// A collector with a van and every certification, verified by `operator`; returns the
/// account and the collector profile id.
pub async fn verified_collector(app: &TestApp, operator: &Account) -> (Account, String) {
    let collector = app.register("COLLECTOR").await;
    let profile = app
        .gql(
            Some(&collector.access),
            "mutation { updateCollectorProfile(input: {vehicle: VAN, capacityKg: \"800\",
              certifications: [HAZARDOUS_BATTERY, LARGE_APPLIANCE, DATA_DESTRUCTION, REFRIGERANT_HANDLING]}) { id } }",
            json!({}),
        )
        .await;
    let id = profile["data"]["updateCollectorProfile"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("profile: {profile}"))
        .to_owned();
    let verified = app
        .gql(
            Some(&operator.access),
            "mutation($id: ID!) { verifyCollector(collectorId: $id) { verified } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        verified["data"]["verifyCollector"]["verified"], true,
        "{verified}"
    );
    (collector, id)
}

/// Runs an order mutation that takes `orderId` and returns the order (or the errors).
pub async fn order_step(
    app: &TestApp,
    token: &str,
    mutation: &str,
    order_id: &str,
    extra: &str,
) -> Value {
    let query =
        format!("mutation($id: ID!) {{ {mutation}(orderId: $id{extra}) {{ {ORDER_FIELDS} }} }}");
    app.gql(Some(token), &query, json!({"id": order_id})).await
}

/// An order booked by a new customer and assigned by an operator to a new verified
/// collector: (customer, collector, operator, order id).
pub async fn assigned_order(app: &TestApp) -> (Account, Account, Account, String) {
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let order = book(app, &customer).await;
    let order_id = order["id"].as_str().expect("id").to_owned();
    let (collector, collector_id) = verified_collector(app, &operator).await;
    let assigned = app
        .gql(
            Some(&operator.access),
            &format!("mutation($id: ID!, $c: ID) {{ reassignOrder(orderId: $id, collectorId: $c) {{ {ORDER_FIELDS} }} }}"),
            json!({"id": order_id, "c": collector_id}),
        )
        .await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );
    (customer, collector, operator, order_id)
}

/// The inspection mutation returning [`ORDER_FIELDS`].
pub fn inspection_mutation() -> String {
    format!(
        "mutation($input: InspectionInput!) {{ recordInspection(input: $input) {{ {ORDER_FIELDS} }} }}"
    )
}

/// Takes an assigned order to ARRIVED.
pub async fn arrive(app: &TestApp, collector: &Account, order_id: &str) {
    let trip = order_step(app, &collector.access, "startTrip", order_id, "").await;
    assert_eq!(trip["data"]["startTrip"]["status"], "EN_ROUTE", "{trip}");
    let arrived = order_step(app, &collector.access, "markArrived", order_id, "").await;
    assert_eq!(
        arrived["data"]["markArrived"]["status"], "ARRIVED",
        "{arrived}"
    );
}

/// A decimal string field as a `Decimal`.
pub fn dec(value: &Value) -> Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a decimal: {value}"))
        .parse()
        .expect("decimal")
}

/// Records an inspection of `lines` on `order_id` as `token`.
pub async fn inspect(app: &TestApp, token: &str, order_id: &str, lines: Value) -> Value {
    app.gql(
        Some(token),
        &inspection_mutation(),
        json!({"input": {"orderId": order_id, "lines": lines}}),
    )
    .await
}

/// `order_id` as `token` sees it.
pub async fn read(app: &TestApp, token: &str, order_id: &str) -> Value {
    let response = app
        .gql(
            Some(token),
            &format!("query($id: ID!) {{ pickupOrder(id: $id) {{ {ORDER_FIELDS} }} }}"),
            json!({"id": order_id}),
        )
        .await;
    response["data"]["pickupOrder"].clone()
}

/// Completes `order_id` as `token` with a signature and a photo.
pub async fn complete(app: &TestApp, token: &str, order_id: &str) -> Value {
    app.gql(
        Some(token),
        &format!("mutation($id: ID!) {{ completePickup(input: {{orderId: $id, signatureRef: \"sig/123.png\", photoRefs: [\"p/1.jpg\"]}}) {{ {ORDER_FIELDS} }} }}"),
        json!({"id": order_id}),
    )
    .await
}

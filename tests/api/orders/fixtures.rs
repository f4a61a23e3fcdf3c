//! Set-up particular to the order tests (the shared part is in `crate::fixtures`):
//! booked orders with every field, orders assigned to a verified collector, and the
//! steps of an order's life.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::fixtures::{book_quote, light_quote, verified_collector, window};
use crate::helpers::{Account, TestApp};

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

/// Books a fresh quote of light items for `customer` tomorrow at 02:00 and returns the
/// order with [`ORDER_FIELDS`].
pub async fn book(app: &TestApp, customer: &Account) -> Value {
    let quote = light_quote(app, customer).await;
    book_quote(app, customer, &quote, window(2), ORDER_FIELDS).await
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
    let collector = verified_collector(app, &operator).await;
    let assigned = app
        .gql(
            Some(&operator.access),
            &format!("mutation($id: ID!, $c: ID) {{ reassignOrder(orderId: $id, collectorId: $c) {{ {ORDER_FIELDS} }} }}"),
            json!({"id": order_id, "c": collector.id}),
        )
        .await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );
    (customer, collector.account, operator, order_id)
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

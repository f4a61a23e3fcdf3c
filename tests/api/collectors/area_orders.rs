//! `pickupOrders(areaId)`: operators list one service area's orders (with the other
//! filters as before); anyone else asking for an area is FORBIDDEN.

use serde_json::{Value, json};

use super::area_id;
use crate::dispatch::fixtures::book_light;
use crate::fixtures::{booking_input, light_quote, window};
use crate::helpers::{Account, TestApp, error_code, spawn_app};

/// The centre of the demo's Beijing area.
const BEIJING: (f64, f64) = (39.9042, 116.4074);

const LIST: &str = "query($area: ID, $status: OrderStatus) {
    pickupOrders(areaId: $area, status: $status, first: 50) { nodes { id } } }";

async fn listed(app: &TestApp, who: &Account, area: Option<&str>, status: Option<&str>) -> Value {
    app.gql(
        Some(&who.access),
        LIST,
        json!({"area": area, "status": status}),
    )
    .await
}

fn ids(answer: &Value) -> Vec<String> {
    answer["data"]["pickupOrders"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("pickupOrders: {answer}"))
        .iter()
        .filter_map(|n| n["id"].as_str().map(str::to_owned))
        .collect()
}

async fn book_in_beijing(app: &TestApp, customer: &Account) -> String {
    let quote = light_quote(app, customer).await;
    let mut input = booking_input(&quote, window(4));
    input["address"]["city"] = json!("Beijing");
    input["address"]["location"] = json!({"latitude": BEIJING.0, "longitude": BEIJING.1});
    let booked = app
        .gql(
            Some(&customer.access),
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id } }",
            json!({"input": input}),
        )
        .await;
    booked["data"]["bookPickup"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("booking in Beijing: {booked}"))
        .to_owned()
}

#[tokio::test]
async fn operators_list_the_orders_of_one_service_area() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let shanghai = area_id(&app, &operator, "Shanghai Central").await;
    let beijing = area_id(&app, &operator, "Beijing Central").await;
    let in_shanghai = book_light(&app, &customer, 2).await;
    let in_beijing = book_in_beijing(&app, &customer).await;
    let cancelled = app
        .gql(
            Some(&customer.access),
            "mutation($id: ID!) { cancelPickup(orderId: $id, reason: \"changed my mind\") { status } }",
            json!({"id": in_beijing}),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelPickup"]["status"], "CANCELLED",
        "{cancelled}"
    );

    let all = ids(&listed(&app, &operator, None, None).await);
    assert_eq!(all, [in_beijing.clone(), in_shanghai.clone()]);
    assert_eq!(
        ids(&listed(&app, &operator, Some(&shanghai), None).await),
        [in_shanghai.as_str()]
    );
    assert_eq!(
        ids(&listed(&app, &operator, Some(&beijing), None).await),
        [in_beijing.as_str()]
    );
    // With the state filter: both must hold.
    assert_eq!(
        ids(&listed(&app, &operator, Some(&beijing), Some("CANCELLED")).await),
        [in_beijing]
    );
    assert!(ids(&listed(&app, &operator, Some(&shanghai), Some("CANCELLED")).await).is_empty());
    let other = area_id(&app, &operator, "Chengdu").await;
    assert!(ids(&listed(&app, &operator, Some(&other), None).await).is_empty());
}

#[tokio::test]
async fn only_operators_may_list_orders_by_area() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let shanghai = area_id(&app, &operator, "Shanghai Central").await;
    book_light(&app, &customer, 2).await;
    let refused = listed(&app, &customer, Some(&shanghai), None).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    // Without an area their own list is as before.
    assert_eq!(ids(&listed(&app, &customer, None, None).await).len(), 1);
    let bad = listed(&app, &operator, Some("not-an-id"), None).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"), "{bad}");
}

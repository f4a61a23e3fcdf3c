//! An operator acting through the console: reassigning an order to a collector who is not
//! verified shows the API's error on the page; verifying that collector from the queue
//! works; reassigning the order to a verified collector assigns it.

use fantoccini::Locator;
use serde_json::json;

use super::Console;
use crate::dispatch::fixtures::book_light;
use crate::fixtures::{FULL, collector_with, verified_collector};
use crate::helpers::browser::{element, text_with};
use crate::helpers::{PASSWORD, spawn_app};

/// Picks `collector_id` in the order page's reassign form and sends it.
async fn reassign(console: &Console, collector_id: &str) {
    let select = element(
        &console.browser,
        &format!("#reassign-form select option[value='{collector_id}']"),
    )
    .await;
    select.click().await.expect("pick the collector");
    console.click("#reassign-form button[type=submit]").await;
}

#[tokio::test]
async fn a_browser_console_verifies_a_collector_and_reassigns_an_order_showing_api_errors() {
    let app = spawn_app().await;
    let Some(console) = Console::open(&app.address, 768, 1024).await else {
        return;
    };
    let operator = app.operator().await;
    let household = app.register("HOUSEHOLD").await;
    let newcomer = collector_with(&app, None, FULL).await;
    let veteran = verified_collector(&app, &operator).await;
    let order_id = book_light(&app, &household, 10).await;

    console.sign_in(&operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;

    // The API refuses a collector nobody verified, and the page says why.
    console.go(&format!("#/orders/{order_id}")).await;
    text_with(&console.browser, "#order-status", "dispatching").await;
    reassign(&console, &newcomer.id).await;
    let refused = text_with(&console.browser, "#reassign-form .error", "VALIDATION").await;
    assert!(refused.contains("not a verified collector"), "{refused}");
    console.assert_fits("an order at 768×1024").await;

    // Verifying from the queue.
    console.go("#/collectors").await;
    element(&console.browser, "#queue-h").await;
    console.assert_fits("the collectors at 768×1024").await;
    console
        .click(&format!(
            "button.verify[data-collector-id='{}']",
            newcomer.id
        ))
        .await;
    text_with(
        &console.browser,
        &format!(
            "#verified-h + .table-wrap tr[data-collector-id='{}']",
            newcomer.id
        ),
        "verified",
    )
    .await;
    let listed = app
        .gql(
            Some(&operator.access),
            "{ collectors(verified: false) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["data"]["collectors"]["nodes"], json!([]), "{listed}");

    // Reassigning to a verified collector assigns the order.
    console.go(&format!("#/orders/{order_id}")).await;
    text_with(&console.browser, "#order-status", "dispatching").await;
    reassign(&console, &veteran.id).await;
    text_with(&console.browser, "#order-status", "assigned").await;
    let order = app
        .gql(
            Some(&operator.access),
            "query($id: ID!) { pickupOrder(id: $id) { status collector { id } } }",
            json!({"id": order_id}),
        )
        .await;
    assert_eq!(
        order["data"]["pickupOrder"]["status"], "ASSIGNED",
        "{order}"
    );
    assert_eq!(
        order["data"]["pickupOrder"]["collector"]["id"],
        veteran.id.as_str()
    );
    assert!(
        console
            .browser
            .find(Locator::Css("#reassign-form .error li"))
            .await
            .is_err(),
        "the earlier error is gone"
    );
    console.close().await;
}

//! Following an order past the doorstep and setting up where it goes: an order's page
//! shows its custody items with a valid chain, cancelling a completed order shows the
//! API's refusal, and a facility created from the form shows its invite code.

use serde_json::json;

use super::Console;
use crate::custody::fixtures::collected_order;
use crate::helpers::browser::{element, text_with};
use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn a_browser_console_shows_a_valid_custody_chain_and_creates_a_facility() {
    let app = spawn_app().await;
    let Some(console) = Console::open(&app.address, 1280, 800).await else {
        return;
    };
    let collected = collected_order(&app).await;
    console.sign_in(&collected.operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;

    console
        .go(&format!("#/orders/{}", collected.order_id))
        .await;
    text_with(&console.browser, "#order-status", "completed").await;
    text_with(&console.browser, "#chain-badge", "chain valid").await;
    let items = text_with(&console.browser, "#custody-h ~ .table-wrap", "valid").await;
    assert!(items.contains("with collector"), "{items}");

    // A completed order cannot be cancelled: the API's INVALID_STATE is shown.
    let reason = element(&console.browser, "#cancel-form input[name=reason]").await;
    reason
        .send_keys("customer changed their mind")
        .await
        .expect("type");
    console.click("#cancel-form button[type=submit]").await;
    text_with(&console.browser, "#cancel-form .error", "INVALID_STATE").await;

    console.go("#/facilities").await;
    let form = "#create-facility";
    for (name, value) in [
        ("name", "Pudong Battery Works"),
        ("permit", "HW-310115-0999"),
        ("line1", "1 Jinke Road"),
        ("city", "Shanghai"),
        ("lat", "31.2"),
        ("lon", "121.6"),
    ] {
        element(&console.browser, &format!("{form} input[name={name}]"))
            .await
            .send_keys(value)
            .await
            .expect("type");
    }
    console
        .click(&format!("{form} input[name=category][value=LAPTOP]"))
        .await;
    console
        .click(&format!(
            "{form} input[name=certification][value=DATA_DESTRUCTION]"
        ))
        .await;
    console.click(&format!("{form} button[type=submit]")).await;
    let created = text_with(&console.browser, &format!("{form} .ok"), "invite code").await;
    let listed = app
        .gql(
            Some(&collected.operator.access),
            "{ facilities(first: 10) { nodes { name inviteCode acceptedCategories } } }",
            json!({}),
        )
        .await;
    let facility = &listed["data"]["facilities"]["nodes"][0];
    assert_eq!(facility["name"], "Pudong Battery Works", "{listed}");
    assert_eq!(facility["acceptedCategories"], json!(["LAPTOP"]));
    let code = facility["inviteCode"].as_str().expect("an invite code");
    assert!(created.contains(code), "{created}");
    text_with(&console.browser, "#facilities", code).await;
    console.close().await;
}

//! The orders list's filters, each answered by the API: by state, by service area, and by
//! the day the window starts, narrowing the list on the page.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::Console;
use crate::dispatch::fixtures::book_light;
use crate::fixtures::{booking_input, light_quote, window, window_on};
use crate::helpers::browser::{PAGE_PATIENCE, text_with};
use crate::helpers::{Account, PASSWORD, TestApp, eventually, spawn_app};

/// The centre of the demo's Beijing area.
const BEIJING: (f64, f64) = (39.9042, 116.4074);

/// Books light items for `customer` at `at` in `window`; the order id.
async fn book_at(
    app: &TestApp,
    customer: &Account,
    at: (f64, f64),
    city: &str,
    window: Value,
) -> String {
    let quote = light_quote(app, customer).await;
    let mut input = booking_input(&quote, window);
    input["address"]["city"] = json!(city);
    input["address"]["location"] = json!({"latitude": at.0, "longitude": at.1});
    let booked = app
        .gql(
            Some(&customer.access),
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id } }",
            json!({"input": input}),
        )
        .await;
    booked["data"]["bookPickup"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("booking: {booked}"))
        .to_owned()
}

/// Waits until the list shows exactly the orders `expected`.
async fn shows(console: &Console, expected: &[&String], what: &str) {
    let expected: BTreeSet<String> = expected.iter().map(|s| (*s).clone()).collect();
    eventually(PAGE_PATIENCE, what, || {
        let expected = expected.clone();
        async move {
            let ids: Value = console
                .browser
                .execute(
                    "return [...document.querySelectorAll('#orders tr[data-order-id]')].map(r => r.dataset.orderId)",
                    vec![],
                )
                .await
                .ok()?;
            let shown: BTreeSet<String> = ids
                .as_array()?
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            (shown == expected).then_some(())
        }
    })
    .await;
}

/// Picks `value` in the filter form's `name` select.
async fn pick(console: &Console, name: &str, value: &str) {
    console
        .click(&format!(
            "form.filters select[name={name}] option[value='{value}']"
        ))
        .await;
}

#[tokio::test]
async fn a_browser_console_narrows_the_orders_by_state_area_and_date() {
    let app = spawn_app().await;
    let Some(console) = Console::open(&app.address, 1280, 800).await else {
        return;
    };
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let shanghai_soon = book_light(&app, &customer, 2).await;
    let shanghai_later = book_at(
        &app,
        &customer,
        (31.2304, 121.4737),
        "Shanghai",
        window_on(3, 6),
    )
    .await;
    let beijing = book_at(&app, &customer, BEIJING, "Beijing", window(4)).await;
    let cancelled = app
        .gql(
            Some(&customer.access),
            "mutation($id: ID!) { cancelPickup(orderId: $id, reason: \"moved house\") { status } }",
            json!({"id": beijing}),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelPickup"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let areas = app
        .gql(
            Some(&operator.access),
            "{ serviceAreas { id name } }",
            json!({}),
        )
        .await;
    let shanghai_area = areas["data"]["serviceAreas"]
        .as_array()
        .and_then(|all| all.iter().find(|a| a["name"] == "Shanghai Central"))
        .and_then(|a| a["id"].as_str())
        .expect("the Shanghai area")
        .to_owned();

    console.sign_in(&operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;
    console.go("#/orders").await;
    shows(
        &console,
        &[&shanghai_soon, &shanghai_later, &beijing],
        "every order",
    )
    .await;

    // State.
    pick(&console, "status", "CANCELLED").await;
    console.click("form.filters button[type=submit]").await;
    shows(&console, &[&beijing], "the cancelled order only").await;

    // Area (any state).
    pick(&console, "status", "").await;
    text_with(
        &console.browser,
        "form.filters select[name=area]",
        "Shanghai Central",
    )
    .await;
    pick(&console, "area", &shanghai_area).await;
    console.click("form.filters button[type=submit]").await;
    shows(
        &console,
        &[&shanghai_soon, &shanghai_later],
        "the Shanghai orders",
    )
    .await;
    let hash: Value = console
        .browser
        .execute("return location.hash", vec![])
        .await
        .expect("the address");
    assert!(
        hash.as_str()
            .is_some_and(|h| h.contains(&format!("area={shanghai_area}"))),
        "{hash}"
    );

    // Dates (in the browser's zone): the later window's day only, still in Shanghai.
    let start = window_on(3, 6)["start"].clone();
    console
        .browser
        .execute(
            "const day = new Date(arguments[0]).toLocaleDateString('en-CA');
             for (const name of ['from', 'to']) document.querySelector(`form.filters input[name=${name}]`).value = day;",
            vec![start],
        )
        .await
        .expect("set the dates");
    console.click("form.filters button[type=submit]").await;
    shows(&console, &[&shanghai_later], "the later Shanghai order").await;
    let caption = text_with(&console.browser, "#orders caption", "Shanghai Central").await;
    assert!(caption.starts_with("1 orders"), "{caption}");
    console.close().await;
}

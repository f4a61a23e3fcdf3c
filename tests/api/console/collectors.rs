//! Collectors in the console: a collector's page (linked from the list) shows their
//! acceptance rate and current work with links to the orders, and the board's map shows
//! the collectors online in its area as they come and go, without a reload.

use serde_json::Value;

use super::Console;
use crate::dispatch::fixtures::{
    accepted_order, book_light, decline, go_online, go_online_at, only_offer,
};
use crate::fixtures::verified_collector;
use crate::helpers::browser::PAGE_PATIENCE;
use crate::helpers::browser::{element, text_with};
use crate::helpers::{PASSWORD, eventually, spawn_app};
use fantoccini::Locator;

#[tokio::test]
async fn a_browser_console_shows_a_collectors_acceptance_rate_and_current_work() {
    let app = spawn_app().await;
    let Some(console) = Console::open(&app.address, 768, 1024).await else {
        return;
    };
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.5).await;
    let held = accepted_order(&app, &customer, &collector, 2).await;
    book_light(&app, &customer, 6).await;
    let offer = only_offer(&app, &collector).await;
    let refused = decline(&app, &collector, offer["id"].as_str().expect("id")).await;
    assert!(refused["errors"].is_null(), "{refused}");

    console.sign_in(&operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;
    console.go("#/collectors").await;
    console
        .click(&format!(
            "tr[data-collector-id='{}'] a.collector-link",
            collector.id
        ))
        .await;
    let rate = text_with(&console.browser, "#acceptance-rate", "50 %").await;
    assert!(rate.contains("1 accepted of 2"), "{rate}");
    text_with(&console.browser, "#collector-status", "available").await;
    text_with(&console.browser, "#work-h", "Current work (1)").await;
    console.assert_fits("a collector at 768×1024").await;

    // The current work links to the order.
    console
        .click(&format!("tr[data-order-id='{held}'] a"))
        .await;
    text_with(&console.browser, "#order-status", "assigned").await;
    console.close().await;
}

#[tokio::test]
async fn a_browser_console_shows_online_collectors_on_the_boards_map_live() {
    let app = spawn_app().await;
    let Some(console) = Console::open(&app.address, 1280, 800).await else {
        return;
    };
    let operator = app.operator().await;
    let early = verified_collector(&app, &operator).await;
    let late = verified_collector(&app, &operator).await;
    go_online(&app, &early, 1.0).await;

    console.sign_in(&operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;
    element(&console.browser, "#live[data-status=live]").await;
    // The map shows the first area by name until told otherwise: choose Shanghai.
    let shanghai = element(
        &console.browser,
        "#map-h ~ .field select option:nth-child(4)",
    )
    .await;
    assert_eq!(
        shanghai.text().await.expect("text"),
        "Shanghai Central (Shanghai)"
    );
    shanghai.click().await.expect("choose Shanghai");
    element(&console.browser, "#map svg.map").await;

    // Online before the page was opened: read with onlineCollectors.
    let marker = |id: &str| format!("#map svg.map path.map-online[data-online-collector='{id}']");
    element(&console.browser, &marker(&early.id)).await;
    text_with(&console.browser, ".legend", "collector online, free").await;

    // Coming online now: arrives over collectorPositions, without a reload.
    console
        .browser
        .execute("window.reloopMark = 'unchanged page'", vec![])
        .await
        .expect("mark the page");
    go_online_at(&app, &late, (31.25, 121.49)).await;
    element(&console.browser, &marker(&late.id)).await;

    // Going offline takes them off the map.
    let offline = app
        .gql(
            Some(&early.account.access),
            "mutation { setAvailability(online: false) { status } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        offline["data"]["setAvailability"]["status"], "OFFLINE",
        "{offline}"
    );
    eventually(
        PAGE_PATIENCE,
        "the offline collector to leave the map",
        || async {
            console
                .browser
                .find(Locator::Css(&marker(&early.id)))
                .await
                .is_err()
                .then_some(())
        },
    )
    .await;
    element(&console.browser, &marker(&late.id)).await;
    let mark: Value = console
        .browser
        .execute("return window.reloopMark", vec![])
        .await
        .expect("read the mark");
    assert_eq!(mark, "unchanged page", "the board was not reloaded");
    console.close().await;
}

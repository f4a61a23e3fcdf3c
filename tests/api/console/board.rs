//! Signing in to the console and watching the dispatch board: a household is told the
//! console is for operators; an operator sees the board, and a booking made meanwhile
//! appears on it (table and map, drawn without tiles by default) without the page being
//! reloaded; signing out revokes the refresh token.

use serde_json::{Value, json};

use super::Console;
use crate::fixtures::{book_quote, light_quote, window};
use crate::helpers::browser::{element, loaded_urls, text_with};
use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn a_browser_console_signs_in_and_sees_a_booking_arrive_on_the_board_live() {
    let app = spawn_app().await;
    let Some(console) = Console::open(&app.address, 1280, 800).await else {
        return;
    };
    let operator = app.operator().await;
    let household = app.register("HOUSEHOLD").await;

    console.sign_in(&household.email, PASSWORD).await;
    let refused = text_with(&console.browser, "#sign-in .error", "for operators").await;
    assert!(refused.contains("NOT_AN_OPERATOR"), "{refused}");

    console.sign_in(&operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;
    element(&console.browser, "#counts [data-status=DISPATCHING]").await;
    // The subscriptions' socket is up (operators hear of overdue compliance tasks here).
    element(&console.browser, "#live[data-status=live]").await;
    // A mark on this page: a reload would wipe it.
    console
        .browser
        .execute("window.reloopMark = 'unchanged page'", vec![])
        .await
        .expect("mark the page");

    let quote = light_quote(&app, &household).await;
    let order = book_quote(&app, &household, &quote, window(10), "id number").await;
    let number = order["number"].as_str().expect("number");
    let row = text_with(
        &console.browser,
        "#dispatching-h + .table-wrap table",
        number,
    )
    .await;
    assert!(row.contains("Shanghai"), "{row}");
    element(
        &console.browser,
        &format!("#map svg.map circle[data-order='{number}']"),
    )
    .await;
    // No tiles unless configured (console/tiles.rs): the map is drawn from coordinates.
    let tiled: Value = console
        .browser
        .execute(
            "const map = document.querySelector('#map svg.map'); \
             return [map.querySelectorAll('image').length, map.classList.contains('tiled'), \
                     map.querySelectorAll('.map-attribution').length]",
            vec![],
        )
        .await
        .expect("read the map");
    assert_eq!(tiled, json!([0, false, 0]), "a map without tiles");
    let count = text_with(&console.browser, "#counts [data-status=DISPATCHING]", "1").await;
    assert_eq!(count, "1");
    console.assert_fits("the board at 1280×800").await;
    let mark: Value = console
        .browser
        .execute("return window.reloopMark", vec![])
        .await
        .expect("read the mark");
    assert_eq!(mark, "unchanged page", "the board was not reloaded");
    let urls = loaded_urls(&console.browser).await;
    assert!(
        urls.iter().all(|u| u.starts_with(&console.url("/"))),
        "only this server: {urls:?}"
    );

    // Signing out revokes the refresh token the page held.
    let refresh: Value = console
        .browser
        .execute(
            "return sessionStorage.getItem('reloop.console.refresh')",
            vec![],
        )
        .await
        .expect("read the refresh token");
    let refresh = refresh.as_str().expect("a refresh token").to_owned();
    console.click("#sign-out").await;
    element(&console.browser, "form#sign-in").await;
    let reuse = app
        .gql(
            None,
            "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
            json!({"t": refresh}),
        )
        .await;
    assert_eq!(
        reuse["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{reuse}"
    );
    console.close().await;
}

//! Subscriptions over `graphql-transport-ws`: authentication in `connection_init`,
//! protocol close codes, and events fed from pub/sub.

use serde_json::json;

use crate::helpers::metrics::{metrics_text, open_subscriptions, open_subscriptions_for};
use crate::helpers::{PATIENCE, TestApp, WsEvent, eventually, spawn_app, spawn_app_with};

/// The `/metrics` line of the open-subscriptions gauge for `field`.
async fn open_gauge(app: &TestApp, field: &str) -> Option<String> {
    open_subscriptions_for(&metrics_text(&app.http, &app.address).await, field)
}

const ACCOUNT_EVENTS: &str = "subscription { accountEvents { kind at } }";

#[tokio::test]
async fn a_signed_in_socket_receives_its_account_events() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let mut ws = app.ws_signed_in(&user).await;
    ws.subscribe("1", ACCOUNT_EVENTS).await;

    let out = app
        .gql(
            None,
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({"t": user.refresh}),
        )
        .await;
    assert_eq!(out["data"]["logout"], true);
    let data = ws.next_data().await;
    assert_eq!(data["accountEvents"]["kind"], "SIGNED_OUT");
}

#[tokio::test]
async fn open_subscriptions_are_counted_until_their_socket_closes() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let mut ws = app.ws_signed_in(&user).await;
    ws.subscribe("1", ACCOUNT_EVENTS).await;
    assert_eq!(
        open_gauge(&app, "accountEvents").await.as_deref(),
        Some("1")
    );

    drop(ws);
    eventually(
        PATIENCE,
        "the count to drop once its socket closed",
        || async {
            (open_gauge(&app, "accountEvents").await.as_deref() == Some("0")).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn another_users_events_are_not_delivered() {
    let app = spawn_app().await;
    let watcher = app.register("HOUSEHOLD").await;
    let other = app.register("HOUSEHOLD").await;
    let mut ws = app.ws_signed_in(&watcher).await;
    ws.subscribe("1", ACCOUNT_EVENTS).await;
    app.gql(
        None,
        "mutation($t: String!) { logout(refreshToken: $t) }",
        json!({"t": other.refresh}),
    )
    .await;
    app.gql(
        None,
        "mutation($t: String!) { logout(refreshToken: $t) }",
        json!({"t": watcher.refresh}),
    )
    .await;
    // The first event that arrives is the watcher's own.
    let data = ws.next_data().await;
    assert_eq!(data["accountEvents"]["kind"], "SIGNED_OUT");
}

#[tokio::test]
async fn an_anonymous_socket_cannot_subscribe_to_account_events() {
    let app = spawn_app().await;
    let mut ws = app.ws_connect(json!({})).await;
    ws.expect_ack().await;
    ws.send_subscribe("1", ACCOUNT_EVENTS).await;
    match ws.next().await {
        WsEvent::Json(msg) => {
            // An execution error travels in a `next` payload, as the protocol defines.
            assert_eq!(msg["type"], "next", "{msg}");
            assert_eq!(
                msg["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
                "{msg}"
            );
        }
        other => panic!("expected an error message, got {other:?}"),
    }
}

#[tokio::test]
async fn an_invalid_token_in_connection_init_closes_with_4403() {
    let app = spawn_app().await;
    let mut ws = app
        .ws_connect(json!({"authorization": "Bearer not-a-token"}))
        .await;
    match ws.next().await {
        WsEvent::Closed(code) => assert_eq!(code, 4403),
        other => panic!("expected a close, got {other:?}"),
    }
}

#[tokio::test]
async fn subscribing_before_connection_init_closes_with_4401() {
    let app = spawn_app().await;
    let mut ws = app.ws_open().await;
    ws.send_subscribe("1", ACCOUNT_EVENTS).await;
    match ws.next().await {
        WsEvent::Closed(code) => assert_eq!(code, 4401),
        other => panic!("expected a close, got {other:?}"),
    }
}

#[tokio::test]
async fn a_malformed_message_closes_with_4400() {
    let app = spawn_app().await;
    let mut ws = app.ws_connect(json!({})).await;
    ws.expect_ack().await;
    ws.send_raw("{\"type\":\"bogus\"}").await;
    match ws.next().await {
        WsEvent::Closed(code) => assert_eq!(code, 4400),
        other => panic!("expected a close, got {other:?}"),
    }
}

#[tokio::test]
async fn a_socket_holds_a_bounded_number_of_subscriptions() {
    let app = spawn_app_with(|c| c.graphql.max_subscriptions_per_socket = 2).await;
    let user = app.register("HOUSEHOLD").await;
    let mut ws = app.ws_signed_in(&user).await;
    ws.subscribe("1", ACCOUNT_EVENTS).await;
    ws.subscribe("2", ACCOUNT_EVENTS).await;

    ws.send_subscribe("3", ACCOUNT_EVENTS).await;
    match ws.next().await {
        WsEvent::Json(message) => {
            assert_eq!(message["type"], "error", "{message}");
            assert_eq!(message["id"], "3");
            assert_eq!(
                message["payload"][0]["extensions"]["code"], "RATE_LIMITED",
                "{message}"
            );
        }
        other => panic!("expected an error message, got {other:?}"),
    }

    // Completing one makes room again.
    ws.send_raw(r#"{"type":"complete","id":"1"}"#).await;
    eventually(PATIENCE, "1 to complete", || async {
        (open_subscriptions(&app.http, &app.address).await == 1).then_some(())
    })
    .await;
    ws.subscribe("3", ACCOUNT_EVENTS).await;
}

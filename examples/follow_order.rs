//! Follows one pickup order live over WebSocket (`graphql-transport-ws`): prints a line each
//! time its status changes and exits when the order reaches a final state (COMPLETED,
//! CANCELLED, FAILED, UNFULFILLED). A small stand-in for websocat in the household
//! walk-through (docs/walkthroughs.md):
//!
//! ```sh
//! RELOOP=http://127.0.0.1:8080 TOKEN=<access token> cargo run -q --example follow_order -- <order id>
//! ```
//!
//! A subscription hears only the changes made after the server starts listening, and the
//! protocol does not say when that is; so after subscribing the follower reads the order once
//! over HTTP, and again after 5 s without news, as an app does after (re)connecting. Lines
//! are printed once per version, whichever way the news came.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// What the follower asks for, over WebSocket and HTTP alike.
const FIELDS: &str = "number status version collector { displayName }";
/// Statuses after which nothing more happens to an order.
const FINAL: &[&str] = &["COMPLETED", "CANCELLED", "FAILED", "UNFULFILLED"];
/// How long without news before reading the order again over HTTP.
const QUIET: Duration = Duration::from_secs(5);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let order_id = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: follow_order ORDER_ID (with RELOOP and TOKEN)"))?;
    let base = std::env::var("RELOOP").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("TOKEN")
        .map_err(|_| anyhow::anyhow!("TOKEN must hold the customer's access token"))?;
    let mut socket = subscribe(&base, &token, &order_id).await?;
    let http = reqwest::Client::new();
    let mut last_version = 0;
    let mut order = fetch(&http, &base, &token, &order_id).await?;
    loop {
        if report(&order, &mut last_version) {
            return Ok(());
        }
        order = match tokio::time::timeout(QUIET, next_update(&mut socket)).await {
            Ok(update) => update?,
            Err(_quiet) => fetch(&http, &base, &token, &order_id).await?,
        };
    }
}

/// Opens the socket, signs in and subscribes to `orderUpdated`.
async fn subscribe(base: &str, token: &str, order_id: &str) -> anyhow::Result<Socket> {
    let url = base.replacen("http", "ws", 1) + "/graphql";
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let init =
        json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}});
    socket.send(Message::text(init.to_string())).await?;
    let ack = next_message(&mut socket).await?;
    anyhow::ensure!(ack["type"] == "connection_ack", "not acknowledged: {ack}");
    let subscribe = json!({"id": "1", "type": "subscribe", "payload": {
        "query": format!("subscription($id: ID!) {{ orderUpdated(orderId: $id) {{ {FIELDS} }} }}"),
        "variables": {"id": order_id},
    }});
    socket.send(Message::text(subscribe.to_string())).await?;
    Ok(socket)
}

/// The order from the next `next` message.
async fn next_update(socket: &mut Socket) -> anyhow::Result<Value> {
    let message = next_message(socket).await?;
    anyhow::ensure!(
        message["type"] == "next" && message["payload"]["errors"].is_null(),
        "the subscription ended: {message}"
    );
    Ok(message["payload"]["data"]["orderUpdated"].clone())
}

/// The next JSON message, answering the server's pings on the way.
async fn next_message(socket: &mut Socket) -> anyhow::Result<Value> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                let message: Value = serde_json::from_str(&text)?;
                if message["type"] == "ping" {
                    socket
                        .send(Message::text(json!({"type": "pong"}).to_string()))
                        .await?;
                    continue;
                }
                return Ok(message);
            }
            Some(Ok(Message::Close(frame))) => anyhow::bail!("the server closed: {frame:?}"),
            Some(Ok(_)) => continue,
            Some(Err(err)) => return Err(err.into()),
            None => anyhow::bail!("the connection dropped"),
        }
    }
}

/// The order as it is now, over HTTP.
async fn fetch(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    order_id: &str,
) -> anyhow::Result<Value> {
    let answer: Value = http
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({
            "query": format!("query($id: ID!) {{ pickupOrder(id: $id) {{ {FIELDS} }} }}"),
            "variables": {"id": order_id},
        }))
        .send()
        .await?
        .json()
        .await?;
    let order = answer["data"]["pickupOrder"].clone();
    anyhow::ensure!(order.is_object(), "cannot read the order: {answer}");
    Ok(order)
}

/// Prints `order` if it is newer than what was printed; whether it is final.
fn report(order: &Value, last_version: &mut i64) -> bool {
    let version = order["version"].as_i64().unwrap_or(0);
    let status = order["status"].as_str().unwrap_or("?");
    if version > *last_version {
        *last_version = version;
        let collector = order["collector"]["displayName"].as_str();
        let by = collector.map(|name| format!(" (collector: {name})"));
        println!(
            "{} {status}{}",
            order["number"].as_str().unwrap_or("?"),
            by.unwrap_or_default()
        );
    }
    FINAL.contains(&status)
}

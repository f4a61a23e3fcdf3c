//! The suite's one `graphql-transport-ws` client, for the in-process app
//! ([`super::TestApp`]) and for server processes ([`crate::procs::Server`]) alike: one
//! timeout, one way to subscribe (returning once the server listens) and one way to
//! read what comes next.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::metrics::open_subscriptions;
use super::wait::{PATIENCE, eventually};

/// A `graphql-transport-ws` client connected to one server.
pub struct WsClient {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    /// `http://127.0.0.1:PORT` of the same server, whose `/metrics` tells when a
    /// subscription listens.
    address: String,
    http: reqwest::Client,
}

/// What the server sent next.
#[derive(Debug)]
pub enum WsEvent {
    /// A JSON message.
    Json(Value),
    /// The server closed with this code (1006: the connection dropped).
    Closed(u16),
}

impl WsClient {
    /// Opens a socket to the server at `address` (`http://127.0.0.1:PORT`) without
    /// initialising it; checks the server agreed to `graphql-transport-ws`.
    pub async fn open(address: &str) -> Self {
        let ws_url = address.replacen("http://", "ws://", 1) + "/graphql";
        let mut request = ws_url.into_client_request().expect("ws request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("ws connect");
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .map(|v| v.to_str().unwrap_or("")),
            Some("graphql-transport-ws")
        );
        Self {
            socket,
            address: address.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// Opens a socket and sends `connection_init` with `payload` (not yet acknowledged).
    pub async fn connect(address: &str, payload: Value) -> Self {
        let mut client = Self::open(address).await;
        client
            .send(json!({"type": "connection_init", "payload": payload}))
            .await;
        client
    }

    /// A socket initialised with the bearer `token` and acknowledged.
    pub async fn signed_in(address: &str, token: &str) -> Self {
        let mut client =
            Self::connect(address, json!({"authorization": format!("Bearer {token}")})).await;
        client.expect_ack().await;
        client
    }

    /// The next message or close, within [`PATIENCE`]; the server's pings are answered
    /// on the way.
    pub async fn next(&mut self) -> WsEvent {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("a WebSocket message within {PATIENCE:?}"));
            match frame {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(&text).expect("a JSON message");
                    if message["type"] == "ping" {
                        self.send(json!({"type": "pong"})).await;
                        continue;
                    }
                    return WsEvent::Json(message);
                }
                Some(Ok(Message::Close(frame))) => {
                    return WsEvent::Closed(frame.map_or(1005, |f| u16::from(f.code)));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return WsEvent::Closed(1006),
            }
        }
    }

    /// The next JSON message, failing if the socket closes instead.
    pub async fn next_json(&mut self) -> Value {
        match self.next().await {
            WsEvent::Json(message) => message,
            WsEvent::Closed(code) => panic!("the socket closed ({code}) instead of a message"),
        }
    }

    /// The next `next` message's `data`, failing on anything else (errors included).
    pub async fn next_data(&mut self) -> Value {
        let message = self.next_json().await;
        assert_eq!(
            message["type"], "next",
            "expected a next message: {message}"
        );
        assert!(message["payload"]["errors"].is_null(), "{message}");
        message["payload"]["data"].clone()
    }

    /// Expects `connection_ack`.
    pub async fn expect_ack(&mut self) {
        let message = self.next_json().await;
        assert_eq!(message["type"], "connection_ack", "{message}");
    }

    /// Subscribes to `query` as `id` and returns once the server listens for its events
    /// (its open-subscriptions gauge went up), so an event caused next reaches it.
    pub async fn subscribe(&mut self, id: &str, query: &str) {
        let before = open_subscriptions(&self.http, &self.address).await;
        self.send_subscribe(id, query).await;
        let (http, address) = (&self.http, self.address.as_str());
        eventually(
            PATIENCE,
            &format!("the subscription to open: {query}"),
            || async move { (open_subscriptions(http, address).await > before).then_some(()) },
        )
        .await;
    }

    /// Sends `subscribe` for `query` as `id` without waiting: for subscriptions the server
    /// refuses, and protocol errors, where there is no listening to wait for.
    pub async fn send_subscribe(&mut self, id: &str, query: &str) {
        self.send(json!({"id": id, "type": "subscribe", "payload": {"query": query}}))
            .await;
    }

    /// Sends a raw text frame.
    pub async fn send_raw(&mut self, text: &str) {
        self.socket
            .send(Message::text(text.to_owned()))
            .await
            .expect("ws send");
    }

    async fn send(&mut self, message: Value) {
        self.send_raw(&message.to_string()).await;
    }
}

//! At least once across a crash: a partner's order changes status (the event and its
//! delivery are committed with the change) while the receiver is down, the server is
//! killed with SIGKILL, a new process starts on the same database, the receiver comes
//! up, and the event arrives with the `webhook-id` recorded before the kill. Runs on
//! PostgreSQL (+ Redis) when the run has them, else on a SQLite file in the data folder.

use std::time::Duration;

use serde_json::{Value, json};

use super::fixtures::{ALL_SCOPES, QUOTE, Receiver, closed_port, partner_booking_input};
use crate::helpers::eventually;
use crate::procs::{Deployment, Server, text_at};

const DELIVERIES: &str =
    "{ webhookDeliveries(first: 10) { nodes { id messageId status attempts } } }";

/// A partner's key (every scope), issued on `server` by the operator `email`.
async fn crash_partner_key(server: &Server, email: &str) -> String {
    let operator = server.login(email).await;
    server
        .partner_key(&operator.access, "crash", ALL_SCOPES)
        .await
}

/// Registers an ORDER_STATUS_CHANGED endpoint at `port` on loopback (where nothing listens
/// yet); returns its signing secret.
async fn register_down_receiver(server: &Server, key: &str, port: u16) -> String {
    let registered = server
        .gql_with_key(key,
            "mutation($u: String!) { registerWebhook(url: $u, events: [ORDER_STATUS_CHANGED]) { signingSecret } }",
            json!({"u": format!("http://127.0.0.1:{port}/hooks")}),
        )
        .await;
    text_at(&registered, &["registerWebhook", "signingSecret"])
}

/// Quotes and books with `key`; returns the order id.
async fn partner_booking(server: &Server, key: &str) -> String {
    let quote = server.gql_with_key(key, QUOTE, json!({})).await;
    let quote_id = text_at(&quote, &["requestQuote", "id"]);
    let booked = server
        .gql_with_key(
            key,
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id status } }",
            json!({"input": partner_booking_input(&quote_id, 2, "CRASH-1")}),
        )
        .await;
    text_at(&booked, &["bookPickup", "id"])
}

/// The `webhook-id` of the partner's only delivery, which is not delivered yet.
async fn pending_message_id(server: &Server, key: &str) -> String {
    let before = server.gql_with_key(key, DELIVERIES, json!({})).await;
    let nodes = before["data"]["webhookDeliveries"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("webhookDeliveries: {before}"))
        .clone();
    assert_eq!(nodes.len(), 1, "{before}");
    assert_ne!(nodes[0]["status"], "DELIVERED", "{before}");
    nodes[0]["messageId"]
        .as_str()
        .expect("messageId")
        .to_owned()
}

/// Waits until the partner's delivery shows DELIVERED; the deliveries then.
async fn delivered(server: &Server, key: &str) -> Value {
    eventually(
        Duration::from_secs(30),
        "the delivery DELIVERED",
        || async {
            let response = server.gql_with_key(key, DELIVERIES, json!({})).await;
            let nodes = response["data"]["webhookDeliveries"]["nodes"].clone();
            (nodes[0]["status"] == "DELIVERED").then_some(nodes)
        },
    )
    .await
}

#[tokio::test]
async fn an_event_committed_before_a_kill_is_delivered_by_the_next_process() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let deployment = Deployment::from_env(vec![
        ("RELOOP_WEBHOOK_ALLOW_PRIVATE", "true".to_owned()),
        ("RELOOP_WEBHOOK_RETRY_BASE_MS", "100".to_owned()),
    ])
    .await;
    let email = deployment.create_operator(data_dir.path()).await;
    let mut first = deployment.start(data_dir.path()).await;
    let key = crash_partner_key(&first, &email).await;
    // The receiver is down: nothing listens on its port yet.
    let receiver_port = closed_port();
    let secret = register_down_receiver(&first, &key, receiver_port).await;
    let order_id = partner_booking(&first, &key).await;
    // The change committed its event and delivery; note the webhook-id, then crash.
    let message_id = pending_message_id(&first, &key).await;
    first.kill().await;

    let second = deployment.start(data_dir.path()).await;
    let receiver = Receiver::start_on(receiver_port, &[]).await;
    // A send cut off by the kill leaves a lease (timeout + 15 s) to run out first.
    let arrived = eventually(
        Duration::from_secs(90),
        "the event after the restart",
        || {
            let found = receiver.received().into_iter().find(|r| r.id == message_id);
            async move { found }
        },
    )
    .await;
    assert!(arrived.verifies(&secret), "{arrived:?}");
    let body = arrived.json();
    assert_eq!(body["data"]["orderId"], order_id.as_str(), "{body}");
    assert_eq!(body["data"]["toStatus"], "DISPATCHING", "{body}");

    let after = delivered(&second, &key).await;
    assert_eq!(after.as_array().map(Vec::len), Some(1), "{after}");
    assert_eq!(after[0]["messageId"], arrived.id.as_str());
    drop(second);
}

//! At least once across a crash: a partner's order changes status (the event and its
//! delivery are committed with the change) while the receiver is down, the server is
//! killed with SIGKILL, a new process starts on the same database, the receiver comes
//! up, and the event arrives with the `webhook-id` recorded before the kill. Runs on
//! PostgreSQL (+ Redis) when the run has them, else on a SQLite file in the data folder.

use std::time::Duration;

use serde_json::json;

use super::fixtures::{ALL_SCOPES, ISSUE_KEY, QUOTE, Receiver, closed_port, partner_booking_input};
use crate::helpers::{LOGIN, PASSWORD, eventually};
use crate::procs::Deployment;

const DELIVERIES: &str =
    "{ webhookDeliveries(first: 10) { nodes { id messageId status attempts } } }";

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

    let login = first
        .gql(None, LOGIN, json!({"email": email, "password": PASSWORD}))
        .await;
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("login: {login}"))
        .to_owned();
    let created = first
        .gql(
            Some(&token),
            "mutation { createPartner(name: \"Crash Partner\") { id } }",
            json!({}),
        )
        .await;
    let partner_id = created["data"]["createPartner"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createPartner: {created}"))
        .to_owned();
    let issued = first
        .gql(
            Some(&token),
            ISSUE_KEY,
            json!({"p": partner_id, "n": "crash", "s": ALL_SCOPES}),
        )
        .await;
    let key = issued["data"]["issueApiKey"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("issueApiKey: {issued}"))
        .to_owned();

    // The receiver is down: nothing listens on its port yet.
    let receiver_port = closed_port();
    let registered = first
        .gql_with_key(&key,
            "mutation($u: String!) { registerWebhook(url: $u, events: [ORDER_STATUS_CHANGED]) { signingSecret } }",
            json!({"u": format!("http://127.0.0.1:{receiver_port}/hooks")}),
        )
        .await;
    let secret = registered["data"]["registerWebhook"]["signingSecret"]
        .as_str()
        .unwrap_or_else(|| panic!("registerWebhook: {registered}"))
        .to_owned();

    let quote = first.gql_with_key(&key, QUOTE, json!({})).await;
    let quote_id = quote["data"]["requestQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("quote: {quote}"))
        .to_owned();
    let booked = first
        .gql_with_key(
            &key,
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id status } }",
            json!({"input": partner_booking_input(&quote_id, 2, "CRASH-1")}),
        )
        .await;
    let order_id = booked["data"]["bookPickup"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("bookPickup: {booked}"))
        .to_owned();
    // The change committed its event and delivery; note the webhook-id, then crash.
    let before = first.gql_with_key(&key, DELIVERIES, json!({})).await;
    let nodes = before["data"]["webhookDeliveries"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("webhookDeliveries: {before}"))
        .clone();
    assert_eq!(nodes.len(), 1, "{before}");
    assert_ne!(nodes[0]["status"], "DELIVERED", "{before}");
    let message_id = nodes[0]["messageId"]
        .as_str()
        .expect("messageId")
        .to_owned();
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

    let after = eventually(
        Duration::from_secs(30),
        "the delivery DELIVERED",
        || async {
            let response = second.gql_with_key(&key, DELIVERIES, json!({})).await;
            let nodes = response["data"]["webhookDeliveries"]["nodes"].clone();
            (nodes[0]["status"] == "DELIVERED").then_some(nodes)
        },
    )
    .await;
    assert_eq!(after.as_array().map(Vec::len), Some(1), "{after}");
    assert_eq!(after[0]["messageId"], arrived.id.as_str());
    drop(second);
}

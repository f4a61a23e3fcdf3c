//! Set-up particular to the partner tests (the shared part is in `crate::fixtures`):
//! partners with keys, requests as a key, partner bookings and a webhook receiver on
//! loopback.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::fixtures::{booking_input, window};
use crate::helpers::{Account, TestApp, spawn_app_with};

pub use super::receiver::{Receiver, closed_port};

/// The order fields the partner tests look at.
pub const ORDER_FIELDS: &str = "id number status version externalReference
    address { line1 city } events { fromStatus toStatus reason }";

/// The delivery fields the tests look at.
pub const DELIVERY_FIELDS: &str = "id webhookId messageId status attempts lastStatusCode lastError createdAt deliveredAt attemptLog { attempt statusCode durationMs error }";

/// An app whose webhook worker may call loopback receivers, retries after 50 ms and
/// polls every 50 ms.
pub async fn webhook_app() -> TestApp {
    spawn_app_with(|c| {
        c.partners.webhook_allow_private = true;
        c.partners.webhook_retry_base = Duration::from_millis(50);
        c.partners.webhook_poll_interval = Duration::from_millis(50);
    })
    .await
}

/// A partner and one of its keys.
#[derive(Clone, Debug)]
pub struct PartnerKey {
    /// The partner id.
    pub partner_id: String,
    /// The key id.
    pub key_id: String,
    /// The secret, sent as `X-Api-Key`.
    pub secret: String,
}

/// The scopes that allow everything.
pub const ALL_SCOPES: &[&str] = &[
    "QUOTES_WRITE",
    "ORDERS_WRITE",
    "ORDERS_READ",
    "WEBHOOKS_MANAGE",
    "BLOCKLIST_WRITE",
];

/// Creates a partner (as `operator`) and returns its id.
pub async fn create_partner(app: &TestApp, operator: &Account) -> String {
    let response = app
        .gql(
            Some(&operator.access),
            "mutation($n: String!) { createPartner(name: $n) { id name rateCapacity rateRefillPerSec } }",
            json!({"n": format!("Partner {}", Uuid::new_v4().simple())}),
        )
        .await;
    response["data"]["createPartner"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createPartner: {response}"))
        .to_owned()
}

/// The `issueApiKey` mutation with the whole answer.
pub const ISSUE_KEY: &str = "mutation($p: ID!, $n: String!, $s: [ApiScope!]!) {
    issueApiKey(partnerId: $p, name: $n, scopes: $s) {
      secret apiKey { id partnerId name prefix scopes createdAt revokedAt } } }";

/// Issues a key with `scopes` for `partner_id`.
pub async fn issue_key(
    app: &TestApp,
    operator: &Account,
    partner_id: &str,
    scopes: &[&str],
) -> PartnerKey {
    let response = app
        .gql(
            Some(&operator.access),
            ISSUE_KEY,
            json!({"p": partner_id, "n": "integration", "s": scopes}),
        )
        .await;
    let issued = &response["data"]["issueApiKey"];
    PartnerKey {
        partner_id: partner_id.to_owned(),
        key_id: issued["apiKey"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("issueApiKey: {response}"))
            .to_owned(),
        secret: issued["secret"]
            .as_str()
            .unwrap_or_else(|| panic!("issueApiKey: {response}"))
            .to_owned(),
    }
}

/// A new partner with a key holding `scopes`.
pub async fn partner(app: &TestApp, operator: &Account, scopes: &[&str]) -> PartnerKey {
    let partner_id = create_partner(app, operator).await;
    issue_key(app, operator, &partner_id, scopes).await
}

/// Two partners, each with a key holding every scope, created by a new operator.
pub async fn two_partners(app: &TestApp) -> (PartnerKey, PartnerKey) {
    let operator = app.operator().await;
    let first = partner(app, &operator, ALL_SCOPES).await;
    let second = partner(app, &operator, ALL_SCOPES).await;
    (first, second)
}

/// Posts a GraphQL request with `X-Api-Key: key`; returns the HTTP status and the body.
pub async fn as_key_status(
    app: &TestApp,
    key: &str,
    query: &str,
    variables: Value,
) -> (u16, Value) {
    let answer = app
        .gql_with_headers(&[("X-Api-Key", key)], query, variables)
        .await;
    (answer.status, answer.body)
}

/// Posts a GraphQL request with `X-Api-Key: key`; returns the body.
pub async fn as_key(app: &TestApp, key: &str, query: &str, variables: Value) -> Value {
    as_key_status(app, key, query, variables).await.1
}

/// The quote request the partner tests send: a laptop and a small appliance by weight.
pub const QUOTE: &str =
    "mutation { requestQuote(input: {items: [{categoryCode: \"LAPTOP\", condition: GOOD},
    {categoryCode: \"SMALL_APPLIANCE\", weightKg: \"4\"}]}) { id total } }";

/// A quote requested with `key`.
pub async fn partner_quote(app: &TestApp, key: &str) -> String {
    let response = as_key(app, key, QUOTE, json!({})).await;
    response["data"]["requestQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("partner quote: {response}"))
        .to_owned()
}

/// The `bookPickup` input of a partner booking for its customer tomorrow at `hour`:00:
/// the shared booking with the partner's contact and its own reference.
pub fn partner_booking_input(quote_id: &str, hour: u32, external_reference: &str) -> Value {
    let mut input = booking_input(quote_id, window(hour));
    input["contactName"] = json!("Zhang Min");
    input["contactPhone"] = json!("+86 139 0000 1111");
    input["notes"] = json!("Booked through a partner");
    input["externalReference"] = json!(external_reference);
    input
}

/// `bookPickup` returning [`ORDER_FIELDS`].
pub fn book_mutation() -> String {
    format!(
        "mutation($input: BookPickupInput!) {{ bookPickup(input: $input) {{ {ORDER_FIELDS} }} }}"
    )
}

/// Books a fresh quote with `key` under `external_reference`; returns the whole answer.
pub async fn try_book(app: &TestApp, key: &str, external_reference: &str) -> Value {
    let quote = partner_quote(app, key).await;
    as_key(
        app,
        key,
        &book_mutation(),
        json!({"input": partner_booking_input(&quote, 2, external_reference)}),
    )
    .await
}

/// Books with `key` and returns the order, failing on errors.
pub async fn book(app: &TestApp, key: &str, external_reference: &str) -> Value {
    let response = try_book(app, key, external_reference).await;
    let order = response["data"]["bookPickup"].clone();
    assert!(order.is_object(), "partner booking failed: {response}");
    order
}

/// Cancels `order_id` with `key`; returns the whole answer.
pub async fn cancel(app: &TestApp, key: &str, order_id: &str) -> Value {
    as_key(
        app,
        key,
        &format!(
            "mutation($id: ID!) {{ cancelPickup(orderId: $id, reason: \"customer changed plans\") {{ {ORDER_FIELDS} }} }}"
        ),
        json!({"id": order_id}),
    )
    .await
}

/// Registers an endpoint for ORDER_STATUS_CHANGED at `url`; returns (id, signing secret).
pub async fn register_webhook(app: &TestApp, key: &str, url: &str) -> (String, String) {
    let response = as_key(
        app,
        key,
        "mutation($u: String!) { registerWebhook(url: $u, events: [ORDER_STATUS_CHANGED], description: \"tests\") {
            signingSecret webhook { id url events description enabled disabledReason createdAt } } }",
        json!({"u": url}),
    )
    .await;
    let registered = &response["data"]["registerWebhook"];
    (
        registered["webhook"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("registerWebhook: {response}"))
            .to_owned(),
        registered["signingSecret"]
            .as_str()
            .unwrap_or_else(|| panic!("registerWebhook: {response}"))
            .to_owned(),
    )
}

/// The partner's deliveries, newest first (at most 100).
pub async fn deliveries(app: &TestApp, key: &str) -> Vec<Value> {
    let response = as_key(
        app,
        key,
        &format!("{{ webhookDeliveries(first: 100) {{ nodes {{ {DELIVERY_FIELDS} }} }} }}"),
        json!({}),
    )
    .await;
    response["data"]["webhookDeliveries"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("webhookDeliveries: {response}"))
        .clone()
}

/// The partner's endpoints.
pub async fn webhooks(app: &TestApp, key: &str) -> Vec<Value> {
    let response = as_key(
        app,
        key,
        "{ webhooks { id url events description enabled disabledReason } }",
        json!({}),
    )
    .await;
    response["data"]["webhooks"]
        .as_array()
        .unwrap_or_else(|| panic!("webhooks: {response}"))
        .clone()
}

/// The HMAC key of a `whsec_…` signing secret.
pub fn signing_key(secret: &str) -> Vec<u8> {
    let b64 = secret
        .strip_prefix("whsec_")
        .unwrap_or_else(|| panic!("not a whsec_ secret: {secret}"));
    STANDARD.decode(b64).expect("base64 after whsec_")
}

//! Webhook endpoints: management by their partner only, paging of deliveries, and the
//! rule that targets are public https URLs.

use serde_json::{Value, json};

use super::fixtures::{
    ALL_SCOPES, PartnerKey, Receiver, as_key, book, partner, register_webhook, two_partners,
    webhook_app, webhooks,
};
use super::webhooks::WAIT;
use crate::helpers::{TestApp, error_code, spawn_app};

/// The owner changes the endpoint's events and description; another partner can neither
/// change nor see it.
async fn assert_only_the_owner_updates(
    app: &TestApp,
    key: &PartnerKey,
    stranger: &PartnerKey,
    webhook_id: &str,
) {
    let updated = as_key(
        app,
        &key.secret,
        "mutation($id: ID!) { updateWebhook(id: $id, events: [ORDER_STATUS_CHANGED, PAYOUT], description: \"prod\") {
            id events description enabled } }",
        json!({"id": webhook_id}),
    )
    .await;
    let hook = &updated["data"]["updateWebhook"];
    assert_eq!(
        hook["events"],
        json!(["ORDER_STATUS_CHANGED", "PAYOUT"]),
        "{updated}"
    );
    assert_eq!(hook["description"], "prod");
    let foreign = as_key(
        app,
        &stranger.secret,
        "mutation($id: ID!) { updateWebhook(id: $id, description: \"mine\") { id } }",
        json!({"id": webhook_id}),
    )
    .await;
    assert_eq!(error_code(&foreign), Some("NOT_FOUND"), "{foreign}");
    assert!(webhooks(app, &stranger.secret).await.is_empty());
}

/// A page of two of the partner's deliveries, after `after`.
async fn deliveries_page(app: &TestApp, key: &str, after: Option<String>) -> Value {
    as_key(
        app,
        key,
        "query($a: String) { webhookDeliveries(first: 2, after: $a) {
            pageInfo { hasNextPage endCursor } edges { cursor node { id messageId } } } }",
        json!({"a": after}),
    )
    .await
}

/// Three deliveries come in two pages of at most two, each event once; a page of more
/// than 100 is refused.
async fn assert_three_deliveries_page_by_two(app: &TestApp, key: &str) {
    let first = deliveries_page(app, key, None).await;
    let connection = &first["data"]["webhookDeliveries"];
    assert_eq!(
        connection["edges"].as_array().map(Vec::len),
        Some(2),
        "{first}"
    );
    assert_eq!(connection["pageInfo"]["hasNextPage"], true, "{first}");
    let cursor = connection["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let second = deliveries_page(app, key, Some(cursor)).await;
    let rest = &second["data"]["webhookDeliveries"];
    assert_eq!(rest["edges"].as_array().map(Vec::len), Some(1), "{second}");
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    let mut ids: Vec<Value> = connection["edges"]
        .as_array()
        .into_iter()
        .chain(rest["edges"].as_array())
        .flatten()
        .map(|e| e["node"]["messageId"].clone())
        .collect();
    ids.sort_by_key(ToString::to_string);
    ids.dedup();
    assert_eq!(ids.len(), 3, "three distinct events over two pages");
    let too_many = as_key(
        app,
        key,
        "{ webhookDeliveries(first: 101) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&too_many), Some("VALIDATION"), "{too_many}");
}

/// Another partner cannot delete the endpoint; its owner can, and it is gone.
async fn assert_only_the_owner_deletes(
    app: &TestApp,
    key: &PartnerKey,
    stranger: &PartnerKey,
    webhook_id: &str,
) {
    let delete = "mutation($id: ID!) { deleteWebhook(id: $id) }";
    let deleted = as_key(app, &stranger.secret, delete, json!({"id": webhook_id})).await;
    assert_eq!(error_code(&deleted), Some("NOT_FOUND"), "{deleted}");
    let deleted = as_key(app, &key.secret, delete, json!({"id": webhook_id})).await;
    assert_eq!(deleted["data"]["deleteWebhook"], true, "{deleted}");
    assert!(webhooks(app, &key.secret).await.is_empty());
}

#[tokio::test]
async fn endpoints_are_updated_listed_paged_and_deleted_by_their_partner_only() {
    let app = webhook_app().await;
    let (key, stranger) = two_partners(&app).await;
    let receiver = Receiver::start(&[]).await;
    let (webhook_id, _) = register_webhook(&app, &key.secret, &receiver.url()).await;

    assert_only_the_owner_updates(&app, &key, &stranger, &webhook_id).await;
    for (i, reference) in ["P-1", "P-2", "P-3"].into_iter().enumerate() {
        book(&app, &key.secret, reference).await;
        receiver.wait_for(i + 1, WAIT).await;
    }
    assert_three_deliveries_page_by_two(&app, &key.secret).await;
    assert_only_the_owner_deletes(&app, &key, &stranger, &webhook_id).await;
}

#[tokio::test]
async fn webhook_targets_must_be_public_https() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;
    for url in [
        "http://example.com/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "not a url",
    ] {
        let response = as_key(
            &app,
            &key.secret,
            "mutation($u: String!) { registerWebhook(url: $u, events: [ORDER_STATUS_CHANGED]) { signingSecret } }",
            json!({"u": url}),
        )
        .await;
        assert_eq!(
            error_code(&response),
            Some("VALIDATION"),
            "{url}: {response}"
        );
        assert_eq!(
            response["errors"][0]["extensions"]["field"], "url",
            "{url}: {response}"
        );
    }
    let none = as_key(
        &app,
        &key.secret,
        "mutation { registerWebhook(url: \"https://8.8.8.8/hook\", events: []) { signingSecret } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&none), Some("VALIDATION"), "{none}");
    assert_eq!(none["errors"][0]["extensions"]["field"], "events", "{none}");
    assert!(webhooks(&app, &key.secret).await.is_empty());
}

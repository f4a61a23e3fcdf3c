//! API keys: issued by operators (secret shown once, stored hashed, `rlk_` prefix),
//! listed without secrets, revoked; a key acts as its partner, books for customers
//! under an external reference, sees and cancels only its own orders, and needs the
//! scope of what it does.

use entity::api_key;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::fixtures::{
    ALL_SCOPES, ORDER_FIELDS, PartnerKey, QUOTE, as_key, as_key_status, book, book_mutation,
    cancel, create_partner, issue_key, partner, partner_booking_input, partner_quote, try_book,
    two_partners,
};
use crate::helpers::{TestApp, error_code, spawn_app};

const API_KEYS: &str = "query($p: ID!) { apiKeys(partnerId: $p) { id partnerId name prefix scopes createdAt revokedAt } }";
const REVOKE: &str = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }";
const ORDERS: &str = "{ pickupOrders(first: 50) { edges { node { id externalReference } } } }";

#[tokio::test]
async fn operators_issue_keys_that_are_shown_once_and_stored_hashed() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let partner_id = create_partner(&app, &operator).await;
    let key = issue_key(
        &app,
        &operator,
        &partner_id,
        &["QUOTES_WRITE", "ORDERS_READ"],
    )
    .await;
    assert!(
        key.secret.starts_with("rlk_") && key.secret.len() > 40,
        "a recognisable, long secret: {}",
        key.secret
    );

    let listed = app
        .gql(Some(&operator.access), API_KEYS, json!({"p": partner_id}))
        .await;
    let keys = listed["data"]["apiKeys"].as_array().expect("apiKeys");
    assert_eq!(keys.len(), 1, "{listed}");
    let shown = &keys[0];
    assert_eq!(shown["id"], key.key_id.as_str());
    assert_eq!(shown["partnerId"], partner_id.as_str());
    assert_eq!(shown["scopes"], json!(["QUOTES_WRITE", "ORDERS_READ"]));
    assert!(shown["revokedAt"].is_null());
    let prefix = shown["prefix"].as_str().expect("prefix");
    assert!(
        prefix.starts_with("rlk_") && key.secret.starts_with(prefix) && prefix.len() < 20,
        "the prefix recognises the key without revealing it: {prefix}"
    );
    assert!(
        !listed.to_string().contains(&key.secret),
        "the list never shows the secret: {listed}"
    );

    let stored = api_key::Entity::find_by_id(Uuid::parse_str(&key.key_id).expect("uuid"))
        .one(&app.state.db)
        .await
        .expect("read the key")
        .expect("the key row");
    assert_ne!(stored.key_hash, key.secret, "only a hash is stored");
    assert!(!stored.key_hash.contains(&key.secret[4..]));
    assert_eq!(
        stored.key_hash,
        hex::encode(Sha256::digest(key.secret.as_bytes())),
        "the stored hash is the SHA-256 of the secret"
    );

    // Only operators manage partners and keys.
    let customer = app.register("HOUSEHOLD").await;
    let refused = app
        .gql(
            Some(&customer.access),
            "mutation { createPartner(name: \"Sneaky\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let refused = app
        .gql(Some(&customer.access), API_KEYS, json!({"p": partner_id}))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let by_key = as_key(&app, &key.secret, API_KEYS, json!({"p": partner_id})).await;
    assert!(
        matches!(error_code(&by_key), Some("FORBIDDEN" | "UNAUTHENTICATED")),
        "a key cannot list keys: {by_key}"
    );
}

/// The ids of the orders `key` sees.
async fn order_ids_seen_by(app: &TestApp, key: &str) -> Vec<String> {
    let mine = as_key(app, key, ORDERS, json!({})).await;
    mine["data"]["pickupOrders"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("pickupOrders: {mine}"))
        .iter()
        .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
        .collect()
}

/// `partnerOrder` for the reference CRM-1001, as `key`.
async fn by_reference(app: &TestApp, key: &str) -> Value {
    as_key(
        app,
        key,
        &format!(
            "query($r: String!) {{ partnerOrder(externalReference: $r) {{ {ORDER_FIELDS} }} }}"
        ),
        json!({"r": "CRM-1001"}),
    )
    .await
}

/// Each partner finds its own order by the shared reference; an unknown one is null.
async fn assert_each_finds_its_own(
    app: &TestApp,
    (first, order_id): (&PartnerKey, &str),
    (second, other_id): (&PartnerKey, &str),
) {
    let found = by_reference(app, &first.secret).await;
    assert_eq!(found["data"]["partnerOrder"]["id"], order_id, "{found}");
    let found = by_reference(app, &second.secret).await;
    assert_eq!(found["data"]["partnerOrder"]["id"], other_id, "{found}");
    let unknown = as_key(
        app,
        &first.secret,
        "{ partnerOrder(externalReference: \"nope\") { id } }",
        json!({}),
    )
    .await;
    assert!(
        unknown["errors"].is_null() && unknown["data"]["partnerOrder"].is_null(),
        "{unknown}"
    );
}

/// `stranger` can neither cancel nor read `order_id`.
async fn assert_hidden_from(app: &TestApp, stranger: &PartnerKey, order_id: &str) {
    let cancelled = cancel(app, &stranger.secret, order_id).await;
    assert_eq!(error_code(&cancelled), Some("NOT_FOUND"), "{cancelled}");
    let read = as_key(
        app,
        &stranger.secret,
        "query($id: ID!) { pickupOrder(id: $id) { id } }",
        json!({"id": order_id}),
    )
    .await;
    assert!(
        read["data"]["pickupOrder"].is_null() || error_code(&read) == Some("NOT_FOUND"),
        "{read}"
    );
}

#[tokio::test]
async fn a_key_books_for_its_customers_and_sees_and_cancels_only_its_own_orders() {
    let app = spawn_app().await;
    let (first, second) = two_partners(&app).await;

    let order = book(&app, &first.secret, "CRM-1001").await;
    assert_eq!(order["externalReference"], "CRM-1001", "{order}");
    assert_eq!(order["address"]["line1"], "88 Century Avenue");
    assert_eq!(order["status"], "DISPATCHING", "{order}");
    let order_id = order["id"].as_str().expect("id").to_owned();

    // The reference is unique per partner...
    let again = try_book(&app, &first.secret, "CRM-1001").await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    // ...and another partner may use it too.
    let other = book(&app, &second.secret, "CRM-1001").await;
    let other_id = other["id"].as_str().expect("id").to_owned();
    assert_ne!(other_id, order_id);

    // Each partner sees only its own orders.
    assert_eq!(
        order_ids_seen_by(&app, &first.secret).await,
        vec![order_id.clone()]
    );
    assert_each_finds_its_own(&app, (&first, &order_id), (&second, &other_id)).await;
    // Another partner's order is not there for them.
    assert_hidden_from(&app, &second, &order_id).await;

    let cancelled = cancel(&app, &first.secret, &order_id).await;
    assert_eq!(
        cancelled["data"]["cancelPickup"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let untouched = by_reference(&app, &second.secret).await;
    assert_eq!(
        untouched["data"]["partnerOrder"]["status"], "DISPATCHING",
        "{untouched}"
    );
}

#[tokio::test]
async fn a_partner_cannot_book_another_partners_quote() {
    let app = spawn_app().await;
    let (first, second) = two_partners(&app).await;
    let quote = partner_quote(&app, &first.secret).await;
    let stolen = as_key(
        &app,
        &second.secret,
        &book_mutation(),
        json!({"input": partner_booking_input(&quote, 2, "X-1")}),
    )
    .await;
    assert!(
        matches!(error_code(&stolen), Some("NOT_FOUND" | "FORBIDDEN")),
        "{stolen}"
    );
}

#[tokio::test]
async fn unknown_and_revoked_keys_are_unauthenticated_with_401() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;

    let (status, unknown) = as_key_status(
        &app,
        "rlk_this-key-was-never-issued-0123456789abcdef",
        ORDERS,
        json!({}),
    )
    .await;
    assert_eq!(status, 401, "{unknown}");
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"), "{unknown}");

    let (status, works) = as_key_status(&app, &key.secret, ORDERS, json!({})).await;
    assert_eq!(status, 200, "{works}");
    assert!(works["errors"].is_null(), "{works}");

    let revoked = app
        .gql(Some(&operator.access), REVOKE, json!({"id": key.key_id}))
        .await;
    assert!(
        revoked["data"]["revokeApiKey"]["revokedAt"].is_string(),
        "{revoked}"
    );
    for query in [ORDERS, QUOTE] {
        let (status, refused) = as_key_status(&app, &key.secret, query, json!({})).await;
        assert_eq!(status, 401, "{refused}");
        assert_eq!(error_code(&refused), Some("UNAUTHENTICATED"), "{refused}");
    }
    let listed = app
        .gql(
            Some(&operator.access),
            API_KEYS,
            json!({"p": key.partner_id}),
        )
        .await;
    assert!(
        listed["data"]["apiKeys"][0]["revokedAt"].is_string(),
        "{listed}"
    );

    // Another key of the same partner still works.
    let fresh = issue_key(&app, &operator, &key.partner_id, &["ORDERS_READ"]).await;
    let (status, works) = as_key_status(&app, &fresh.secret, ORDERS, json!({})).await;
    assert_eq!(status, 200, "{works}");
    assert!(works["errors"].is_null(), "{works}");
}

#[tokio::test]
async fn a_key_without_the_scope_is_forbidden() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let full = partner(&app, &operator, ALL_SCOPES).await;
    let reader = issue_key(&app, &operator, &full.partner_id, &["ORDERS_READ"]).await;
    let quoter = issue_key(&app, &operator, &full.partner_id, &["QUOTES_WRITE"]).await;

    let quote = as_key(&app, &reader.secret, QUOTE, json!({})).await;
    assert_eq!(error_code(&quote), Some("FORBIDDEN"), "{quote}");

    let quote_id = partner_quote(&app, &full.secret).await;
    let booking = as_key(
        &app,
        &reader.secret,
        &book_mutation(),
        json!({"input": partner_booking_input(&quote_id, 2, "R-1")}),
    )
    .await;
    assert_eq!(error_code(&booking), Some("FORBIDDEN"), "{booking}");

    let order = book(&app, &full.secret, "R-2").await;
    let order_id = order["id"].as_str().expect("id");
    let cancelled = cancel(&app, &reader.secret, order_id).await;
    assert_eq!(error_code(&cancelled), Some("FORBIDDEN"), "{cancelled}");

    let webhook = as_key(
        &app,
        &reader.secret,
        "mutation { registerWebhook(url: \"https://example.com/hook\", events: [ORDER_STATUS_CHANGED]) { signingSecret } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&webhook), Some("FORBIDDEN"), "{webhook}");

    // The reader reads; the quoter quotes but does not read.
    let orders = as_key(&app, &reader.secret, ORDERS, json!({})).await;
    assert!(orders["errors"].is_null(), "{orders}");
    assert_eq!(
        orders["data"]["pickupOrders"]["edges"][0]["node"]["externalReference"],
        "R-2"
    );
    let quoted = as_key(&app, &quoter.secret, QUOTE, json!({})).await;
    assert!(quoted["data"]["requestQuote"]["id"].is_string(), "{quoted}");
    let orders = as_key(&app, &quoter.secret, ORDERS, json!({})).await;
    assert_eq!(error_code(&orders), Some("FORBIDDEN"), "{orders}");
    let by_reference = as_key(
        &app,
        &quoter.secret,
        "{ partnerOrder(externalReference: \"R-2\") { id } }",
        json!({}),
    )
    .await;
    assert_eq!(
        error_code(&by_reference),
        Some("FORBIDDEN"),
        "{by_reference}"
    );
}

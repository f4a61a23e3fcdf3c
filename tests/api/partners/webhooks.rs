//! Webhooks: every status change of a partner's order goes through the outbox to the
//! partner's endpoint, signed (Standard Webhooks); failures are retried with the same
//! `webhook-id`, a 410 disables the endpoint, redelivery resends the event, an event
//! survives a receiver that is down, and targets must be public https.

use std::time::Duration;

use entity::{webhook_attempt, webhook_delivery, webhook_event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use super::fixtures::{
    ALL_SCOPES, DELIVERY_FIELDS, Receiver, as_key, book, cancel, closed_port, deliveries, partner,
    register_webhook, webhook_app, webhooks,
};
use crate::helpers::{TestApp, error_code, eventually};

pub(super) const WAIT: Duration = Duration::from_secs(20);

fn uuid(value: &Value) -> Uuid {
    Uuid::parse_str(
        value
            .as_str()
            .unwrap_or_else(|| panic!("not an id: {value}")),
    )
    .expect("a UUID")
}

async fn events_of(app: &TestApp, partner_id: &str) -> Vec<webhook_event::Model> {
    webhook_event::Entity::find()
        .filter(webhook_event::Column::PartnerId.eq(Uuid::parse_str(partner_id).expect("uuid")))
        .order_by_asc(webhook_event::Column::CreatedAt)
        .all(&app.state.db)
        .await
        .expect("read events")
}

async fn attempts_of(app: &TestApp, delivery_id: Uuid) -> Vec<webhook_attempt::Model> {
    webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.eq(delivery_id))
        .order_by_asc(webhook_attempt::Column::Attempt)
        .all(&app.state.db)
        .await
        .expect("read attempts")
}

/// Waits until the partner's only delivery satisfies `done`; returns it.
async fn delivery_where(
    app: &TestApp,
    key: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    eventually(WAIT, what, || async {
        deliveries(app, key).await.into_iter().find(|d| done(d))
    })
    .await
}

#[tokio::test]
async fn every_status_change_is_delivered_signed_to_the_partner_endpoint() {
    let app = webhook_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;
    let receiver = Receiver::start(&[]).await;
    let (webhook_id, secret) = register_webhook(&app, &key.secret, &receiver.url()).await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    let listed = webhooks(&app, &key.secret).await;
    assert_eq!(listed.len(), 1);
    assert!(
        !json!(listed).to_string().contains(&secret),
        "the secret is shown only once"
    );

    let order = book(&app, &key.secret, "SHOP-77").await;
    let order_id = order["id"].as_str().expect("id").to_owned();
    let booked = receiver.wait_for(1, WAIT).await;
    let first = &booked[0];
    assert!(first.verifies(&secret), "signature: {first:?}");
    assert!(first.signature.starts_with("v1,"), "{first:?}");
    assert!(first.content_type.starts_with("application/json"));
    let timestamp: i64 = first.timestamp.parse().expect("timestamp");
    assert!(
        (chrono::Utc::now().timestamp() - timestamp).abs() < 60,
        "the timestamp is now: {timestamp}"
    );
    let body = first.json();
    assert_eq!(body["id"], first.id.as_str(), "webhook-id is the body's id");
    assert_eq!(body["type"], "ORDER_STATUS_CHANGED", "{body}");
    assert!(body["createdAt"].is_string(), "{body}");
    assert_eq!(body["data"]["orderId"], order_id.as_str(), "{body}");
    assert_eq!(body["data"]["externalReference"], "SHOP-77", "{body}");
    assert_eq!(body["data"]["fromStatus"], "REQUESTED", "{body}");
    assert_eq!(body["data"]["toStatus"], "DISPATCHING", "{body}");
    assert!(
        !first.verifies("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        "another secret does not verify"
    );

    let cancelled = cancel(&app, &key.secret, &order_id).await;
    assert_eq!(cancelled["data"]["cancelPickup"]["status"], "CANCELLED");
    let both = receiver.wait_for(2, WAIT).await;
    let second = &both[1];
    assert!(second.verifies(&secret), "signature: {second:?}");
    assert_ne!(second.id, first.id, "a new event, a new webhook-id");
    let body = second.json();
    assert_eq!(body["data"]["fromStatus"], "DISPATCHING", "{body}");
    assert_eq!(body["data"]["toStatus"], "CANCELLED", "{body}");
    assert_eq!(body["data"]["reason"], "customer changed plans", "{body}");

    // The API and the database agree.
    let listed = eventually(WAIT, "both deliveries DELIVERED", || async {
        let all = deliveries(&app, &key.secret).await;
        (all.len() == 2 && all.iter().all(|d| d["status"] == "DELIVERED")).then_some(all)
    })
    .await;
    assert_eq!(listed[0]["messageId"], second.id.as_str(), "newest first");
    assert_eq!(listed[1]["messageId"], first.id.as_str());
    for delivery in &listed {
        assert_eq!(delivery["webhookId"], webhook_id.as_str());
        assert_eq!(delivery["attempts"], 1, "{delivery}");
        assert_eq!(delivery["lastStatusCode"], 200, "{delivery}");
        assert!(delivery["deliveredAt"].is_string(), "{delivery}");
        let attempts = attempts_of(&app, uuid(&delivery["id"])).await;
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].status_code, Some(200));
    }
    let events = events_of(&app, &key.partner_id).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events
            .iter()
            .all(|e| e.event_type == "ORDER_STATUS_CHANGED")
    );
    assert_eq!(format!("msg_{}", events[0].id.simple()), first.id);
    assert_eq!(receiver.received().len(), 2, "nothing sent twice");
}

#[tokio::test]
async fn failed_attempts_are_retried_with_the_same_webhook_id() {
    let app = webhook_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;
    let receiver = Receiver::start(&[500, 500, 200]).await;
    let (_, secret) = register_webhook(&app, &key.secret, &receiver.url()).await;
    let order = book(&app, &key.secret, "RETRY-1").await;

    let seen = receiver.wait_for(3, WAIT).await;
    assert_eq!(
        seen.iter().map(|r| r.answered).collect::<Vec<_>>(),
        vec![500, 500, 200]
    );
    assert!(
        seen.iter().all(|r| r.id == seen[0].id),
        "the same webhook-id every time: {seen:?}"
    );
    assert!(seen.iter().all(|r| r.verifies(&secret)));

    let delivery = delivery_where(&app, &key.secret, "a DELIVERED delivery", |d| {
        d["status"] == "DELIVERED"
    })
    .await;
    assert_eq!(delivery["attempts"], 3, "{delivery}");
    assert_eq!(delivery["messageId"], seen[0].id.as_str());
    let log: Vec<i64> = delivery["attemptLog"]
        .as_array()
        .expect("attempt log")
        .iter()
        .filter_map(|a| a["statusCode"].as_i64())
        .collect();
    assert_eq!(
        log,
        [500, 500, 200],
        "the API lists every attempt: {delivery}"
    );
    let attempts = attempts_of(&app, uuid(&delivery["id"])).await;
    assert_eq!(
        attempts.iter().map(|a| a.status_code).collect::<Vec<_>>(),
        vec![Some(500), Some(500), Some(200)]
    );
    assert_eq!(
        attempts.iter().map(|a| a.attempt).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    // No attempt after success: the next request the receiver gets is the next event's.
    let cancelled = cancel(&app, &key.secret, order["id"].as_str().expect("id")).await;
    assert_eq!(cancelled["data"]["cancelPickup"]["status"], "CANCELLED");
    let all = receiver.wait_for(4, WAIT).await;
    assert_ne!(all[3].id, seen[0].id, "no attempt after success: {all:?}");
    assert_eq!(all[3].json()["data"]["toStatus"], "CANCELLED", "{all:?}");
    assert_eq!(all.iter().filter(|r| r.id == seen[0].id).count(), 3);
}

#[tokio::test]
async fn a_410_disables_the_endpoint_and_nothing_more_is_sent() {
    let app = webhook_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;
    let receiver = Receiver::start(&[410]).await;
    let (webhook_id, _) = register_webhook(&app, &key.secret, &receiver.url()).await;
    let order = book(&app, &key.secret, "GONE-1").await;
    receiver.wait_for(1, WAIT).await;

    let disabled = eventually(WAIT, "the endpoint disabled", || async {
        webhooks(&app, &key.secret)
            .await
            .into_iter()
            .find(|w| w["id"] == webhook_id.as_str() && w["enabled"] == false)
    })
    .await;
    assert!(
        disabled["disabledReason"]
            .as_str()
            .is_some_and(|r| r.contains("410")),
        "{disabled}"
    );
    let delivery = delivery_where(&app, &key.secret, "a FAILED delivery", |d| {
        d["status"] == "FAILED"
    })
    .await;
    assert_eq!(delivery["lastStatusCode"], 410, "{delivery}");
    assert_eq!(delivery["attempts"], 1, "{delivery}");

    // Later changes are still recorded as events, but not sent to the disabled endpoint.
    // A second endpoint, registered now, is the witness: once it has the change and its
    // delivery is settled, the worker is done with that event.
    let witness = Receiver::start(&[]).await;
    let (witness_id, _) = register_webhook(&app, &key.secret, &witness.url()).await;
    let cancelled = cancel(&app, &key.secret, order["id"].as_str().expect("id")).await;
    assert_eq!(cancelled["data"]["cancelPickup"]["status"], "CANCELLED");
    assert_eq!(events_of(&app, &key.partner_id).await.len(), 2);
    let told = witness.wait_for(1, WAIT).await;
    assert_eq!(told[0].json()["data"]["toStatus"], "CANCELLED", "{told:?}");
    delivery_where(&app, &key.secret, "the witness's delivery DELIVERED", |d| {
        d["webhookId"] == witness_id.as_str() && d["status"] == "DELIVERED"
    })
    .await;
    assert_eq!(
        receiver.received().len(),
        1,
        "no further delivery attempted"
    );
    let pending = deliveries(&app, &key.secret)
        .await
        .into_iter()
        .filter(|d| d["status"] == "PENDING")
        .count();
    assert_eq!(pending, 0);
}

#[tokio::test]
async fn redelivery_sends_the_same_webhook_id_again() {
    let app = webhook_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;
    let receiver = Receiver::start(&[]).await;
    let (_, secret) = register_webhook(&app, &key.secret, &receiver.url()).await;
    book(&app, &key.secret, "AGAIN-1").await;
    let first = receiver.wait_for(1, WAIT).await[0].clone();
    let delivered = delivery_where(&app, &key.secret, "a DELIVERED delivery", |d| {
        d["status"] == "DELIVERED"
    })
    .await;

    let again = as_key(
        &app,
        &key.secret,
        &format!(
            "mutation($id: ID!) {{ redeliverWebhook(deliveryId: $id) {{ {DELIVERY_FIELDS} }} }}"
        ),
        json!({"id": delivered["id"]}),
    )
    .await;
    let queued = &again["data"]["redeliverWebhook"];
    assert_ne!(queued["id"], delivered["id"], "a new delivery: {again}");
    assert_eq!(queued["messageId"], delivered["messageId"], "{again}");

    let both = receiver.wait_for(2, WAIT).await;
    assert_eq!(both[1].id, first.id, "the same webhook-id");
    assert_eq!(both[1].json()["data"], first.json()["data"]);
    assert!(both[1].verifies(&secret));
    let redelivered = delivery_where(&app, &key.secret, "the redelivery DELIVERED", |d| {
        d["id"] == queued["id"] && d["status"] == "DELIVERED"
    })
    .await;
    assert_eq!(redelivered["attempts"], 1);

    // Someone else's delivery is not there for another partner.
    let stranger = partner(&app, &operator, ALL_SCOPES).await;
    let refused = as_key(
        &app,
        &stranger.secret,
        "mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }",
        json!({"id": delivered["id"]}),
    )
    .await;
    assert_eq!(error_code(&refused), Some("NOT_FOUND"), "{refused}");
    assert!(deliveries(&app, &stranger.secret).await.is_empty());
}

#[tokio::test]
async fn an_event_waits_while_the_receiver_is_down_and_goes_out_once_the_url_is_fixed() {
    let app = webhook_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;
    let down = format!("http://127.0.0.1:{}/hooks", closed_port());
    let (webhook_id, secret) = register_webhook(&app, &key.secret, &down).await;
    book(&app, &key.secret, "DOWN-1").await;

    let failing = delivery_where(&app, &key.secret, "two failed attempts", |d| {
        d["attempts"].as_i64().is_some_and(|n| n >= 2)
    })
    .await;
    assert_eq!(failing["status"], "PENDING", "{failing}");
    assert!(failing["lastError"].is_string(), "{failing}");
    assert!(failing["lastStatusCode"].is_null(), "{failing}");
    let id = uuid(&failing["id"]);
    let row = webhook_delivery::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .expect("read")
        .expect("the delivery row");
    assert!(row.attempts >= 2 && row.last_error.is_some(), "{row:?}");
    let attempts = attempts_of(&app, id).await;
    assert!(attempts.len() >= 2, "{attempts:?}");
    assert!(
        attempts
            .iter()
            .all(|a| a.status_code.is_none() && a.error.is_some()),
        "{attempts:?}"
    );
    assert_eq!(events_of(&app, &key.partner_id).await.len(), 1);

    let receiver = Receiver::start(&[]).await;
    let updated = as_key(
        &app,
        &key.secret,
        "mutation($id: ID!, $u: String) { updateWebhook(id: $id, url: $u) { id url enabled } }",
        json!({"id": webhook_id, "u": receiver.url()}),
    )
    .await;
    assert_eq!(
        updated["data"]["updateWebhook"]["url"],
        receiver.url().as_str(),
        "{updated}"
    );
    let arrived = receiver.wait_for(1, WAIT).await;
    assert_eq!(arrived[0].id, failing["messageId"].as_str().expect("id"));
    assert!(arrived[0].verifies(&secret));
    let delivered = delivery_where(&app, &key.secret, "DELIVERED", |d| {
        d["status"] == "DELIVERED"
    })
    .await;
    assert!(delivered["attempts"].as_i64().expect("attempts") >= 3);
    assert_eq!(delivered["lastStatusCode"], 200);
}

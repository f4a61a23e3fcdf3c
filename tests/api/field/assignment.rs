//! An operator's force-assign obeys what dispatch requires of a collector, unless the
//! operator overrides it with a reason (audited); the collector who loses the order hears
//! of it over `jobOffers`.

use serde_json::{Value, json};

use crate::dispatch::fixtures::{
    accept, book_light, codes, go_online, job_offers_subscription, next_offer_event, only_offer,
    subscribed,
};
use crate::fixtures::{FULL, Profile, collector_with, verified_collector};
use crate::helpers::{Account, TestApp, spawn_app};

async fn reassign_with(
    app: &TestApp,
    operator: &Account,
    order_id: &str,
    collector_id: &str,
    reason: Option<&str>,
) -> Value {
    app.gql(
        Some(&operator.access),
        "mutation($id: ID!, $c: ID, $r: String) { reassignOrder(orderId: $id, collectorId: $c, overrideReason: $r) { status collector { id } } }",
        json!({"id": order_id, "c": collector_id, "r": reason}),
    )
    .await
}

#[tokio::test]
async fn force_assigning_an_unfit_collector_needs_an_audited_override() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    // The light items include a laptop, which needs DATA_DESTRUCTION.
    let uncertified = collector_with(
        &app,
        Some(&operator),
        Profile {
            certifications: "[LARGE_APPLIANCE]",
            ..FULL
        },
    )
    .await;
    let order_id = book_light(&app, &customer, 2).await;

    let refused = reassign_with(&app, &operator, &order_id, &uncertified.id, None).await;
    assert_eq!(codes(&refused), ["VALIDATION"], "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("DATA_DESTRUCTION"), "{refused}");

    let forced = reassign_with(
        &app,
        &operator,
        &order_id,
        &uncertified.id,
        Some("certificate renewal in progress, checked by phone"),
    )
    .await;
    assert_eq!(
        forced["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{forced}"
    );
    let log = app
        .gql(
            Some(&operator.access),
            "{ catalogAuditLog(first: 20) { edges { node { action entityId details } } } }",
            json!({}),
        )
        .await;
    let overridden = log["data"]["catalogAuditLog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|e| {
            e["node"]["action"] == "order.assign_override"
                && e["node"]["entityId"] == order_id.as_str()
        });
    assert!(overridden, "{log}");
}

#[tokio::test]
async fn the_collector_who_loses_an_order_to_a_reassignment_is_told() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let first = verified_collector(&app, &operator).await;
    let second = verified_collector(&app, &operator).await;
    go_online(&app, &first, 0.5).await;
    let order_id = book_light(&app, &customer, 2).await;
    let offer = only_offer(&app, &first).await;
    let won = accept(&app, &first, offer["id"].as_str().expect("id")).await;
    assert!(won["errors"].is_null(), "{won}");
    let mut ws = subscribed(&app, &first.account, &job_offers_subscription()).await;

    let moved = reassign_with(&app, &operator, &order_id, &second.id, None).await;
    assert_eq!(
        moved["data"]["reassignOrder"]["collector"]["id"],
        second.id.as_str(),
        "{moved}"
    );
    let (kind, event_offer) = next_offer_event(&mut ws).await;
    assert_eq!(kind, "WITHDRAWN");
    assert_eq!(event_offer["id"], offer["id"]);
}

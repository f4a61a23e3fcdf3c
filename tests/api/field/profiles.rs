//! A verified collector's self-declared changes (licences, vehicle, capacity) wait for an
//! operator: the approved profile keeps working meanwhile, offers follow it, and the
//! approval is audited.

use serde_json::{Value, json};

use crate::dispatch::fixtures::{codes, go_online, my_offers};
use crate::fixtures::{Collector, Profile, book_quote, collector_with, quote_of, window};
use crate::helpers::{Account, TestApp, spawn_app};

const LEAD_ACID: &str =
    "[{categoryCode: \"LEAD_ACID_BATTERY\", battery: {chemistry: LEAD_ACID, weightKg: \"15\"}}]";

async fn ask_for_truck(app: &TestApp, collector: &Collector) -> Value {
    app.gql(
        Some(&collector.account.access),
        "mutation { updateCollectorProfile(input: {vehicle: TRUCK, capacityKg: \"40000\",
            certifications: [HAZARDOUS_BATTERY]}) {
            vehicle capacityKg certifications pendingProfile { vehicle capacityKg certifications requestedAt } } }",
        json!({}),
    )
    .await
}

async fn review(app: &TestApp, operator: &Account, mutation: &str, collector: &Collector) -> Value {
    app.gql(
        Some(&operator.access),
        mutation,
        json!({"id": collector.id}),
    )
    .await
}

#[tokio::test]
async fn a_verified_collectors_new_licence_counts_only_once_an_operator_approves_it() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let bike = Profile {
        vehicle: "BIKE",
        capacity_kg: "30",
        certifications: "[]",
    };
    let collector = collector_with(&app, Some(&operator), bike).await;

    let asked = ask_for_truck(&app, &collector).await;
    let profile = &asked["data"]["updateCollectorProfile"];
    assert_eq!(profile["vehicle"], "BIKE", "{asked}");
    assert_eq!(profile["certifications"], json!([]), "{asked}");
    assert_eq!(profile["pendingProfile"]["vehicle"], "TRUCK", "{asked}");
    assert_eq!(
        profile["pendingProfile"]["certifications"],
        json!(["HAZARDOUS_BATTERY"]),
        "{asked}"
    );

    go_online(&app, &collector, 0.5).await;
    let quote = quote_of(&app, &customer, LEAD_ACID).await;
    book_quote(&app, &customer, &quote, window(2), "id").await;
    assert!(
        my_offers(&app, &collector).await.is_empty(),
        "an unapproved licence gets no hazardous offer"
    );

    let approved = review(
        &app,
        &operator,
        "mutation($id: ID!) { approveCollectorProfile(collectorId: $id) { vehicle certifications pendingProfile { vehicle } } }",
        &collector,
    )
    .await;
    let profile = &approved["data"]["approveCollectorProfile"];
    assert_eq!(profile["vehicle"], "TRUCK", "{approved}");
    assert_eq!(
        profile["certifications"],
        json!(["HAZARDOUS_BATTERY"]),
        "{approved}"
    );
    assert_eq!(profile["pendingProfile"], json!(null), "{approved}");
    let again = review(
        &app,
        &operator,
        "mutation($id: ID!) { approveCollectorProfile(collectorId: $id) { vehicle } }",
        &collector,
    )
    .await;
    assert_eq!(codes(&again), ["INVALID_STATE"], "{again}");

    reloop::services::dispatch::sweep(&app.state)
        .await
        .map_err(|e| e.into_anyhow())
        .expect("a sweep pass");
    assert_eq!(my_offers(&app, &collector).await.len(), 1);
    let log = app
        .gql(
            Some(&operator.access),
            "{ catalogAuditLog(first: 20) { edges { node { action entityId } } } }",
            json!({}),
        )
        .await;
    let audited = log["data"]["catalogAuditLog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|e| {
            e["node"]["action"] == "collector.profile_approve"
                && e["node"]["entityId"] == collector.id.as_str()
        });
    assert!(audited, "{log}");
}

#[tokio::test]
async fn a_rejected_change_leaves_the_approved_profile_and_only_operators_review() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let collector = collector_with(&app, Some(&operator), crate::fixtures::FULL).await;
    ask_for_truck(&app, &collector).await;
    let by_collector = app
        .gql(
            Some(&collector.account.access),
            "mutation($id: ID!) { approveCollectorProfile(collectorId: $id) { vehicle } }",
            json!({"id": collector.id}),
        )
        .await;
    assert_eq!(codes(&by_collector), ["FORBIDDEN"], "{by_collector}");
    let rejected = review(
        &app,
        &operator,
        "mutation($id: ID!) { rejectCollectorProfile(collectorId: $id, reason: \"no licence document\") { vehicle pendingProfile { vehicle } } }",
        &collector,
    )
    .await;
    let profile = &rejected["data"]["rejectCollectorProfile"];
    assert_eq!(profile["pendingProfile"], json!(null), "{rejected}");
    assert_ne!(profile["vehicle"], json!(null), "{rejected}");
}

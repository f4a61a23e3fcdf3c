//! Who sees custody: the order's readers see its items and chain, the collector the
//! items it held, facility staff only what was sent to their facility; everyone else
//! gets NOT_FOUND. Facility staff join with the facility's invite code.

use serde_json::json;

use super::fixtures::{
    collected_order, hand_over, handed_over, items, light_plant, process, receive, verify,
};
use crate::helpers::{error_code, spawn_app};

#[tokio::test]
async fn facility_staff_register_with_the_invite_code_only() {
    let app = spawn_app().await;
    let without = app
        .register_with("FACILITY", json!({}))
        .await
        .expect_err("a code is required");
    assert_eq!(error_code(&without), Some("VALIDATION"), "{without}");
    assert_eq!(
        without["errors"][0]["extensions"]["field"],
        "input.facilityInviteCode"
    );
    let wrong = app
        .register_with("FACILITY", json!({"facilityInviteCode": "fac_nope"}))
        .await
        .expect_err("unknown code");
    assert_eq!(error_code(&wrong), Some("VALIDATION"), "{wrong}");
    let operator = app.operator().await;
    let plant = light_plant(&app, &operator).await;
    let me = app
        .gql(Some(&plant.staff.access), "{ me { role } }", json!({}))
        .await;
    assert_eq!(me["data"]["me"]["role"], "FACILITY", "{me}");
    let collector = app.register("COLLECTOR").await;
    let listed = app
        .gql(
            Some(&collector.access),
            "{ facilities { edges { node { id inviteCode } } } }",
            json!({}),
        )
        .await;
    let node = &listed["data"]["facilities"]["edges"][0]["node"];
    assert_eq!(node["id"], plant.id.as_str(), "{listed}");
    assert!(
        node["inviteCode"].is_null(),
        "only operators see invite codes: {listed}"
    );
    let household = app.register("HOUSEHOLD").await;
    let refused = app
        .gql(
            Some(&household.access),
            "{ facilities { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let create = app.gql(Some(&collector.access), "mutation { createFacility(input: {name: \"x\", permitNumber: \"y\", address: {line1: \"a\", city: \"b\", location: {latitude: 31.2, longitude: 121.5}}, acceptedCategories: [\"LAPTOP\"], certifications: []}) { id } }", json!({})).await;
    assert_eq!(error_code(&create), Some("FORBIDDEN"), "{create}");
}

#[tokio::test]
async fn outsiders_get_not_found_for_every_custody_read_and_step() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let plant = light_plant(&app, &collected.operator).await;
    let other_plant = light_plant(&app, &collected.operator).await;
    let stranger = app.register("HOUSEHOLD").await;
    let other_collector = app.register("COLLECTOR").await;
    let transfer = handed_over(&app, &collected, &plant).await;
    let transfer_id = transfer["id"].as_str().expect("id");

    assert!(
        items(&app, &stranger.access, &collected.order_id)
            .await
            .is_none()
    );
    assert_eq!(
        error_code(&verify(&app, &stranger.access, &collected.order_id).await),
        Some("NOT_FOUND")
    );
    assert_eq!(
        error_code(&verify(&app, &other_plant.staff.access, &collected.order_id).await),
        Some("NOT_FOUND")
    );
    let foreign_hand_over = hand_over(
        &app,
        &other_collector.access,
        &plant.id,
        &[&collected.order_id],
        None,
    )
    .await;
    assert_eq!(
        error_code(&foreign_hand_over),
        Some("NOT_FOUND"),
        "{foreign_hand_over}"
    );

    let read = "query($id: ID!) { transfer(id: $id) { id } }";
    for outsider in [&other_plant.staff, &stranger, &other_collector] {
        let seen = app
            .gql(Some(&outsider.access), read, json!({"id": transfer_id}))
            .await;
        assert!(seen["data"]["transfer"].is_null(), "{seen}");
    }
    let seen = app
        .gql(Some(&plant.staff.access), read, json!({"id": transfer_id}))
        .await;
    assert_eq!(seen["data"]["transfer"]["id"], transfer_id, "{seen}");

    let lines = json!([{"itemId": transfer["items"][0]["id"], "weightKg": "1", "accepted": true}]);
    let foreign_receipt = receive(&app, &other_plant.staff.access, transfer_id, lines).await;
    assert_eq!(
        error_code(&foreign_receipt),
        Some("NOT_FOUND"),
        "{foreign_receipt}"
    );
    let foreign_processing = process(
        &app,
        &other_plant.staff.access,
        json!({"itemIds": [transfer["items"][0]["id"]], "outcome": "DISPOSED"}),
    )
    .await;
    assert_eq!(
        error_code(&foreign_processing),
        Some("NOT_FOUND"),
        "{foreign_processing}"
    );
    let by_customer = receive(&app, &collected.customer.access, transfer_id, json!([])).await;
    assert_eq!(error_code(&by_customer), Some("FORBIDDEN"), "{by_customer}");
    let order_read = app
        .gql(
            Some(&plant.staff.access),
            "query($id: ID!) { pickupOrder(id: $id) { id } }",
            json!({"id": collected.order_id}),
        )
        .await;
    assert!(
        order_read["data"]["pickupOrder"].is_null(),
        "facility staff do not read orders: {order_read}"
    );

    // The order's own readers see the items.
    for reader in [
        &collected.customer,
        &collected.collector,
        &collected.operator,
    ] {
        let seen = items(&app, &reader.access, &collected.order_id)
            .await
            .expect("visible");
        assert_eq!(seen.len(), 2);
    }
}

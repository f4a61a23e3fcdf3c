//! `collector(id)`: operators read any collector, a collector their own record (another
//! collector's looks missing), every other role is FORBIDDEN; the operators' fields are
//! FORBIDDEN (and null) for the collector reading their own record.

use serde_json::json;

use super::read_collector;
use crate::custody::fixtures::light_plant;
use crate::fixtures::{FULL, collector_with};
use crate::helpers::{error_code, spawn_app};
use crate::partners::fixtures::{ALL_SCOPES, as_key, partner};

const PUBLIC: &str = "id verified status vehicle capacityKg certifications rating displayName";
const OPERATORS: &str = "acceptanceRate offerCounts { accepted declined expired withdrawn pending }
    currentOrders { id } lastLocation { latitude longitude } lastLocationAt";

#[tokio::test]
async fn operators_read_any_collector_with_their_work_and_last_position() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let collector = collector_with(&app, Some(&operator), FULL).await;
    let answer = read_collector(
        &app,
        Some(&operator.access),
        &collector.id,
        &format!("{PUBLIC} {OPERATORS}"),
    )
    .await;
    assert!(answer["errors"].is_null(), "{answer}");
    let read = &answer["data"]["collector"];
    assert_eq!(read["id"], collector.id.as_str());
    assert_eq!(read["verified"], true);
    assert_eq!(read["vehicle"], "TRUCK");
    assert_eq!(read["status"], "OFFLINE");
    assert!(
        read["displayName"].as_str().is_some_and(|n| !n.is_empty()),
        "{read}"
    );
    // No offer yet: no rate, every count zero; no work; never located.
    assert_eq!(read["acceptanceRate"], json!(null));
    assert_eq!(
        read["offerCounts"],
        json!({"accepted": 0, "declined": 0, "expired": 0, "withdrawn": 0, "pending": 0})
    );
    assert_eq!(read["currentOrders"], json!([]));
    assert_eq!(read["lastLocation"], json!(null));

    // Going online stores the position the operator then reads.
    let online = app
        .gql(
            Some(&collector.account.access),
            "mutation { setAvailability(online: true, location: {latitude: 31.24, longitude: 121.47}) { id } }",
            json!({}),
        )
        .await;
    assert!(online["errors"].is_null(), "{online}");
    let answer = read_collector(
        &app,
        Some(&operator.access),
        &collector.id,
        "status lastLocation { latitude longitude } lastLocationAt",
    )
    .await;
    let read = &answer["data"]["collector"];
    assert_eq!(read["status"], "AVAILABLE", "{answer}");
    assert_eq!(
        read["lastLocation"],
        json!({"latitude": 31.24, "longitude": 121.47})
    );
    assert!(read["lastLocationAt"].is_string(), "{answer}");
}

#[tokio::test]
async fn a_collector_reads_their_own_record_but_not_the_operators_fields_nor_anyone_elses() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let own = collector_with(&app, Some(&operator), FULL).await;
    let other = collector_with(&app, None, FULL).await;
    let token = Some(own.account.access.as_str());

    let answer = read_collector(&app, token, &own.id, PUBLIC).await;
    assert!(answer["errors"].is_null(), "{answer}");
    assert_eq!(answer["data"]["collector"]["id"], own.id.as_str());

    // Each operators' field is refused on its own; the rest of the record is still read.
    for field in [
        "acceptanceRate",
        "offerCounts { accepted }",
        "currentOrders { id }",
        "lastLocation { latitude }",
        "lastLocationAt",
    ] {
        let answer = read_collector(&app, token, &own.id, &format!("id {field}")).await;
        assert_eq!(error_code(&answer), Some("FORBIDDEN"), "{field}: {answer}");
        let name = field.split_whitespace().next().expect("a field name");
        assert_eq!(
            answer["errors"][0]["path"],
            json!(["collector", name]),
            "{answer}"
        );
        assert_eq!(
            answer["data"]["collector"]["id"],
            own.id.as_str(),
            "{answer}"
        );
        assert_eq!(answer["data"]["collector"][name], json!(null), "{answer}");
    }
    // The same rule through `me`.
    let me = app
        .gql(
            token,
            "{ me { collector { id acceptanceRate } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&me), Some("FORBIDDEN"), "{me}");
    assert_eq!(me["data"]["me"]["collector"]["id"], own.id.as_str(), "{me}");

    // Another collector's record looks missing, exactly like an unknown id.
    let foreign = read_collector(&app, token, &other.id, "id").await;
    assert_eq!(error_code(&foreign), Some("NOT_FOUND"), "{foreign}");
    assert_eq!(foreign["data"]["collector"], json!(null));
    let unknown = read_collector(&app, token, &uuid::Uuid::new_v4().to_string(), "id").await;
    assert_eq!(
        foreign["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
}

#[tokio::test]
async fn every_other_role_is_forbidden_to_read_a_collector() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let collector = collector_with(&app, Some(&operator), FULL).await;
    for role in ["HOUSEHOLD", "BUSINESS"] {
        let someone = app.register(role).await;
        let answer = read_collector(&app, Some(&someone.access), &collector.id, "id").await;
        assert_eq!(error_code(&answer), Some("FORBIDDEN"), "{role}: {answer}");
        assert_eq!(answer["data"]["collector"], json!(null));
    }
    let plant = light_plant(&app, &operator).await;
    let answer = read_collector(&app, Some(&plant.staff.access), &collector.id, "id").await;
    assert_eq!(error_code(&answer), Some("FORBIDDEN"), "FACILITY: {answer}");
    let key = partner(&app, &operator, ALL_SCOPES).await;
    let answer = as_key(
        &app,
        &key.secret,
        "query($id: ID!) { collector(id: $id) { id } }",
        json!({"id": collector.id}),
    )
    .await;
    assert_eq!(error_code(&answer), Some("FORBIDDEN"), "PARTNER: {answer}");
    let answer = read_collector(&app, None, &collector.id, "id").await;
    assert_eq!(error_code(&answer), Some("UNAUTHENTICATED"), "{answer}");
}

#[tokio::test]
async fn an_unknown_collector_is_not_found() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    for id in [uuid::Uuid::new_v4().to_string(), "not-a-uuid".to_owned()] {
        let answer = read_collector(&app, Some(&operator.access), &id, "id").await;
        assert_eq!(error_code(&answer), Some("NOT_FOUND"), "{id}: {answer}");
        assert_eq!(answer["data"]["collector"], json!(null));
    }
    // The role check comes first: a household learns nothing about ids.
    let household = app.register("HOUSEHOLD").await;
    let answer = read_collector(&app, Some(&household.access), "not-a-uuid", "id").await;
    assert_eq!(error_code(&answer), Some("FORBIDDEN"), "{answer}");
}

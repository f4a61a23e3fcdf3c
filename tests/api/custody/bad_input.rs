//! Bad input to custody steps: a clear code, the field when there is one, and nothing
//! written.

use serde_json::{Value, json};

use super::fixtures::{
    collected_order, hand_over, handed_over, items, light_plant, plant, receive,
};
use crate::helpers::{error_code, spawn_app};

fn field(response: &Value) -> &str {
    response["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_facility_must_take_every_category_and_certification() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let token = collected.collector.access.as_str();
    let no_laptops = plant(
        &app,
        &collected.operator,
        &["SMALL_APPLIANCE"],
        r#"["DATA_DESTRUCTION"]"#,
    )
    .await;
    let refused = hand_over(&app, token, &no_laptops.id, &[&collected.order_id], None).await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    assert_eq!(field(&refused), "input.facilityId");
    let uncertified = plant(
        &app,
        &collected.operator,
        &["LAPTOP", "SMALL_APPLIANCE"],
        "[]",
    )
    .await;
    let refused = hand_over(&app, token, &uncertified.id, &[&collected.order_id], None).await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("DATA_DESTRUCTION"),
        "{refused}"
    );
    let unknown = hand_over(
        &app,
        token,
        "00000000-0000-0000-0000-000000000000",
        &[&collected.order_id],
        None,
    )
    .await;
    assert_eq!(error_code(&unknown), Some("NOT_FOUND"), "{unknown}");
    let future = app.gql(Some(token), "mutation($input: HandOverInput!) { handOverToFacility(input: $input) { id } }",
        json!({"input": {"facilityId": uncertified.id, "orderIds": [collected.order_id], "recordedAt": "2099-01-01T00:00:00Z"}})).await;
    assert_eq!(field(&future), "input.recordedAt", "{future}");
    let still = items(&app, token, &collected.order_id)
        .await
        .expect("items");
    assert!(
        still
            .iter()
            .all(|i| i["status"] == "WITH_COLLECTOR"
                && i["events"].as_array().map(Vec::len) == Some(1)),
        "nothing written: {still:?}"
    );
    let bad_category = app.gql(Some(&collected.operator.access), "mutation { createFacility(input: {name: \"x\", permitNumber: \"y\", address: {line1: \"a\", city: \"b\", location: {latitude: 31.2, longitude: 121.5}}, acceptedCategories: [\"NOPE\"], certifications: []}) { id } }", json!({})).await;
    assert_eq!(
        field(&bad_category),
        "input.acceptedCategories[0]",
        "{bad_category}"
    );
}

#[tokio::test]
async fn handing_over_twice_or_before_completion_is_invalid_state() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let plant = light_plant(&app, &collected.operator).await;
    handed_over(&app, &collected, &plant).await;
    let again = hand_over(
        &app,
        &collected.collector.access,
        &plant.id,
        &[&collected.order_id],
        None,
    )
    .await;
    assert_eq!(error_code(&again), Some("INVALID_STATE"), "{again}");
    let (_, collector, _, assigned) = crate::orders::fixtures::assigned_order(&app).await;
    let early = hand_over(&app, &collector.access, &plant.id, &[&assigned], None).await;
    assert_eq!(error_code(&early), Some("INVALID_STATE"), "{early}");
    let empty = hand_over(&app, &collector.access, &plant.id, &[], None).await;
    assert_eq!(field(&empty), "input.orderIds", "{empty}");
}

#[tokio::test]
async fn a_receipt_must_cover_every_item_once_with_sane_weights() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let plant = light_plant(&app, &collected.operator).await;
    let transfer = handed_over(&app, &collected, &plant).await;
    let id = transfer["id"].as_str().expect("id");
    let [first, second] = [&transfer["items"][0]["id"], &transfer["items"][1]["id"]];
    let staff = plant.staff.access.as_str();
    let cases = [
        (
            json!([{"itemId": first, "weightKg": "1", "accepted": true}]),
            "input.lines",
        ),
        (
            json!([{"itemId": first, "weightKg": "1", "accepted": true}, {"itemId": second, "weightKg": "1", "accepted": true},
                {"itemId": "00000000-0000-0000-0000-000000000000", "weightKg": "1", "accepted": true}]),
            "input.lines[2].itemId",
        ),
        (
            json!([{"itemId": first, "weightKg": "-1", "accepted": true}, {"itemId": second, "weightKg": "1", "accepted": true}]),
            "input.lines[0].weightKg",
        ),
        (
            json!([{"itemId": first, "weightKg": "999999", "accepted": true}, {"itemId": second, "weightKg": "1", "accepted": true}]),
            "input.lines[0].weightKg",
        ),
        (
            json!([{"itemId": first, "weightKg": "1", "accepted": false}, {"itemId": second, "weightKg": "1", "accepted": true}]),
            "input.lines[0].reason",
        ),
        (
            json!([{"itemId": first, "weightKg": "1", "accepted": true}, {"itemId": first, "weightKg": "1", "accepted": true}]),
            "input.lines[1].itemId",
        ),
    ];
    for (lines, expected) in cases {
        let refused = receive(&app, staff, id, lines.clone()).await;
        assert_eq!(
            error_code(&refused),
            Some("VALIDATION"),
            "{lines}: {refused}"
        );
        assert_eq!(field(&refused), expected, "{lines}: {refused}");
    }
    let read = app
        .gql(
            Some(staff),
            "query($id: ID!) { transfer(id: $id) { status items { status events { sequence } } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        read["data"]["transfer"]["status"], "IN_TRANSIT",
        "nothing written: {read}"
    );
    let unknown = receive(
        &app,
        staff,
        "00000000-0000-0000-0000-000000000000",
        json!([]),
    )
    .await;
    assert_eq!(error_code(&unknown), Some("NOT_FOUND"), "{unknown}");
}

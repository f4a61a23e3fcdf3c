//! Erasing a customer's personal data: the account, addresses, contacts and the place of
//! the doorstep go beyond recovery; orders, custody records and certificates stay, every
//! chain still verifies, and a checkpoint signed before the erasure still holds.

use entity::custody_event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::custody::fixtures::{
    Collected, accept_all, collected_order, handed_over, light_plant, process, purged, receive,
    verify,
};
use crate::fixtures::{book_quote, quote_of, window};
use crate::helpers::{LOGIN, PASSWORD, TestApp, error_code, spawn_app};

const ERASE: &str = "mutation($id: ID!) { eraseCustomerData(userId: $id) }";
const CHECKPOINT: &str = "mutation { createCustodyCheckpoint { note } }";
const CHECK: &str =
    "query($note: String!) { verifyCustodyCheckpoint(checkpoint: $note) { consistent reason } }";
const ORDER: &str = "query($id: ID!) { pickupOrder(id: $id) { status finalPayout
    address { line1 line2 postalCode location { latitude longitude } } contactName contactPhone notes
    proof { signatureRef photoRefs } certificate { id }
    custodyItems { events { step location { latitude longitude } } } } }";

/// The order of `collected` taken through the plant to a certificate.
async fn certified(app: &TestApp, collected: &Collected) {
    let plant = light_plant(app, &collected.operator).await;
    let transfer = handed_over(app, collected, &plant).await;
    let transfer_id = transfer["id"].as_str().expect("transfer id");
    let received = receive(app, &plant.staff.access, transfer_id, accept_all(&transfer)).await;
    assert!(received["errors"].is_null(), "{received}");
    let item_ids: Vec<Value> = transfer["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    let processed = process(
        app,
        &plant.staff.access,
        json!({"itemIds": item_ids, "outcome": "MATERIAL_RECOVERED", "sanitization": purged(),
               "recoveredMaterials": [{"material": "copper", "kg": "0.4"}]}),
    )
    .await;
    assert!(processed["errors"].is_null(), "{processed}");
}

#[tokio::test]
async fn erasure_anonymises_the_customer_and_every_chain_still_verifies() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    certified(&app, &collected).await;
    let operator = collected.operator.access.clone();
    let kept = app.gql(Some(&operator), CHECKPOINT, json!({})).await;
    let note = kept["data"]["createCustodyCheckpoint"]["note"]
        .as_str()
        .unwrap_or_else(|| panic!("{kept}"))
        .to_owned();
    let vars = json!({"id": collected.order_id});
    let before = app.gql(Some(&operator), ORDER, vars.clone()).await;

    let erased = app
        .gql(Some(&operator), ERASE, json!({"id": collected.customer.id}))
        .await;
    assert_eq!(erased["data"]["eraseCustomerData"], true, "{erased}");

    let after = app.gql(Some(&operator), ORDER, vars.clone()).await;
    let order = &after["data"]["pickupOrder"];
    assert_eq!(order["address"]["line1"], "(erased)", "{after}");
    assert_eq!(order["contactName"], "(erased)");
    assert_eq!(order["contactPhone"], "(erased)");
    assert!(order["address"]["postalCode"].is_null() && order["notes"].is_null());
    assert!(order["proof"]["signatureRef"].is_null(), "{after}");
    let latitude = order["address"]["location"]["latitude"]
        .as_f64()
        .expect("lat");
    assert_eq!(
        latitude,
        (latitude * 100.0).round() / 100.0,
        "about a kilometre"
    );
    // What stays: the amounts, the status, the certificate.
    for kept_field in ["status", "finalPayout", "certificate"] {
        assert_eq!(order[kept_field], before["data"]["pickupOrder"][kept_field]);
    }
    let collection = &order["custodyItems"][0]["events"][0];
    assert_eq!(collection["step"], "COLLECTED");
    assert!(collection["location"].is_null(), "{collection}");
    doorsteps_are_gone(&app).await;

    let verdict = verify(&app, &operator, &collected.order_id).await;
    assert_eq!(
        verdict["data"]["verifyCustodyChain"]["valid"], true,
        "{verdict}"
    );
    let still = app.gql(Some(&operator), CHECK, json!({"note": note})).await;
    assert_eq!(
        still["data"]["verifyCustodyCheckpoint"]["consistent"], true,
        "{still}"
    );
    let login = app
        .gql(
            None,
            LOGIN,
            json!({"email": collected.customer.email, "password": PASSWORD}),
        )
        .await;
    assert!(login["data"]["login"].is_null(), "{login}");
    let refreshed = app
        .gql(
            None,
            "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
            json!({"t": collected.customer.refresh}),
        )
        .await;
    assert!(refreshed["errors"].is_array(), "{refreshed}");
    let again = app
        .gql(Some(&operator), ERASE, json!({"id": collected.customer.id}))
        .await;
    assert_eq!(again["data"]["eraseCustomerData"], true, "{again}");
}

/// No collection event keeps coordinates or a salt (the commitment stays).
async fn doorsteps_are_gone(app: &TestApp) {
    let collections = custody_event::Entity::find()
        .filter(custody_event::Column::Step.eq(entity::enums::CustodyStep::Collected))
        .all(&app.state.db)
        .await
        .expect("events");
    assert!(!collections.is_empty());
    for event in collections {
        assert!(event.latitude.is_none() && event.longitude.is_none());
        assert!(event.place_salt.is_none());
        assert!(
            event.place.is_some(),
            "the commitment the hash covers stays"
        );
    }
}

#[tokio::test]
async fn erasure_waits_for_open_orders_and_only_operators_erase_only_customers() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let quote = quote_of(
        &app,
        &customer,
        "[{categoryCode: \"LAPTOP\", condition: GOOD}]",
    )
    .await;
    book_quote(&app, &customer, &quote, window(2), "id").await;
    let open = app
        .gql(Some(&operator.access), ERASE, json!({"id": customer.id}))
        .await;
    assert_eq!(error_code(&open), Some("INVALID_STATE"), "{open}");
    let by_customer = app
        .gql(Some(&customer.access), ERASE, json!({"id": customer.id}))
        .await;
    assert_eq!(error_code(&by_customer), Some("FORBIDDEN"), "{by_customer}");
    let collector = app.register("COLLECTOR").await;
    let not_customer = app
        .gql(Some(&operator.access), ERASE, json!({"id": collector.id}))
        .await;
    assert_eq!(
        error_code(&not_customer),
        Some("VALIDATION"),
        "{not_customer}"
    );
    for unknown in [uuid::Uuid::new_v4().to_string(), "nope".to_owned()] {
        let missing = app
            .gql(Some(&operator.access), ERASE, json!({"id": unknown}))
            .await;
        assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{missing}");
    }
    // Nothing was written: the customer still signs in.
    let login = app
        .gql(
            None,
            LOGIN,
            json!({"email": customer.email, "password": PASSWORD}),
        )
        .await;
    assert!(login["data"]["login"].is_object(), "{login}");
}

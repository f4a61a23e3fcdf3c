//! The catalog through GraphQL: searching models, paging, operators changing the
//! catalog and prices (audited), and everyone else being refused.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, error_code, spawn_app};

const MODELS: &str = "query($s: String, $c: String, $first: Int, $after: String) {
    deviceModels(search: $s, category: $c, first: $first, after: $after) {
        edges { cursor node { id brand model categoryCode releaseYear resaleValue } }
        pageInfo { hasNextPage hasPreviousPage endCursor } } }";

#[tokio::test]
async fn the_demo_catalog_is_seeded() {
    let app = spawn_app().await;
    let response = app
        .gql(None, "{ categories { code pricingUnit hazardous requiredCertification } materialPrices { material pricePerKg } serviceAreas { name } pricingRules { conditionGrades { condition factor } roundingRule } }", json!({}))
        .await;
    let data = &response["data"];
    let codes: Vec<&str> = data["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    for code in [
        "SMARTPHONE",
        "CRT_TV",
        "EV_BATTERY_PACK",
        "LEAD_ACID_BATTERY",
        "PORTABLE_BATTERY",
        "REFRIGERATOR",
    ] {
        assert!(codes.contains(&code), "{code} missing: {codes:?}");
    }
    assert!(
        data["materialPrices"]
            .as_array()
            .is_some_and(|p| p.len() >= 10),
        "{response}"
    );
    assert!(
        data["serviceAreas"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    assert_eq!(
        data["pricingRules"]["conditionGrades"][0]["condition"],
        "LIKE_NEW"
    );
    let all = app.gql(None, MODELS, json!({"first": 100})).await;
    assert_eq!(
        all["data"]["deviceModels"]["pageInfo"]["hasNextPage"], true,
        "hundreds of models are seeded"
    );
}

#[tokio::test]
async fn models_are_searched_case_insensitively_and_filtered_by_category() {
    let app = spawn_app().await;
    let response = app
        .gql(None, MODELS, json!({"s": "IPHONE 13", "first": 50}))
        .await;
    let edges = response["data"]["deviceModels"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert!(!edges.is_empty(), "{response}");
    for edge in &edges {
        let name = format!("{} {}", edge["node"]["brand"], edge["node"]["model"]).to_lowercase();
        assert!(name.contains("iphone 13"), "{name}");
    }
    let tablets = app
        .gql(None, MODELS, json!({"c": "TABLET", "first": 100}))
        .await;
    let tablets = tablets["data"]["deviceModels"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert!(
        tablets
            .iter()
            .all(|e| e["node"]["categoryCode"] == "TABLET")
    );
    let nothing = app.gql(None, MODELS, json!({"s": "%_\\"})).await;
    assert_eq!(
        nothing["data"]["deviceModels"]["edges"],
        json!([]),
        "wildcards match themselves"
    );
}

#[tokio::test]
async fn paging_through_models_visits_each_once_in_order() {
    let app = spawn_app().await;
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let response = app
            .gql(
                None,
                MODELS,
                json!({"s": "galaxy", "first": 7, "after": after}),
            )
            .await;
        let connection = &response["data"]["deviceModels"];
        for edge in connection["edges"].as_array().expect("edges") {
            assert!(
                seen.insert(edge["node"]["id"].as_str().unwrap_or("").to_owned()),
                "duplicate {edge}"
            );
            names.push(
                format!(
                    "{} {}",
                    edge["node"]["brand"].as_str().unwrap_or(""),
                    edge["node"]["model"].as_str().unwrap_or("")
                )
                .to_lowercase(),
            );
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert!(seen.len() > 20, "{}", seen.len());
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let bad = app.gql(None, MODELS, json!({"after": "garbage"})).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"));
    let too_many = app.gql(None, MODELS, json!({"first": 1000})).await;
    assert_eq!(error_code(&too_many), Some("VALIDATION"));
}

const CREATE_MODEL: &str = "mutation($input: DeviceModelInput!) { createDeviceModel(input: $input) { id brand model resaleValue } }";

fn model_input(model: &str) -> Value {
    json!({"input": {"brand": "Fairphone", "model": model, "categoryCode": "SMARTPHONE", "releaseYear": 2023, "resaleValue": "1500.00"}})
}

#[tokio::test]
async fn only_operators_change_the_catalog() {
    let app = spawn_app().await;
    let household = app.register("HOUSEHOLD").await;
    let collector = app.register("COLLECTOR").await;
    for token in [
        Some(household.access.as_str()),
        Some(collector.access.as_str()),
    ] {
        let refused = app.gql(token, CREATE_MODEL, model_input("5")).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    }
    let anonymous = app.gql(None, CREATE_MODEL, model_input("5")).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    let audit = app
        .gql(
            Some(&household.access),
            "{ catalogAuditLog { edges { node { action } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&audit), Some("FORBIDDEN"));
}

/// Creates the Fairphone 5 (a second time is a CONFLICT), finds it, and raises its
/// resale value; returns its id.
async fn create_find_and_update_a_model(app: &TestApp, token: Option<&str>) -> String {
    let created = app.gql(token, CREATE_MODEL, model_input("5")).await;
    let id = created["data"]["createDeviceModel"]["id"]
        .as_str()
        .expect("created")
        .to_owned();
    let duplicate = app.gql(token, CREATE_MODEL, model_input("5")).await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"), "{duplicate}");
    let found = app.gql(None, MODELS, json!({"s": "fairphone 5"})).await;
    assert_eq!(
        found["data"]["deviceModels"]["edges"][0]["node"]["id"],
        id.as_str()
    );

    let updated = app
        .gql(
            token,
            "mutation($id: ID!, $input: DeviceModelInput!) { updateDeviceModel(id: $id, input: $input) { resaleValue } }",
            json!({"id": id, "input": {"brand": "Fairphone", "model": "5", "categoryCode": "SMARTPHONE", "releaseYear": 2023, "resaleValue": "1400.00"}}),
        )
        .await;
    assert_eq!(
        updated["data"]["updateDeviceModel"]["resaleValue"], "1400.00",
        "{updated}"
    );
    id
}

/// A model with an impossible year or an unknown category names the field at fault.
async fn assert_bad_models_name_the_field(app: &TestApp, token: Option<&str>) {
    let bad_year = app
        .gql(token, CREATE_MODEL, json!({"input": {"brand": "X", "model": "Y", "categoryCode": "SMARTPHONE", "releaseYear": 1800, "resaleValue": "1"}}))
        .await;
    assert_eq!(
        bad_year["errors"][0]["extensions"]["field"],
        "input.releaseYear"
    );
    let bad_category = app
        .gql(token, CREATE_MODEL, json!({"input": {"brand": "X", "model": "Y", "categoryCode": "NOPE", "releaseYear": 2020, "resaleValue": "1"}}))
        .await;
    assert_eq!(
        bad_category["errors"][0]["extensions"]["field"],
        "input.categoryCode"
    );
}

/// A new category's code is upper-cased and its materials lower-cased.
async fn assert_upserted_category_is_normalised(app: &TestApp, token: Option<&str>) {
    let category = app
        .gql(
            token,
            "mutation($input: CategoryInput!) { upsertCategory(input: $input) { code pricingUnit materials { material kgPerUnit } } }",
            json!({"input": {"code": "e_bike_battery", "name": "E-bike battery", "pricingUnit": "KG", "hazardous": true,
                "requiredCertification": "HAZARDOUS_BATTERY", "typicalWeightKg": "3.5", "handlingCost": "2.00",
                "materials": [{"material": "Lithium", "kgPerUnit": "0.02"}]}}),
        )
        .await;
    assert_eq!(
        category["data"]["upsertCategory"]["code"], "E_BIKE_BATTERY",
        "{category}"
    );
    assert_eq!(
        category["data"]["upsertCategory"]["materials"][0]["material"],
        "lithium"
    );
}

/// The current price of nickel per kg.
async fn nickel_price(app: &TestApp) -> Value {
    let current = app
        .gql(
            None,
            "{ materialPrices { material pricePerKg } }",
            json!({}),
        )
        .await;
    let nickel = current["data"]["materialPrices"]
        .as_array()
        .expect("prices")
        .iter()
        .find(|p| p["material"] == "nickel")
        .cloned();
    nickel.expect("nickel")["pricePerKg"].clone()
}

/// A price set 30 days ahead is in the history but not current yet.
async fn set_a_future_nickel_price(app: &TestApp, token: Option<&str>) {
    let future = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let price = app
        .gql(
            token,
            "mutation($at: DateTime) { setMaterialPrice(input: {material: \"nickel\", pricePerKg: \"130.00\", effectiveFrom: $at}) { pricePerKg } }",
            json!({"at": future}),
        )
        .await;
    assert_eq!(
        price["data"]["setMaterialPrice"]["pricePerKg"], "130.00",
        "{price}"
    );
    assert_eq!(
        nickel_price(app).await,
        "125.00",
        "a future price is not current yet"
    );
    let history = app
        .gql(
            None,
            "{ materialPriceHistory(material: \"nickel\") { pricePerKg } }",
            json!({}),
        )
        .await;
    assert_eq!(
        history["data"]["materialPriceHistory"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

/// The audit log lists every change above, newest first, by `operator`.
async fn assert_audited(app: &TestApp, operator: &Account) {
    let audit = app
        .gql(
            Some(&operator.access),
            "{ catalogAuditLog(first: 10) { edges { node { action actorUserId entityType } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = audit["data"]["catalogAuditLog"]["edges"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|e| e["node"]["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "material_price.set",
            "category.upsert",
            "device_model.update",
            "device_model.create"
        ],
        "{audit}"
    );
    assert_eq!(
        audit["data"]["catalogAuditLog"]["edges"][0]["node"]["actorUserId"],
        operator.id.as_str()
    );
}

#[tokio::test]
async fn operator_changes_are_validated_applied_and_audited() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let token = Some(operator.access.as_str());

    create_find_and_update_a_model(&app, token).await;
    assert_bad_models_name_the_field(&app, token).await;
    assert_upserted_category_is_normalised(&app, token).await;
    set_a_future_nickel_price(&app, token).await;
    assert_audited(&app, &operator).await;
    app.clock.advance(chrono::Duration::days(31));
    assert_eq!(nickel_price(&app).await, "130.00");
}

//! Quotes through GraphQL: every item kind, explanations that add up, locking, expiry,
//! ownership and validation.

use rust_decimal::Decimal;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, spawn_app, spawn_app_with};

pub const REQUEST_QUOTE: &str = "mutation($input: QuoteInput!) { requestQuote(input: $input) {
    id status currency validUntil total logisticsFee logisticsBreakdown { label amount } priceTableVersion
    lines { id description quantity method amount totalWeightKg categoryCode serialNumber breakdown { label amount } } } }";

const QUOTE: &str =
    "query($id: ID!) { quote(id: $id) { id status total lines { amount breakdown { amount } } } }";

fn dec(value: &Value) -> Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a decimal: {value}"))
        .parse()
        .expect("decimal")
}

/// Checks that every breakdown sums to its amount and the total to lines − fee.
fn assert_adds_up(quote: &Value) {
    let mut lines_sum = Decimal::ZERO;
    for line in quote["lines"].as_array().expect("lines") {
        let parts: Decimal = line["breakdown"]
            .as_array()
            .expect("breakdown")
            .iter()
            .map(|c| dec(&c["amount"]))
            .sum();
        assert_eq!(parts, dec(&line["amount"]), "breakdown of {line}");
        lines_sum += dec(&line["amount"]);
    }
    let fee_parts: Decimal = quote["logisticsBreakdown"]
        .as_array()
        .expect("fee")
        .iter()
        .map(|c| dec(&c["amount"]))
        .sum();
    assert_eq!(fee_parts, dec(&quote["logisticsFee"]));
    assert_eq!(
        lines_sum - dec(&quote["logisticsFee"]),
        dec(&quote["total"]),
        "{quote}"
    );
}

async fn quote(app: &TestApp, token: Option<&str>, input: Value) -> Value {
    app.gql(token, REQUEST_QUOTE, json!({"input": input})).await
}

async fn stored_quotes(app: &TestApp) -> u64 {
    entity::quote::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn every_item_kind_is_priced_with_an_explanation_that_adds_up() {
    let app = spawn_app().await;
    let phone = app.model_id("iphone 13").await;
    let laptop = app.model_id("macbook air 15").await;
    let input = json!({
        "items": [
            {"deviceModelId": phone, "condition": "GOOD", "serialNumber": "490154203237518"},
            {"deviceModelId": laptop, "answers": {"powersOn": true, "screenCracked": true, "bodyDamage": "MINOR", "batteryHealthPct": 75, "accessoriesComplete": false}},
            {"categoryCode": "SMALL_APPLIANCE", "weightKg": "4.5", "quantity": 2},
            {"categoryCode": "CRT_TV"},
            {"categoryCode": "EV_BATTERY_PACK", "battery": {"chemistry": "NMC", "stateOfHealthPct": 85, "weightKg": "380", "traceCode": "03HPB0DA0001B1C7S0000001"}},
            {"categoryCode": "LEAD_ACID_BATTERY", "battery": {"chemistry": "LEAD_ACID", "weightKg": "15.5"}}
        ],
        "pickupLocation": {"latitude": 31.23, "longitude": 121.47}
    });
    let response = quote(&app, None, input).await;
    let quote = &response["data"]["requestQuote"];
    assert_eq!(quote["status"], "ACTIVE", "{response}");
    assert_eq!(quote["currency"], "CNY");
    let methods: Vec<&str> = quote["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["method"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(methods[0], "REUSE");
    assert_eq!(methods[1], "REUSE");
    assert_eq!(methods[2], "MATERIAL_RECOVERY");
    assert_eq!(methods[3], "DISPOSAL_FEE");
    assert!(dec(&quote["lines"][3]["amount"]) < Decimal::ZERO);
    assert_eq!(quote["lines"][0]["serialNumber"], "490154203237518");
    assert_eq!(quote["lines"][2]["quantity"], 2);
    assert_eq!(dec(&quote["lines"][2]["totalWeightKg"]), Decimal::new(9, 0));
    assert!(
        quote["lines"][1]["breakdown"]
            .to_string()
            .contains("Deduction: screen cracked"),
        "{quote}"
    );
    assert_adds_up(quote);
}

#[tokio::test]
async fn quantity_is_one_when_omitted_or_null_and_multiplies_otherwise() {
    let app = spawn_app().await;
    let laptop = |quantity: Value| json!({"items": [{"categoryCode": "LAPTOP", "condition": "GOOD", "quantity": quantity}]});
    let line = |response: Value| response["data"]["requestQuote"]["lines"][0].clone();
    let omitted = line(
        quote(
            &app,
            None,
            json!({"items": [{"categoryCode": "LAPTOP", "condition": "GOOD"}]}),
        )
        .await,
    );
    let null = line(quote(&app, None, laptop(Value::Null)).await);
    let three = line(quote(&app, None, laptop(json!(3))).await);
    assert_eq!(omitted["quantity"], 1, "{omitted}");
    assert_eq!(null["quantity"], 1, "{null}");
    assert_eq!(null["amount"], omitted["amount"]);
    assert_eq!(three["quantity"], 3, "{three}");
    // Rounded once, for all three pieces: within a cent per piece of 3 × one.
    let difference = dec(&three["amount"]) - dec(&omitted["amount"]) * Decimal::from(3);
    assert!(difference.abs() <= Decimal::new(3, 2), "{three} {omitted}");
}

#[tokio::test]
async fn a_worse_condition_never_pays_more() {
    let app = spawn_app().await;
    let phone = app.model_id("iphone 13").await;
    let mut amounts = Vec::new();
    for condition in ["LIKE_NEW", "GOOD", "FAIR", "BROKEN", "SCRAP"] {
        let response = quote(
            &app,
            None,
            json!({"items": [{"deviceModelId": phone, "condition": condition}]}),
        )
        .await;
        amounts.push(dec(&response["data"]["requestQuote"]["lines"][0]["amount"]));
    }
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    assert!(amounts[0] > amounts[4]);
}

#[tokio::test]
async fn a_quote_expires_after_48_hours() {
    let app = spawn_app().await;
    let response = quote(&app, None, json!({"items": [{"categoryCode": "LAPTOP"}]})).await;
    let id = response["data"]["requestQuote"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.clock.advance(chrono::Duration::hours(47));
    let read = app.gql(None, QUOTE, json!({"id": id})).await;
    assert_eq!(read["data"]["quote"]["status"], "ACTIVE");
    app.clock.advance(chrono::Duration::hours(2));
    let read = app.gql(None, QUOTE, json!({"id": id})).await;
    assert_eq!(read["data"]["quote"]["status"], "EXPIRED", "{read}");
}

#[tokio::test]
async fn an_anonymous_quote_is_readable_by_its_id_and_an_owned_one_only_by_its_owner() {
    let app = spawn_app().await;
    let anonymous = quote(&app, None, json!({"items": [{"categoryCode": "TABLET"}]})).await;
    let anonymous_id = anonymous["data"]["requestQuote"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let stranger = app.register("HOUSEHOLD").await;
    let read = app
        .gql(Some(&stranger.access), QUOTE, json!({"id": anonymous_id}))
        .await;
    assert_eq!(read["data"]["quote"]["id"], anonymous_id.as_str());

    let owner = app.register("HOUSEHOLD").await;
    let owned = quote(
        &app,
        Some(&owner.access),
        json!({"items": [{"categoryCode": "TABLET"}]}),
    )
    .await;
    let owned_id = owned["data"]["requestQuote"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mine = app
        .gql(Some(&owner.access), QUOTE, json!({"id": owned_id}))
        .await;
    assert_eq!(mine["data"]["quote"]["id"], owned_id.as_str());
    for token in [Some(stranger.access.as_str()), None] {
        let theirs = app.gql(token, QUOTE, json!({"id": owned_id})).await;
        assert_eq!(theirs["data"]["quote"], Value::Null, "{theirs}");
    }
    let operator = app.operator().await;
    let ops = app
        .gql(Some(&operator.access), QUOTE, json!({"id": owned_id}))
        .await;
    assert_eq!(ops["data"]["quote"]["id"], owned_id.as_str());
}

#[tokio::test]
async fn a_price_change_never_changes_an_active_quote() {
    let app = spawn_app().await;
    let input = json!({"items": [{"categoryCode": "SMALL_APPLIANCE", "weightKg": "10"}]});
    let before = quote(&app, None, input.clone()).await["data"]["requestQuote"].clone();
    let operator = app.operator().await;
    let set = app
        .gql(
            Some(&operator.access),
            "mutation { setMaterialPrice(input: {material: \"copper\", pricePerKg: \"680.00\"}) { material pricePerKg } }",
            json!({}),
        )
        .await;
    assert_eq!(
        set["data"]["setMaterialPrice"]["pricePerKg"], "680.00",
        "{set}"
    );

    let reread = app.gql(None, QUOTE, json!({"id": before["id"]})).await;
    assert_eq!(reread["data"]["quote"]["total"], before["total"]);
    let after = quote(&app, None, input).await["data"]["requestQuote"].clone();
    assert!(
        dec(&after["total"]) > dec(&before["total"]),
        "{before} {after}"
    );
    assert_ne!(after["priceTableVersion"], before["priceTableVersion"]);
}

#[tokio::test]
async fn quotes_priced_with_the_same_table_share_one_stored_copy_of_it() {
    let app = spawn_app().await;
    let input = json!({"items": [{"categoryCode": "SMALL_APPLIANCE", "weightKg": "10"}]});
    let first = quote(&app, None, input.clone()).await["data"]["requestQuote"].clone();
    let second = quote(&app, None, input.clone()).await["data"]["requestQuote"].clone();
    assert_eq!(first["priceTableVersion"], second["priceTableVersion"]);
    let stored_tables = || async {
        entity::price_table::Entity::find()
            .all(&app.state.db)
            .await
            .expect("price tables")
    };
    let tables = stored_tables().await;
    assert_eq!(tables.len(), 1);
    assert_eq!(
        Some(tables[0].version.as_str()),
        first["priceTableVersion"].as_str()
    );
    assert_eq!(tables[0].body["material_prices"]["copper"], "68.00");

    let operator = app.operator().await;
    let set = app
        .gql(
            Some(&operator.access),
            "mutation { setMaterialPrice(input: {material: \"copper\", pricePerKg: \"70.00\"}) { pricePerKg } }",
            json!({}),
        )
        .await;
    assert_eq!(
        set["data"]["setMaterialPrice"]["pricePerKg"], "70.00",
        "{set}"
    );
    let third = quote(&app, None, input).await["data"]["requestQuote"].clone();
    assert_ne!(third["priceTableVersion"], first["priceTableVersion"]);
    let tables = stored_tables().await;
    assert_eq!(tables.len(), 2, "one stored table per version");
}

/// Bad items by what they name: an unknown or malformed model, an unknown category, no
/// identity, a quantity or weight out of range: (input, field at fault).
fn bad_item_identities(unknown_model: &str) -> Vec<(Value, &'static str)> {
    vec![
        (
            json!({"items": [{"deviceModelId": unknown_model}]}),
            "input.items[0].deviceModelId",
        ),
        (
            json!({"items": [{"deviceModelId": "not-a-uuid"}]}),
            "input.items[0].deviceModelId",
        ),
        (
            json!({"items": [{"categoryCode": "SPACESHIP"}]}),
            "input.items[0].categoryCode",
        ),
        (json!({"items": [{}]}), "input.items[0].deviceModelId"),
        (
            json!({"items": [{"categoryCode": "LAPTOP", "quantity": 0}]}),
            "input.items[0].quantity",
        ),
        (
            json!({"items": [{"categoryCode": "LAPTOP", "quantity": 1001}]}),
            "input.items[0].quantity",
        ),
        (
            json!({"items": [{"categoryCode": "SMALL_APPLIANCE", "weightKg": "-3"}]}),
            "input.items[0].weightKg",
        ),
        (
            json!({"items": [{"categoryCode": "SMALL_APPLIANCE", "weightKg": "999999"}]}),
            "input.items[0].weightKg",
        ),
        (
            json!({"items": [{"categoryCode": "SMALL_APPLIANCE"}]}),
            "input.items[0].weightKg",
        ),
    ]
}

/// Bad details of an item: batteries, serial numbers, condition answers, a model and a
/// category at once: (input, field at fault).
fn bad_item_details(phone: &str) -> Vec<(Value, &'static str)> {
    vec![
        (
            json!({"items": [{"categoryCode": "EV_BATTERY_PACK"}]}),
            "input.items[0].battery",
        ),
        (
            json!({"items": [{"categoryCode": "LAPTOP", "battery": {"chemistry": "NMC", "weightKg": "1"}}]}),
            "input.items[0].battery",
        ),
        (
            json!({"items": [{"categoryCode": "EV_BATTERY_PACK", "battery": {"chemistry": "NMC", "weightKg": "300", "stateOfHealthPct": 101}}]}),
            "input.items[0].battery.stateOfHealthPct",
        ),
        (
            json!({"items": [{"categoryCode": "EV_BATTERY_PACK", "battery": {"chemistry": "NMC", "weightKg": "300", "traceCode": "ABC"}}]}),
            "input.items[0].battery.traceCode",
        ),
        (
            json!({"items": [{"deviceModelId": phone, "serialNumber": "490154203237517"}]}),
            "input.items[0].serialNumber",
        ),
        (
            json!({"items": [{"deviceModelId": phone, "condition": "GOOD", "answers": {"powersOn": true, "screenCracked": false, "bodyDamage": "NONE"}}]}),
            "input.items[0].answers",
        ),
        (
            json!({"items": [{"deviceModelId": phone, "categoryCode": "LAPTOP"}]}),
            "input.items[0].categoryCode",
        ),
    ]
}

/// A bad request around the items: none, too many, a pickup point off the map or outside
/// the service area: (input, field at fault).
fn bad_request_shapes() -> Vec<(Value, &'static str)> {
    vec![
        (json!({"items": []}), "input.items"),
        (
            json!({"items": [{"categoryCode": "LAPTOP"}, {"categoryCode": "LAPTOP"}, {"categoryCode": "LAPTOP"}, {"categoryCode": "LAPTOP"}]}),
            "input.items",
        ),
        (
            json!({"items": [{"categoryCode": "LAPTOP"}], "pickupLocation": {"latitude": 91, "longitude": 0}}),
            "input.pickupLocation",
        ),
        (
            json!({"items": [{"categoryCode": "LAPTOP"}], "pickupLocation": {"latitude": 48.85, "longitude": 2.35}}),
            "input.pickupLocation",
        ),
    ]
}

#[tokio::test]
async fn bad_input_is_a_validation_error_naming_the_field_and_stores_nothing() {
    let app = spawn_app_with(|c| c.quotes.max_items = 3).await;
    let phone = app.model_id("iphone").await;
    let unknown_model = uuid::Uuid::new_v4().to_string();
    let cases = bad_item_identities(&unknown_model)
        .into_iter()
        .chain(bad_item_details(&phone))
        .chain(bad_request_shapes());
    for (input, field) in cases {
        let response = quote(&app, None, input.clone()).await;
        assert_eq!(
            error_code(&response),
            Some("VALIDATION"),
            "{input}: {response}"
        );
        assert_eq!(
            response["errors"][0]["extensions"]["field"], field,
            "{input}: {response}"
        );
    }
    assert_eq!(stored_quotes(&app).await, 0);
}

#[tokio::test]
async fn anonymous_quotes_are_rate_limited_per_address() {
    let app = spawn_app_with(|c| c.quotes.anonymous_per_minute = 2).await;
    let input = json!({"items": [{"categoryCode": "LAPTOP"}]});
    for _ in 0..2 {
        let ok = quote(&app, None, input.clone()).await;
        assert!(ok["data"]["requestQuote"].is_object(), "{ok}");
    }
    let limited = quote(&app, None, input.clone()).await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    // A signed-in user has a budget of their own.
    let user = app.register("HOUSEHOLD").await;
    let mine = quote(&app, Some(&user.access), input).await;
    assert!(mine["data"]["requestQuote"].is_object(), "{mine}");
}

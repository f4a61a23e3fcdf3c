//! CO2e factors in the catalog: the demo catalog's defaults, an operator's change, the
//! factor kept when an update omits it and removed by an explicit null, and out-of-range
//! factors refused naming the field. (The report's `co2eAvoidedKg` figures are checked in
//! `figures` over the known workload.)

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const UPSERT: &str = "mutation($input: CategoryInput!) {
    upsertCategory(input: $input) { code co2eAvoidedKgPerKg } }";

/// A category definition, with `factor` merged in unless it is `None` (omitted).
fn input(factor: Option<Value>) -> Value {
    let mut input = json!({"code": "E_BIKE_BATTERY", "name": "E-bike battery", "pricingUnit": "KG",
        "hazardous": true, "requiredCertification": "HAZARDOUS_BATTERY", "typicalWeightKg": "3.5",
        "handlingCost": "2.00", "materials": [{"material": "lithium", "kgPerUnit": "0.02"}]});
    if let Some(factor) = factor {
        input["co2eAvoidedKgPerKg"] = factor;
    }
    json!({ "input": input })
}

async fn factor_of(app: &TestApp, code: &str) -> Value {
    let read = app
        .gql(
            None,
            "{ categories { code co2eAvoidedKgPerKg } }",
            json!({}),
        )
        .await;
    read["data"]["categories"]
        .as_array()
        .unwrap_or_else(|| panic!("{read}"))
        .iter()
        .find(|c| c["code"] == code)
        .map(|c| c["co2eAvoidedKgPerKg"].clone())
        .unwrap_or_else(|| panic!("no {code}: {read}"))
}

#[tokio::test]
async fn operators_set_keep_and_remove_a_categorys_co2e_factor() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let token = Some(operator.access.as_str());
    assert_eq!(factor_of(&app, "LAPTOP").await, "1.17");
    assert_eq!(factor_of(&app, "EV_BATTERY_PACK").await, Value::Null);

    let set = app.gql(token, UPSERT, input(Some(json!("2.5")))).await;
    assert_eq!(
        set["data"]["upsertCategory"]["co2eAvoidedKgPerKg"], "2.5",
        "{set}"
    );
    let kept = app.gql(token, UPSERT, input(None)).await;
    assert_eq!(
        kept["data"]["upsertCategory"]["co2eAvoidedKgPerKg"], "2.5",
        "an update that omits the factor keeps it: {kept}"
    );
    assert_eq!(factor_of(&app, "E_BIKE_BATTERY").await, "2.5");
    let removed = app.gql(token, UPSERT, input(Some(Value::Null))).await;
    assert_eq!(
        removed["data"]["upsertCategory"]["co2eAvoidedKgPerKg"],
        Value::Null,
        "{removed}"
    );

    for bad in ["-0.1", "100.5"] {
        let refused = app.gql(token, UPSERT, input(Some(json!(bad)))).await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "VALIDATION",
            "{refused}"
        );
        assert_eq!(
            refused["errors"][0]["extensions"]["field"],
            "input.co2eAvoidedKgPerKg"
        );
    }
    assert_eq!(factor_of(&app, "E_BIKE_BATTERY").await, Value::Null);

    let household = app.register("HOUSEHOLD").await;
    let forbidden = app
        .gql(Some(&household.access), UPSERT, input(Some(json!("1"))))
        .await;
    assert_eq!(forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

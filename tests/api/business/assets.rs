//! Asset lists: every bad line reported and nothing imported, then the fixed list
//! imported and quoted line by line; valid lines imported on request; the CSV upload
//! answers as the mutation does.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::fixtures::{IMPORT, csv_of, import_csv, imported_list, laptop_lines, quote_list};
use crate::helpers::{error_code, spawn_app, spawn_app_with};

fn dec(value: &Value) -> Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a decimal: {value}"))
        .parse()
        .expect("decimal")
}

#[tokio::test]
async fn a_500_line_list_with_3_bad_lines_imports_nothing_then_imports_and_quotes_every_line_once_fixed()
 {
    let app = spawn_app().await;
    let owner = app.register("BUSINESS").await;
    let mut lines = laptop_lines(500);
    // CSV line numbers: the header is line 1, lines[i] is line i + 2.
    lines[99] = "TOASTER,SNBAD1,TAG-BAD1,GOOD,2".to_owned();
    lines[249] = "LAPTOP,SN000000,TAG-00249,GOOD,2.1".to_owned();
    lines[399] = "LAPTOP,SN000399,TAG-00399,GOOD,-3".to_owned();

    let refused = import_csv(&app, &owner.access, &csv_of(&lines), false).await;
    let answer = &refused["data"]["importAssetList"];
    assert_eq!(answer["assetList"], Value::Null, "{refused}");
    assert_eq!(answer["imported"], 0);
    let errors: Vec<(i64, &str)> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().expect("line"),
                e["field"].as_str().expect("field"),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (101, "categoryCode"),
            (251, "serialNumber"),
            (401, "weightKg")
        ],
        "{refused}"
    );
    assert!(
        answer["errors"][1]["message"]
            .as_str()
            .is_some_and(|m| m.contains("line 2")),
        "the duplicate names the first line: {refused}"
    );
    let none = app
        .gql(
            Some(&owner.access),
            "{ organizationAssets { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        none["data"]["organizationAssets"]["edges"],
        json!([]),
        "{none}"
    );

    let list_id = imported_list(&app, &owner, &csv_of(&laptop_lines(500))).await;
    let quoted = quote_list(&app, &owner.access, &list_id).await;
    let quote = &quoted["data"]["requestAssetListQuote"];
    let quote_lines = quote["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("{quoted}"));
    assert_eq!(quote_lines.len(), 500);
    assert!(quote_lines.iter().all(|l| l["assetId"].is_string()));
    let sum: Decimal = quote_lines.iter().map(|l| dec(&l["amount"])).sum();
    let totals = quote["categoryTotals"].as_array().expect("totals");
    assert_eq!(totals.len(), 1, "{quoted}");
    assert_eq!(totals[0]["categoryCode"], "LAPTOP");
    assert_eq!(totals[0]["lines"], 500);
    assert_eq!(dec(&totals[0]["amount"]), sum);
    assert_eq!(dec(&totals[0]["weightKg"]), Decimal::new(1050, 0));
    assert_eq!(dec(&quote["total"]), sum - dec(&quote["logisticsFee"]));

    // The report pages through every asset once, in line order.
    let (mut after, mut seen) = (Value::Null, Vec::new());
    loop {
        let page = app
            .gql(
                Some(&owner.access),
                "query($after: String) { organizationAssets(first: 100, after: $after) {
                    edges { cursor node { lineNumber } } pageInfo { hasNextPage } } }",
                json!({"after": after}),
            )
            .await;
        let connection = &page["data"]["organizationAssets"];
        let edges = connection["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"));
        seen.extend(
            edges
                .iter()
                .map(|e| e["node"]["lineNumber"].as_i64().expect("line")),
        );
        after = edges
            .last()
            .map(|e| e["cursor"].clone())
            .unwrap_or(Value::Null);
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
    }
    assert_eq!(seen, (2..502).collect::<Vec<i64>>());
}

#[tokio::test]
async fn valid_lines_are_imported_only_when_asked_and_listed_serials_are_warned() {
    // A small limit: 2,001 lines would exceed the GraphQL body limit before the line limit.
    let app = spawn_app_with(|c| c.quotes.max_asset_lines = 5).await;
    let operator = app.operator().await;
    let owner = app.register("BUSINESS").await;
    let listed = app
        .gql(
            Some(&operator.access),
            "mutation { addBlockedDevice(serialNumber: \"SN000001\", reason: STOLEN) { id } }",
            json!({}),
        )
        .await;
    assert!(listed["data"]["addBlockedDevice"].is_object(), "{listed}");
    let input = json!({"lines": [
        {"categoryCode": "LAPTOP", "serialNumber": "SN000001", "assetTag": "A-1", "condition": "GOOD"},
        {"categoryCode": "SMALL_APPLIANCE", "assetTag": "A-2"},
        {"deviceModelId": "not-an-id", "assetTag": "A-3"},
        {"categoryCode": "SMALL_APPLIANCE", "assetTag": "A-4", "weightKg": "12.5"},
    ], "importValidLines": true});
    let response = app
        .gql(Some(&owner.access), IMPORT, json!({"input": input}))
        .await;
    let answer = &response["data"]["importAssetList"];
    assert_eq!(answer["imported"], 2, "{response}");
    assert_eq!(answer["assetList"]["lineCount"], 2);
    assert_eq!(
        answer["errors"],
        json!([
            {"line": 2, "field": "weightKg", "message": "is required for items priced by weight"},
            {"line": 3, "field": "deviceModelId", "message": "is not a valid id"},
        ])
    );
    assert_eq!(answer["warnings"][0]["line"], 1, "{response}");
    assert!(
        answer["warnings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("STOLEN"))
    );

    let household = app.register("HOUSEHOLD").await;
    let refused = app
        .gql(
            Some(&household.access),
            IMPORT,
            json!({"input": {"csv": "categoryCode\nLAPTOP\n"}}),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let too_many = app
        .gql(
            Some(&owner.access),
            IMPORT,
            json!({"input": {"csv": csv_of(&laptop_lines(6))}}),
        )
        .await;
    assert_eq!(error_code(&too_many), Some("VALIDATION"), "{too_many}");
    assert_eq!(too_many["errors"][0]["extensions"]["field"], "input.csv");
}

#[tokio::test]
async fn the_csv_upload_answers_as_the_mutation_does() {
    let app = spawn_app().await;
    let owner = app.register("BUSINESS").await;
    let mut lines = laptop_lines(30);
    lines[4] = "LAPTOP,SN000004,TAG-00004,SHINY,2.1".to_owned();
    let csv = csv_of(&lines);
    let by_mutation = import_csv(&app, &owner.access, &csv, false).await;
    let upload = |valid: bool| {
        app.http
            .post(format!(
                "{}/assets/import?name=Floor%203&importValidLines={valid}",
                app.address
            ))
            .bearer_auth(&owner.access)
            .header("content-type", "text/csv")
            .body(csv.clone())
            .send()
    };
    let refused: Value = upload(false)
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(refused, by_mutation["data"]["importAssetList"]);
    let partial = upload(true).await.expect("sent");
    assert_eq!(partial.status(), 200);
    let partial: Value = partial.json().await.expect("json");
    assert_eq!(partial["imported"], 29, "{partial}");
    assert_eq!(partial["assetList"]["name"], "Floor 3");
    assert_eq!(partial["errors"], refused["errors"]);

    let anonymous = app
        .http
        .post(format!("{}/assets/import", app.address))
        .body(csv)
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 401);
}

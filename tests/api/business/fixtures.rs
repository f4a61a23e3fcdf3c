//! Set-up of the business tests: asset lists as CSV, importing and quoting them, and a
//! service area's slot weight budget.

use entity::service_area;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp};

/// `importAssetList` with every field of its answer.
pub const IMPORT: &str = "mutation($input: AssetListInput!) { importAssetList(input: $input) {
    assetList { id name lineCount } imported errors { line field message } warnings { line field message } } }";

/// The CSV header of the tests' lists.
pub const HEADER: &str = "categoryCode,serialNumber,assetTag,condition,weightKg";

/// `n` laptop lines (serial `SN000000`…, tag `TAG-00000`…), without the header.
pub fn laptop_lines(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("LAPTOP,SN{i:06},TAG-{i:05},GOOD,2.1"))
        .collect()
}

/// `lines` under the header, as CSV text.
pub fn csv_of(lines: &[String]) -> String {
    let mut text = String::from(HEADER);
    for line in lines {
        text.push('\n');
        text.push_str(line);
    }
    text.push('\n');
    text
}

/// Imports `csv` through `importAssetList` as `token`; the whole response.
pub async fn import_csv(app: &TestApp, token: &str, csv: &str, valid_lines: bool) -> Value {
    app.gql(
        Some(token),
        IMPORT,
        json!({"input": {"name": "Floor 3", "csv": csv, "importValidLines": valid_lines}}),
    )
    .await
}

/// Imports `csv` as `who` and returns the new list's id (every line must be valid).
pub async fn imported_list(app: &TestApp, who: &Account, csv: &str) -> String {
    let response = import_csv(app, &who.access, csv, false).await;
    response["data"]["importAssetList"]["assetList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("import: {response}"))
        .to_owned()
}

/// `requestAssetListQuote` for `list_id` as `token`; the whole response.
pub async fn quote_list(app: &TestApp, token: &str, list_id: &str) -> Value {
    app.gql(
        Some(token),
        "mutation($id: ID!) { requestAssetListQuote(assetListId: $id) { id total logisticsFee
            lines { amount assetId totalWeightKg } categoryTotals { categoryCode lines quantity weightKg amount } } }",
        json!({"id": list_id}),
    )
    .await
}

/// Sets the Shanghai area's slot weight budget to `kg`.
pub async fn set_weight_budget(app: &TestApp, kg: i32) {
    service_area::Entity::update_many()
        .col_expr(service_area::Column::SlotWeightCapacityKg, Expr::value(kg))
        .filter(service_area::Column::Name.eq("Shanghai Central"))
        .exec(&app.state.db)
        .await
        .expect("set the slot weight budget");
    app.state.catalog.invalidate();
}

/// The kg left tomorrow in Shanghai in the slot starting at `hour`.
pub async fn remaining_kg(app: &TestApp, window: &Value) -> String {
    let start: chrono::DateTime<chrono::Utc> = window["start"]
        .as_str()
        .expect("start")
        .parse()
        .expect("a time");
    let (lat, lon) = crate::fixtures::SHANGHAI;
    let response = app
        .gql(
            None,
            "query($d: NaiveDate!, $lat: Float!, $lon: Float!) { availablePickupWindows(location: {latitude: $lat, longitude: $lon}, date: $d) { start remainingWeightKg } }",
            json!({"d": start.date_naive().to_string(), "lat": lat, "lon": lon}),
        )
        .await;
    response["data"]["availablePickupWindows"]
        .as_array()
        .and_then(|slots| {
            slots.iter().find(|s| {
                s["start"]
                    .as_str()
                    .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
                    == Some(start)
            })
        })
        .and_then(|s| s["remainingWeightKg"].as_str())
        .unwrap_or_else(|| panic!("no slot at {start}: {response}"))
        .to_owned()
}

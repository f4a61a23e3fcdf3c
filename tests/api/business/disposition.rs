//! The per-asset disposition report: after an asset list's pickup is processed, every
//! asset shows its order, custody status, facility, outcome, sanitisation and
//! certificate, in the connection, in the CSV and in the certificate; members see their
//! organisation's assets and nobody else's.

use serde_json::{Value, json};

use super::fixtures::{csv_of, imported_list, quote_list};
use crate::custody::fixtures::{
    Collected, accept_all, handed_over, items, light_plant, process, purged, receive,
};
use crate::fixtures::{book_quote, verified_collector, window};
use crate::helpers::{PASSWORD, REGISTER, account_from, error_code, spawn_app};
use crate::orders::fixtures::{arrive, complete, inspect};

const ASSETS: &str = "{ organizationAssets(first: 100) { edges { node { lineNumber assetTag serialNumber
    orderNumber orderStatus custodyStatus facilityName outcome sanitizationMethod sanitizationVerified certificateId } } } }";

#[tokio::test]
async fn after_processing_the_asset_report_lists_every_asset_with_its_outcome_and_sanitisation() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let owner = app.register("BUSINESS").await;
    let me = app
        .gql(
            Some(&owner.access),
            "{ me { organization { inviteCode } } }",
            json!({}),
        )
        .await;
    let code = me["data"]["me"]["organization"]["inviteCode"].clone();
    let email = "member@example.com";
    let joined = app
        .gql(
            None,
            REGISTER,
            json!({"input": {"email": email, "password": PASSWORD, "displayName": "Member",
            "role": "BUSINESS", "organizationInviteCode": code}}),
        )
        .await;
    let member =
        account_from(&joined["data"]["register"], email).unwrap_or_else(|| panic!("{joined}"));

    let lines: Vec<String> = vec![
        "LAPTOP,C02XL0GZJGH1,IT-0001,GOOD,2.1".into(),
        "LAPTOP,C02XL0GZJGH2,IT-0002,FAIR,2.1".into(),
        "LAPTOP,C02XL0GZJGH3,IT-0003,BROKEN,2.1".into(),
        "SMALL_APPLIANCE,,IT-0004,SCRAP,4".into(),
    ];
    let list = imported_list(&app, &owner, &csv_of(&lines)).await;
    let quoted = quote_list(&app, &owner.access, &list).await;
    let quote = quoted["data"]["requestAssetListQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{quoted}"))
        .to_owned();
    let order = book_quote(&app, &owner, &quote, window(2), "id number").await;
    let order_id = order["id"].as_str().expect("id").to_owned();
    let collector = verified_collector(&app, &operator).await;
    let assigned = app
        .gql(
            Some(&operator.access),
            "mutation($id: ID!, $c: ID) { reassignOrder(orderId: $id, collectorId: $c) { status } }",
            json!({"id": order_id, "c": collector.id}),
        )
        .await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );
    arrive(&app, &collector.account, &order_id).await;
    let inspected = inspect(&app, &collector.account.access, &order_id, json!([])).await;
    assert_eq!(
        inspected["data"]["recordInspection"]["status"], "INSPECTED",
        "{inspected}"
    );
    let completed = complete(&app, &collector.account.access, &order_id).await;
    assert_eq!(
        completed["data"]["completePickup"]["status"], "COMPLETED",
        "{completed}"
    );

    let before = app.gql(Some(&member.access), ASSETS, json!({})).await;
    let before = &before["data"]["organizationAssets"]["edges"];
    assert_eq!(before.as_array().map(Vec::len), Some(4), "{before}");
    assert_eq!(before[0]["node"]["custodyStatus"], "WITH_COLLECTOR");
    assert_eq!(before[0]["node"]["orderNumber"], order["number"]);

    let plant = light_plant(&app, &operator).await;
    let collected = Collected {
        customer: owner.clone(),
        collector: collector.account.clone(),
        operator: operator.clone(),
        order_id: order_id.clone(),
    };
    let transfer = handed_over(&app, &collected, &plant).await;
    let received = receive(
        &app,
        &plant.staff.access,
        transfer["id"].as_str().expect("id"),
        accept_all(&transfer),
    )
    .await;
    assert_eq!(
        received["data"]["receiveTransfer"]["status"], "RECEIVED",
        "{received}"
    );
    let custody = items(&app, &operator.access, &order_id)
        .await
        .expect("items");
    let ids_of = |code: &str| -> Vec<Value> {
        custody
            .iter()
            .filter(|i| i["categoryCode"] == code)
            .map(|i| i["id"].clone())
            .collect()
    };
    let laptops = process(
        &app,
        &plant.staff.access,
        json!({"itemIds": ids_of("LAPTOP"), "outcome": "MATERIAL_RECOVERED",
        "sanitization": purged(), "recoveredMaterials": [{"material": "COPPER", "kg": "0.3"}]}),
    )
    .await;
    assert!(laptops["data"]["recordProcessing"].is_array(), "{laptops}");
    let appliance = process(
        &app,
        &plant.staff.access,
        json!({"itemIds": ids_of("SMALL_APPLIANCE"), "outcome": "DISPOSED"}),
    )
    .await;
    assert!(
        appliance["data"]["recordProcessing"].is_array(),
        "{appliance}"
    );

    let report = app.gql(Some(&member.access), ASSETS, json!({})).await;
    let rows: Vec<&Value> = report["data"]["organizationAssets"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"))
        .iter()
        .map(|e| &e["node"])
        .collect();
    assert_eq!(rows.len(), 4, "{report}");
    let certificate = rows[0]["certificateId"]
        .as_str()
        .unwrap_or_else(|| panic!("{report}"))
        .to_owned();
    for (row, tag) in rows
        .iter()
        .zip(["IT-0001", "IT-0002", "IT-0003", "IT-0004"])
    {
        assert_eq!(row["assetTag"], tag);
        assert_eq!(row["custodyStatus"], "PROCESSED", "{row}");
        assert_eq!(row["facilityName"], "Pudong Recycling Works");
        assert_eq!(row["certificateId"], certificate.as_str());
    }
    assert_eq!(rows[0]["outcome"], "MATERIAL_RECOVERED");
    assert_eq!(rows[0]["sanitizationMethod"], "PURGE");
    assert_eq!(rows[0]["sanitizationVerified"], true);
    assert_eq!(rows[0]["serialNumber"], "C02XL0GZJGH1");
    assert_eq!(rows[3]["outcome"], "DISPOSED");
    assert_eq!(rows[3]["sanitizationMethod"], Value::Null);

    let csv = app
        .http
        .get(format!("{}/reports/assets.csv", app.address))
        .bearer_auth(&member.access)
        .send()
        .await
        .expect("sent");
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.expect("text");
    let csv_lines: Vec<&str> = csv.lines().collect();
    assert_eq!(csv_lines.len(), 5, "{csv}");
    assert!(csv_lines[0].starts_with("assetListId,lineNumber,assetTag,serialNumber"));
    assert!(
        csv_lines[1].contains("IT-0001")
            && csv_lines[1].contains("PURGE")
            && csv_lines[1].contains(&certificate)
    );

    let document: Value = app
        .http
        .get(format!("{}/certificates/{certificate}", app.address))
        .header("accept", "application/json")
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let payload: Value =
        serde_json::from_str(document["payload"].as_str().expect("payload")).expect("json");
    assert_eq!(payload["assetSummary"]["assets"], 4, "{payload}");
    assert_eq!(payload["assetSummary"]["sanitizationVerified"], 3);
    assert_eq!(payload["items"][0]["asset"]["assetTag"], "IT-0001");

    let outsider = app.register("BUSINESS").await;
    let theirs = app.gql(Some(&outsider.access), ASSETS, json!({})).await;
    assert_eq!(
        theirs["data"]["organizationAssets"]["edges"],
        json!([]),
        "{theirs}"
    );
    let household = app.register("HOUSEHOLD").await;
    let refused = app.gql(Some(&household.access), ASSETS, json!({})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let outsider_csv = app
        .http
        .get(format!("{}/reports/assets.csv", app.address))
        .bearer_auth(&outsider.access)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert_eq!(
        outsider_csv.lines().count(),
        1,
        "header only: {outsider_csv}"
    );
}

//! Every figure of the known workload, exactly, grouped several ways; the totals row is
//! the sum of the rows; measured and estimated materials stay apart; and the CSV export
//! carries the same rows.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::fixtures::{d, report, report_of};
use super::workload::{Figures, Workload, rows_of, sum, workload};

fn materials(row: &Value, field: &str) -> BTreeMap<String, Decimal> {
    row[field]
        .as_array()
        .expect("materials")
        .iter()
        .map(|m| {
            (
                m["material"].as_str().expect("name").to_owned(),
                d(&m["kg"]),
            )
        })
        .collect()
}

async fn operator_report(w: &Workload, group_by: Value) -> Value {
    let (from, to) = w.period();
    let response = report(
        &w.app,
        Some(&w.operator.access),
        None,
        json!({"from": from, "to": to, "groupBy": group_by}),
    )
    .await;
    report_of(&response).clone()
}

fn row<'a>(report: &'a Value, key: &[&str]) -> &'a Value {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == json!(key))
        .unwrap_or_else(|| panic!("no row {key:?} in {report}"))
}

#[tokio::test]
async fn a_known_workload_adds_up_exactly_by_month_category_area_day_collector_and_facility() {
    let w = workload().await;

    // MONTH × CATEGORY × AREA: both sides of the month boundary, both areas.
    let by_month = operator_report(&w, json!(["MONTH", "CATEGORY", "AREA"])).await;
    let expected = w.expected(|o, c| vec![w.month(o), c.to_owned(), w.area(o)], |_| true);
    assert_eq!(rows_of(&by_month), expected, "{by_month}");
    assert_eq!(expected.len(), 5, "five rows: {expected:?}");
    assert_eq!(Figures::of(&by_month["totals"]), sum(&expected));
    assert_eq!(by_month["totals"]["orders"], 5);
    assert_eq!(by_month["totals"]["key"], json!([]));
    let payouts: Decimal = w.orders.iter().map(|o| o.payout).sum();
    assert_eq!(d(&by_month["totals"]["payout"]), payouts);

    // DAY: the two Shanghai days either side of midnight.
    let by_day = operator_report(&w, json!(["DAY"])).await;
    let expected_days = w.expected(|o, _| vec![w.day(o)], |_| true);
    assert_eq!(rows_of(&by_day), expected_days);
    assert_eq!(expected_days.len(), 2);
    let first_day = &expected_days.values().next().expect("a day");
    assert_eq!(first_day.orders, 2, "two orders before midnight");

    // COLLECTOR × CATEGORY.
    let by_collector = operator_report(&w, json!(["COLLECTOR", "CATEGORY"])).await;
    let ids: Vec<String> = w.collectors.iter().map(|c| c.id.clone()).collect();
    let expected = w.expected(
        |o, c| vec![ids[o.collector].clone(), c.to_owned()],
        |_| true,
    );
    assert_eq!(rows_of(&by_collector), expected);

    // FACILITY: only the first order's items were accepted, at the plant.
    let by_facility = operator_report(&w, json!(["FACILITY"])).await;
    let first = w.orders[0].id.clone();
    let plant = w.plant.id.clone();
    let expected = w.expected(
        |o, _| {
            vec![if o.id == first {
                plant.clone()
            } else {
                String::new()
            }]
        },
        |_| true,
    );
    assert_eq!(rows_of(&by_facility), expected);

    // Materials: the processed laptop's copper is measured; the rest is an estimate.
    let month0 = w.month(&w.orders[0]);
    let laptop = row(&by_month, &[&month0, "LAPTOP", &w.areas.0]);
    assert_eq!(
        materials(laptop, "materials"),
        BTreeMap::from([("COPPER".to_owned(), Decimal::new(4, 1))])
    );
    assert!(
        materials(laptop, "estimatedMaterials").is_empty(),
        "{laptop}"
    );
    let appliances = row(&by_month, &[&month0, "SMALL_APPLIANCE", &w.areas.0]);
    assert!(materials(appliances, "materials").is_empty());
    assert!(
        !materials(appliances, "estimatedMaterials").is_empty(),
        "{appliances}"
    );
    let mut estimated: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in by_month["rows"].as_array().expect("rows") {
        for (m, kg) in materials(r, "estimatedMaterials") {
            *estimated.entry(m).or_default() += kg;
        }
    }
    assert_eq!(
        materials(&by_month["totals"], "estimatedMaterials"),
        estimated
    );

    // The CSV export: the same rows, then the totals.
    let (from, to) = w.period();
    let response = w
        .app
        .http
        .get(format!("{}/reports/collection.csv", w.app.address))
        .query(&[
            ("from", from.as_str()),
            ("to", to.as_str()),
            ("groupBy", "MONTH,CATEGORY,AREA"),
        ])
        .bearer_auth(&w.operator.access)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"collection-"),
        "{disposition}"
    );
    let text = response.text().await.expect("body");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(&header[..4], ["MONTH", "CATEGORY", "AREA", "orders"]);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    let api_rows = by_month["rows"].as_array().expect("rows");
    assert_eq!(records.len(), api_rows.len() + 1, "{text}");
    let column = |name: &str| header.iter().position(|h| h == name).expect("a column");
    for (record, api) in records.iter().zip(api_rows) {
        let key: Vec<&str> = (0..3).map(|i| &record[i]).collect();
        assert_eq!(json!(key), api["key"]);
        assert_eq!(record[column("orders")], api["orders"].to_string());
        assert_eq!(record[column("items")], api["items"].to_string());
        for field in [
            "weightKg",
            "measuredWeightKg",
            "estimatedWeightKg",
            "payout",
            "disposalFees",
            "logisticsFees",
            "co2eAvoidedKg",
        ] {
            assert_eq!(
                record[column(field)],
                *api[field].as_str().expect("decimal"),
                "{field}"
            );
        }
    }
    let total = records.last().expect("the totals line");
    assert_eq!(&total[0], "TOTAL");
    assert_eq!(
        total[column("payout")],
        *by_month["totals"]["payout"].as_str().expect("payout")
    );
}

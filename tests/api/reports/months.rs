//! Operators' reports over whole months are read from the month rollups, the days at the
//! edges from the day rollups: a calendar month, a month with ragged edges and the same
//! month by day all give the workload's exact figures, filters included.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, TimeZone};
use serde_json::{Value, json};

use super::fixtures::{report, report_of};
use super::workload::{Figures, Workload, rows_of, workload};

async fn operator_report(w: &Workload, from: String, to: String, group_by: Value) -> Value {
    operator_report_filtered(w, from, to, group_by, Value::Null).await
}

async fn operator_report_filtered(
    w: &Workload,
    from: String,
    to: String,
    group_by: Value,
    filter: Value,
) -> Value {
    let response = report(
        &w.app,
        Some(&w.operator.access),
        None,
        json!({"from": from, "to": to, "groupBy": group_by, "filter": filter}),
    )
    .await;
    report_of(&response).clone()
}

/// `[start of the month before the boundary, boundary)`, Shanghai: the whole month in
/// which the workload's first orders were completed.
fn month_before_boundary(w: &Workload) -> (String, String) {
    let shanghai = chrono_tz::Asia::Shanghai;
    let boundary = w.boundary.with_timezone(&shanghai);
    let last_day = boundary.date_naive() - Duration::days(1);
    let start = shanghai
        .with_ymd_and_hms(last_day.year(), last_day.month(), 1, 0, 0, 0)
        .single()
        .expect("a time");
    (start.to_rfc3339(), w.boundary.to_rfc3339())
}

#[tokio::test]
async fn whole_months_and_edge_days_add_up_to_the_same_exact_figures() {
    let w = workload().await;
    let before = |o: &super::workload::Placed| !o.after;

    // A calendar month: the month rollups alone.
    let (from, to) = month_before_boundary(&w);
    let month = operator_report(&w, from.clone(), to.clone(), json!(["CATEGORY", "AREA"])).await;
    let expected = w.expected(|o, c| vec![c.to_owned(), w.area(o)], before);
    assert!(!expected.is_empty());
    assert_eq!(rows_of(&month), expected, "{month}");

    // The same month by day (the day rollups), summed per category × area.
    let by_day = operator_report(
        &w,
        from.clone(),
        to.clone(),
        json!(["CATEGORY", "AREA", "DAY"]),
    )
    .await;
    let mut summed: BTreeMap<Vec<String>, Figures> = BTreeMap::new();
    for (key, figures) in rows_of(&by_day) {
        summed.entry(key[..2].to_vec()).or_default().add(&figures);
    }
    assert_eq!(summed, expected);

    // A range with ragged edges: three days before the month, through the first days
    // after it (months and days together), every order of the workload.
    let shanghai_from = (chrono::DateTime::parse_from_rfc3339(&from).expect("a time")
        - Duration::days(3))
    .to_rfc3339();
    let ragged_to = (w.boundary + Duration::days(2)).to_rfc3339();
    let ragged = operator_report(
        &w,
        shanghai_from.clone(),
        ragged_to.clone(),
        json!(["MONTH", "CATEGORY"]),
    )
    .await;
    let expected_all = w.expected(|o, c| vec![w.month(o), c.to_owned()], |_| true);
    assert_eq!(rows_of(&ragged), expected_all, "{ragged}");

    // Filters apply to both: one area, then one category.
    let area = w.area(&w.orders[0]);
    let in_area = operator_report_filtered(
        &w,
        shanghai_from.clone(),
        ragged_to.clone(),
        json!(["MONTH", "CATEGORY"]),
        json!({"areaId": area}),
    )
    .await;
    let expected_area = w.expected(|o, c| vec![w.month(o), c.to_owned()], |o| w.area(o) == area);
    assert_eq!(rows_of(&in_area), expected_area, "{in_area}");
    let laptops = operator_report_filtered(
        &w,
        shanghai_from,
        ragged_to,
        json!(["MONTH", "AREA"]),
        json!({"category": "LAPTOP"}),
    )
    .await;
    let expected_laptops: BTreeMap<Vec<String>, Figures> = w
        .expected(|o, c| vec![w.month(o), w.area(o), c.to_owned()], |_| true)
        .into_iter()
        .filter(|(key, _)| key[2] == "LAPTOP")
        .map(|(key, figures)| (key[..2].to_vec(), figures))
        .collect();
    assert!(!expected_laptops.is_empty());
    assert_eq!(rows_of(&laptops), expected_laptops, "{laptops}");
}

//! Bad requests name their field: `from` after `to`, DAY over too long a range, an empty
//! or repeated grouping; the CSV export answers them with 400, and 401 without
//! credentials.

use serde_json::{Value, json};

use super::fixtures::{report, report_app};
use crate::helpers::error_code;

fn field(response: &Value) -> &str {
    response["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field: {response}"))
}

#[tokio::test]
async fn bad_reports_are_validation_errors_naming_the_field() {
    let app = report_app().await;
    let operator = app.operator().await;
    let cases = [
        (
            "2026-12-02T00:00:00Z",
            "2026-12-01T00:00:00Z",
            json!(["CATEGORY"]),
            "from",
        ),
        (
            "2025-01-01T00:00:00Z",
            "2026-06-01T00:00:00Z",
            json!(["DAY"]),
            "to",
        ),
        (
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            json!([]),
            "groupBy",
        ),
        (
            "2026-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
            json!(["AREA", "AREA"]),
            "groupBy",
        ),
    ];
    for (from, to, group_by, expected) in cases {
        let response = report(
            &app,
            Some(&operator.access),
            None,
            json!({"from": from, "to": to, "groupBy": group_by}),
        )
        .await;
        assert_eq!(error_code(&response), Some("VALIDATION"), "{response}");
        assert_eq!(field(&response), expected, "{response}");
    }
    // A long range is fine by MONTH.
    let months = report(
        &app,
        Some(&operator.access),
        None,
        json!({"from": "2025-01-01T00:00:00Z", "to": "2026-06-01T00:00:00Z", "groupBy": ["MONTH"]}),
    )
    .await;
    assert!(months.get("errors").is_none(), "{months}");

    let csv = |query: Vec<(&'static str, &'static str)>, token: Option<String>| {
        let mut request = app
            .http
            .get(format!("{}/reports/collection.csv", app.address))
            .query(&query);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let bad = csv(
        vec![
            ("from", "2026-12-02T00:00:00Z"),
            ("to", "2026-12-01T00:00:00Z"),
            ("groupBy", "CATEGORY"),
        ],
        Some(operator.access.clone()),
    )
    .await
    .expect("sent");
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.expect("json");
    assert_eq!(field(&body), "from");
    let unknown = csv(
        vec![
            ("from", "2026-11-01T00:00:00Z"),
            ("to", "2026-12-01T00:00:00Z"),
            ("groupBy", "CATEGORY,PLANET"),
        ],
        Some(operator.access.clone()),
    )
    .await
    .expect("sent");
    assert_eq!(unknown.status(), 400);
    let anonymous = csv(
        vec![
            ("from", "2026-11-01T00:00:00Z"),
            ("to", "2026-12-01T00:00:00Z"),
            ("groupBy", "CATEGORY"),
        ],
        None,
    )
    .await
    .expect("sent");
    assert_eq!(anonymous.status(), 401);
}

//! `GET /reports/traceability.csv`: one row per battery custody event of the period, for
//! operators only, with clear refusals.

use chrono::Days;
use reloop::domain::compliance::ReportPeriod;
use reloop::services::compliance::traceability;
use serde_json::{Value, json};

use super::fixtures::{TRACE_CODE, pack_and_recycler, received, shanghai_date, shanghai_today};
use crate::custody::fixtures::{collected_order, process};
use crate::helpers::{TestApp, spawn_app};

/// The export for `query` with `token`: status, content type and body.
async fn export(app: &TestApp, token: Option<&str>, query: &str) -> (u16, String, String) {
    let mut request = app
        .http
        .get(format!("{}/reports/traceability.csv?{query}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("GET the export");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, response.text().await.expect("a body"))
}

/// The CSV's rows as maps from header to cell.
fn rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV row");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// The export of yesterday to tomorrow read straight from the service in pages of two.
async fn in_pages_of_two(app: &TestApp) -> String {
    let tz = app.state.config.compliance.rules.time_zone;
    let today = shanghai_today();
    let period = ReportPeriod::parse(
        Some(&(today - Days::new(1)).to_string()),
        Some(&(today + Days::new(1)).to_string()),
        tz,
    )
    .expect("a period");
    let (mut paged, mut cursor) = (Vec::new(), None);
    loop {
        let (rows, next) = traceability::page(&app.state.db, period, tz, cursor, 2)
            .await
            .map_err(|e| e.into_anyhow())
            .expect("a page");
        paged.extend(rows);
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    String::from_utf8(
        traceability::encode(&paged, true)
            .map_err(|e| e.into_anyhow())
            .expect("CSV"),
    )
    .expect("UTF-8")
}

fn around_today() -> String {
    let today = shanghai_today();
    format!("from={}&to={}", today - Days::new(1), today + Days::new(1))
}

#[tokio::test]
async fn the_export_has_one_row_per_battery_event_with_its_parties() {
    let app = spawn_app().await;
    // A laptop order: its events are not battery events.
    collected_order(&app).await;
    let (collected, recycler) = pack_and_recycler(&app).await;
    let transfer = received(&app, &collected, &recycler).await;
    let item = &transfer["items"][0];
    let processed = process(
        &app,
        &recycler.staff.access,
        json!({"itemIds": [item["id"]], "outcome": "MATERIAL_RECOVERED",
               "recoveredMaterials": [{"material": "lithium", "kg": "20"}, {"material": "cobalt", "kg": "15"}]}),
    )
    .await;
    assert_eq!(
        processed["data"]["recordProcessing"][0]["status"], "PROCESSED",
        "{processed}"
    );

    let (status, content_type, body) =
        export(&app, Some(&collected.operator.access), &around_today()).await;
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let found = rows(&body);
    let steps: Vec<&str> = found.iter().map(|r| r["event_step"].as_str()).collect();
    assert_eq!(
        steps,
        [
            "COLLECTED",
            "HANDED_OVER",
            "RECEIVED",
            "STATUS_CHANGED",
            "PROCESSED"
        ],
        "{body}"
    );
    let collector_id = found[0]["collector_id"].clone();
    assert!(!collector_id.is_empty(), "{body}");
    for row in &found {
        assert_eq!(row["trace_code"], TRACE_CODE);
        assert_eq!(row["item_id"], item["id"].as_str().expect("id"));
        assert_eq!(row["collector_id"], collector_id);
        assert_eq!(row["category_code"], "EV_BATTERY_PACK");
        let day = shanghai_date(&json!(row["event_time"]));
        assert_eq!(row["event_date"], day.to_string(), "{body}");
        // The GB/T 34014 code, split into its segments beside the raw code.
        assert_eq!(row["code_manufacturer"], "03H");
        assert_eq!(row["code_product_type"], "PACK");
        assert_eq!(row["code_battery_type"], "B");
        assert_eq!(row["code_specification"], "0D");
        assert_eq!(row["code_traceability"], "A0001B1");
        assert_eq!(row["code_production_date"], "2012-07-25");
        assert_eq!(row["code_serial"], "0000001");
    }
    assert_eq!(
        found[0]["facility_permit_number"], "",
        "collected: no facility yet"
    );
    assert_eq!(found[0]["weight_kg"], "380");
    assert_eq!(found[0]["weight_measured"], "estimated");
    let handover = &found[1];
    assert_eq!(handover["facility_permit_number"], "HW-310115-0042");
    assert!(handover["transfer_number"].starts_with("TN-"), "{body}");
    assert_eq!(found[2]["weight_measured"], "measured");
    assert_eq!(found[4]["outcome"], "MATERIAL_RECOVERED");
    assert!(found.iter().all(|r| r["event_hash"].len() == 64), "{body}");

    // Read in pages of two, the export is the same: events of one transaction (receipt and
    // status change) share their time and keep their chain order across a page break.
    assert_eq!(in_pages_of_two(&app).await, body);

    let tomorrow = shanghai_today() + Days::new(1);
    let (status, _, later) = export(
        &app,
        Some(&collected.operator.access),
        &format!("from={tomorrow}&to={tomorrow}"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        rows(&later).is_empty(),
        "a later period has no rows: {later}"
    );
    assert!(
        later.starts_with("trace_code,"),
        "the header stays: {later}"
    );
}

#[tokio::test]
async fn the_export_refuses_strangers_other_roles_and_bad_dates_clearly() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let household = app.register("HOUSEHOLD").await;
    let (status, _, _) = export(&app, None, &around_today()).await;
    assert_eq!(status, 401);
    let (status, _, _) = export(&app, Some("not-a-token"), &around_today()).await;
    assert_eq!(status, 401);
    let (status, _, body) = export(&app, Some(&household.access), &around_today()).await;
    assert_eq!(status, 403, "{body}");
    let cases = [
        ("from=yesterday&to=2026-12-01", "from"),
        ("from=2026-12-01", "to"),
        ("from=2026-12-02&to=2026-12-01", "to"),
        ("from=2026-01-01&to=2027-12-31", "to"),
    ];
    for (query, field) in cases {
        let (status, _, body) = export(&app, Some(&operator.access), query).await;
        assert_eq!(status, 400, "{query}: {body}");
        let error: Value = serde_json::from_str(&body).expect("a JSON error");
        assert_eq!(
            error["errors"][0]["extensions"]["code"], "VALIDATION",
            "{body}"
        );
        assert_eq!(error["errors"][0]["extensions"]["field"], field, "{body}");
        let message = error["errors"][0]["message"].as_str().expect("a message");
        assert!(message.contains(field), "{query}: {message}");
    }
}

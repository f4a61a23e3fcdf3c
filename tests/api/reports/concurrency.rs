//! Concurrent completions add to the same rollup rows without losing a write: six
//! collectors complete six pickups in one area and one day at the same moment, and the
//! report (read from the day rollups by CATEGORY, from the full rollups by COLLECTOR)
//! counts every order, item and yuan, on SQLite and PostgreSQL alike.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use rust_decimal::Decimal;
use serde_json::json;

use reloop::infra::clock::Clock as _;

use super::fixtures::{Booker, completed, d, inspected_order, report, report_app, report_of};
use crate::fixtures::{LIGHT_ITEMS, verified_collector};

const PICKUPS: usize = 6;

#[tokio::test]
async fn concurrent_completions_into_one_bucket_lose_no_figure() {
    let app = report_app().await;
    let operator = app.operator().await;
    let household = app.register("HOUSEHOLD").await;
    let mut pickups = Vec::new();
    for index in 0..PICKUPS {
        let collector = verified_collector(&app, &operator).await;
        let hour = 2 * u32::try_from(index).expect("a few pickups");
        let order = inspected_order(
            &app,
            &operator,
            &collector,
            Booker::User(&household),
            LIGHT_ITEMS,
            false,
            hour,
        )
        .await;
        pickups.push((collector, order));
    }

    join_all(
        pickups
            .iter()
            .map(|(collector, order)| completed(&app, collector, order)),
    )
    .await;

    let mut payouts = BTreeMap::new();
    for (collector, order) in &pickups {
        let read = app
            .gql(
                Some(&operator.access),
                "query($id: ID!) { pickupOrder(id: $id) { payout { amount } } }",
                json!({"id": order}),
            )
            .await;
        let payout = d(&read["data"]["pickupOrder"]["payout"]["amount"]);
        payouts.insert(collector.id.clone(), payout);
    }
    let total: Decimal = payouts.values().copied().sum();
    let now = app.clock.now();
    let period = json!({"from": (now - chrono::Duration::days(3)).to_rfc3339(),
                        "to": (now + chrono::Duration::days(3)).to_rfc3339()});

    let mut by_category = period.clone();
    by_category["groupBy"] = json!(["CATEGORY"]);
    let response = report(&app, Some(&operator.access), None, by_category).await;
    let by_category = report_of(&response);
    let pieces = i64::try_from(2 * PICKUPS).expect("small");
    assert_eq!(by_category["totals"]["orders"], PICKUPS, "{by_category}");
    assert_eq!(by_category["totals"]["items"], pieces, "{by_category}");
    assert_eq!(d(&by_category["totals"]["payout"]), total, "{by_category}");
    for row in by_category["rows"].as_array().expect("rows") {
        assert_eq!(row["items"], PICKUPS, "one laptop and one lot each: {row}");
    }

    let mut by_collector = period;
    by_collector["groupBy"] = json!(["COLLECTOR"]);
    let response = report(&app, Some(&operator.access), None, by_collector).await;
    let by_collector = report_of(&response);
    let rows = by_collector["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), PICKUPS, "{by_collector}");
    for row in rows {
        let collector = row["key"][0].as_str().expect("collector id");
        assert_eq!(row["orders"], 1, "{row}");
        assert_eq!(Some(&d(&row["payout"])), payouts.get(collector), "{row}");
    }
}

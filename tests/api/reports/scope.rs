//! Who sees which figures: a collector its own pickups, a facility what it accepted, a
//! business its organisation's orders, a partner its bookings; another partner, a
//! household or a key without ORDERS_READ never sees anyone's figures.

use serde_json::{Value, json};

use super::fixtures::{report, report_of};
use super::workload::{Figures, Workload, rows_of, sum, workload};
use crate::helpers::error_code;
use crate::partners::fixtures::partner;

fn vars(w: &Workload, group_by: Value) -> Value {
    let (from, to) = w.period();
    json!({"from": from, "to": to, "groupBy": group_by})
}

#[tokio::test]
async fn each_viewer_sees_only_its_own_figures() {
    let w = workload().await;
    let by_category = |keep: &dyn Fn(&super::workload::Placed) -> bool| {
        w.expected(|_, c| vec![c.to_owned()], keep)
    };

    // A collector: its own pickups.
    let mine = report(
        &w.app,
        Some(&w.collectors[0].account.access),
        None,
        vars(&w, json!(["CATEGORY"])),
    )
    .await;
    assert_eq!(
        rows_of(report_of(&mine)),
        by_category(&|o| o.collector == 0)
    );

    // Facility staff: the items their facility accepted (the first order's).
    let staff = report(
        &w.app,
        Some(&w.plant.staff.access),
        None,
        vars(&w, json!(["CATEGORY"])),
    )
    .await;
    let first = w.orders[0].id.clone();
    assert_eq!(rows_of(report_of(&staff)), by_category(&|o| o.id == first));

    // The business: its organisation's order (the third).
    let business = report(
        &w.app,
        Some(&w.business.access),
        None,
        vars(&w, json!(["CATEGORY"])),
    )
    .await;
    let third = w.orders[2].id.clone();
    let expected = by_category(&|o| o.id == third);
    assert_eq!(rows_of(report_of(&business)), expected);
    assert_eq!(Figures::of(&report_of(&business)["totals"]), sum(&expected));

    // The partner: its booking (the fourth), also as CSV.
    let key = w.partner.secret.clone();
    let partner_view = report(&w.app, None, Some(&key), vars(&w, json!(["CATEGORY"]))).await;
    let fourth = w.orders[3].id.clone();
    assert_eq!(
        rows_of(report_of(&partner_view)),
        by_category(&|o| o.id == fourth)
    );

    // Another partner with ORDERS_READ: nothing at all, in GraphQL and in CSV.
    let other = partner(&w.app, &w.operator, &["ORDERS_READ"]).await;
    let nothing = report(
        &w.app,
        None,
        Some(&other.secret),
        vars(&w, json!(["CATEGORY", "AREA"])),
    )
    .await;
    let nothing = report_of(&nothing);
    assert_eq!(nothing["rows"], json!([]));
    assert_eq!(nothing["totals"]["orders"], 0);
    assert_eq!(nothing["totals"]["payout"], "0.00");
    let (from, to) = w.period();
    let csv = w
        .app
        .http
        .get(format!("{}/reports/collection.csv", w.app.address))
        .query(&[
            ("from", from.as_str()),
            ("to", to.as_str()),
            ("groupBy", "CATEGORY"),
        ])
        .header("X-Api-Key", &other.secret)
        .send()
        .await
        .expect("sent");
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("body");
    assert_eq!(text.lines().count(), 2, "header and totals only: {text}");
    assert!(
        text.lines()
            .nth(1)
            .expect("totals")
            .starts_with("TOTAL,0,0,0,"),
        "{text}"
    );

    // Without ORDERS_READ, a household, a business filtering by partner: FORBIDDEN.
    let no_read = partner(&w.app, &w.operator, &["QUOTES_WRITE"]).await;
    let refused = report(
        &w.app,
        None,
        Some(&no_read.secret),
        vars(&w, json!(["CATEGORY"])),
    )
    .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let household = report(
        &w.app,
        Some(&w.household.access),
        None,
        vars(&w, json!(["CATEGORY"])),
    )
    .await;
    assert_eq!(error_code(&household), Some("FORBIDDEN"), "{household}");
    let mut filtered = vars(&w, json!(["CATEGORY"]));
    filtered["filter"] = json!({"partnerId": w.partner.partner_id});
    let sneaky = report(&w.app, Some(&w.business.access), None, filtered.clone()).await;
    assert_eq!(error_code(&sneaky), Some("FORBIDDEN"), "{sneaky}");
    let anonymous = report(&w.app, None, None, vars(&w, json!(["CATEGORY"]))).await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );

    // Operators may filter by partner: exactly the partner's view.
    let operator_filtered = report(&w.app, Some(&w.operator.access), None, filtered).await;
    assert_eq!(
        rows_of(report_of(&operator_filtered)),
        rows_of(report_of(&partner_view))
    );
}

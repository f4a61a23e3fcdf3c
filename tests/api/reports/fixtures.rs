//! Set-up of the report tests: orders booked by households, a business and a partner in
//! two service areas, carried to the door and inspected, then completed on either side
//! of a month boundary in Shanghai time; and the report as GraphQL and CSV.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use reloop::infra::clock::Clock as _;

use crate::fixtures::{Collector, booking_input, quote_of, window};
use crate::helpers::{Account, TestApp, spawn_app_with};
use crate::orders::fixtures::{arrive, complete, inspect};
use crate::partners::fixtures::as_key;

/// The report's fields, every one.
pub const REPORT_FIELDS: &str = "from to
    rows { key orders items weightKg measuredWeightKg estimatedWeightKg payout disposalFees logisticsFees
           materials { material kg } estimatedMaterials { material kg } co2eAvoidedKg }
    totals { key orders items weightKg measuredWeightKg estimatedWeightKg payout disposalFees logisticsFees
             materials { material kg } estimatedMaterials { material kg } co2eAvoidedKg }";

/// The pickup point in Beijing (a second demo service area).
pub const BEIJING: (f64, f64) = (39.9042, 116.4074);

/// An app whose access tokens outlive the clock jumps of these tests.
pub async fn report_app() -> TestApp {
    spawn_app_with(|config| {
        config.auth.access_token_ttl = std::time::Duration::from_secs(90 * 24 * 3600);
    })
    .await
}

/// Who books an order.
pub enum Booker<'a> {
    /// A user (household or business).
    User(&'a Account),
    /// A partner's API key.
    Partner(&'a str),
}

/// Books `items` in Shanghai or Beijing tomorrow at `hour`:00 UTC (a collector takes one
/// pickup a window), assigns it to `collector`, who arrives and
/// inspects it as quoted; the order id.
pub async fn inspected_order(
    app: &TestApp,
    operator: &Account,
    collector: &Collector,
    booker: Booker<'_>,
    items: &str,
    beijing: bool,
    hour: u32,
) -> String {
    let mut input = booking_input("", window(hour));
    if beijing {
        input["address"] = json!({"line1": "1 Chang'an Avenue", "city": "Beijing", "postalCode": "100006",
                                  "location": {"latitude": BEIJING.0, "longitude": BEIJING.1}});
    }
    let mutation = "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id } }";
    let booked = match booker {
        Booker::User(customer) => {
            input["quoteId"] = json!(quote_of(app, customer, items).await);
            app.gql(Some(&customer.access), mutation, json!({"input": input}))
                .await
        }
        Booker::Partner(key) => {
            let quote = as_key(
                app,
                key,
                &format!("mutation {{ requestQuote(input: {{items: {items}}}) {{ id }} }}"),
                json!({}),
            )
            .await;
            input["quoteId"] = quote["data"]["requestQuote"]["id"].clone();
            input["externalReference"] = json!(format!("EXT-{}", uuid::Uuid::new_v4()));
            as_key(app, key, mutation, json!({"input": input})).await
        }
    };
    let order_id = booked["data"]["bookPickup"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("booking: {booked}"))
        .to_owned();
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
    arrive(app, &collector.account, &order_id).await;
    let inspected = inspect(app, &collector.account.access, &order_id, json!([])).await;
    assert_eq!(
        inspected["data"]["recordInspection"]["status"], "INSPECTED",
        "{inspected}"
    );
    order_id
}

/// Completes `order_id` as its collector.
pub async fn completed(app: &TestApp, collector: &Collector, order_id: &str) {
    let done = complete(app, &collector.account.access, order_id).await;
    assert_eq!(
        done["data"]["completePickup"]["status"], "COMPLETED",
        "{done}"
    );
}

/// The first instant of the month after the app's now, in Shanghai, at least an hour
/// ahead: the tests complete orders just before and just after it.
pub fn next_month_start(app: &TestApp) -> DateTime<Utc> {
    let shanghai = chrono_tz::Asia::Shanghai;
    let mut local = (app.clock.now() + Duration::hours(1)).with_timezone(&shanghai);
    loop {
        let (y, m) = if local.month() == 12 {
            (local.year() + 1, 1)
        } else {
            (local.year(), local.month() + 1)
        };
        let first = NaiveDate::from_ymd_opt(y, m, 1).expect("a date");
        let start = shanghai
            .from_local_datetime(&first.and_hms_opt(0, 0, 0).expect("midnight"))
            .earliest()
            .expect("Shanghai has no gaps")
            .with_timezone(&Utc);
        if start > app.clock.now() + Duration::hours(1) {
            return start;
        }
        local = start.with_timezone(&shanghai) + Duration::days(1);
    }
}

/// Moves the app's clock to `at`.
pub fn move_clock_to(app: &TestApp, at: DateTime<Utc>) {
    let by = at - app.clock.now();
    app.clock.advance(by);
}

/// `collectionReport` as `token` (a bearer token) or a key; the whole response.
pub async fn report(
    app: &TestApp,
    token: Option<&str>,
    key: Option<&str>,
    variables: Value,
) -> Value {
    let query = format!(
        "query($from: DateTime!, $to: DateTime!, $groupBy: [ReportDimension!]!, $filter: ReportFilterInput) {{
           collectionReport(from: $from, to: $to, groupBy: $groupBy, filter: $filter) {{ {REPORT_FIELDS} }} }}"
    );
    match key {
        Some(key) => as_key(app, key, &query, variables).await,
        None => app.gql(token, &query, variables).await,
    }
}

/// The `collectionReport` object of a response, asserting there were no errors.
pub fn report_of(response: &Value) -> &Value {
    assert!(response.get("errors").is_none(), "{response}");
    &response["data"]["collectionReport"]
}

/// A decimal string as a `Decimal`.
pub fn d(value: &Value) -> Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a decimal: {value}"))
        .parse()
        .expect("decimal")
}

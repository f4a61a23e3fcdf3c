//! Cost-based rate limits: a key draws each request's query cost from its partner's
//! bucket, every answer reports `extensions.cost`, an empty bucket gives RATE_LIMITED
//! with `retryAfter`, and the refill lets requests through again. Anonymous quote
//! requests draw on a bucket per client address the same way.

use std::time::Duration;

use serde_json::{Value, json};

use super::fixtures::{QUOTE, as_key, issue_key};
use crate::helpers::{Answer, TestApp, error_code, spawn_app_with};

const CAPACITY: f64 = 30.0;
const REFILL_PER_SEC: f64 = 10.0;
const ORDERS: &str = "{ pickupOrders(first: 1) { edges { node { id } } } }";

/// `extensions.cost` of a response, checked for shape: (requested, remaining).
fn cost(response: &Value) -> (f64, f64) {
    let cost = &response["extensions"]["cost"];
    let requested = cost["requested"]
        .as_f64()
        .unwrap_or_else(|| panic!("extensions.cost.requested: {response}"));
    let remaining = cost["remaining"]
        .as_f64()
        .unwrap_or_else(|| panic!("extensions.cost.remaining: {response}"));
    assert_eq!(cost["capacity"].as_f64(), Some(CAPACITY), "{response}");
    assert!(requested >= 1.0, "{response}");
    assert!((0.0..=CAPACITY).contains(&remaining), "{response}");
    (requested, remaining)
}

/// Sends `request` until it is refused; checks `extensions.cost` on every answer and
/// returns the refusal.
async fn drain<F, Fut>(mut request: F) -> Value
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let mut requested = None;
    for _ in 0..200 {
        let response = request().await;
        let (cost_now, _) = cost(&response);
        assert!(
            cost_now <= CAPACITY,
            "a request fits the bucket: {response}"
        );
        assert_eq!(
            *requested.get_or_insert(cost_now),
            cost_now,
            "the same request costs the same"
        );
        if error_code(&response) == Some("RATE_LIMITED") {
            assert!(response["data"].is_null(), "{response}");
            return response;
        }
        assert!(response["errors"].is_null(), "{response}");
    }
    panic!("the bucket never ran out");
}

/// Checks the refusal's `retryAfter` against the refill rate, moves the app's clock on
/// by that long (the limiter reads time from it, on Redis too) and returns the cost of
/// one request.
fn wait_for_refill(app: &TestApp, limited: &Value) -> f64 {
    let (requested, _) = cost(limited);
    let retry_after = limited["errors"][0]["extensions"]["retryAfter"]
        .as_f64()
        .unwrap_or_else(|| panic!("retryAfter: {limited}"));
    let longest = (requested / REFILL_PER_SEC).ceil();
    assert!(
        retry_after > 0.0 && retry_after <= longest,
        "retryAfter {retry_after} s, at most {longest} s to refill {requested} points"
    );
    // Enough for `requested` points at the refill rate (and never close to 3 s).
    let wait = (requested / REFILL_PER_SEC).min(retry_after) + 0.2;
    assert!(wait < 3.0, "{wait}");
    app.clock
        .advance(chrono::Duration::from_std(Duration::from_secs_f64(wait)).expect("a short wait"));
    requested
}

async fn limited_app() -> TestApp {
    spawn_app_with(|c| {
        c.partners.rate_capacity = CAPACITY;
        c.partners.rate_refill_per_sec = REFILL_PER_SEC;
        c.partners.anonymous_quote_capacity = CAPACITY;
        c.partners.anonymous_quote_refill_per_sec = REFILL_PER_SEC;
        c.quotes.anonymous_per_minute = 10_000;
    })
    .await
}

#[tokio::test]
async fn a_key_runs_out_of_its_cost_budget_and_recovers_after_the_refill() {
    let app = limited_app().await;
    let operator = app.operator().await;
    let created = app
        .gql(
            Some(&operator.access),
            "mutation { createPartner(name: \"Budgeted\") { id rateCapacity rateRefillPerSec } }",
            json!({}),
        )
        .await;
    let partner = &created["data"]["createPartner"];
    assert_eq!(
        partner["rateCapacity"].as_f64(),
        Some(CAPACITY),
        "{created}"
    );
    assert_eq!(
        partner["rateRefillPerSec"].as_f64(),
        Some(REFILL_PER_SEC),
        "{created}"
    );
    let partner_id = partner["id"].as_str().expect("id");
    let key = issue_key(&app, &operator, partner_id, &["ORDERS_READ"]).await;
    let other = issue_key(&app, &operator, partner_id, &["ORDERS_READ"]).await;

    let first = as_key(&app, &key.secret, ORDERS, json!({})).await;
    let (requested, remaining) = cost(&first);
    assert!(
        remaining <= CAPACITY - requested + 1.0,
        "the first request drew {requested} points: {first}"
    );

    let limited = drain(|| as_key(&app, &key.secret, ORDERS, json!({}))).await;
    // The bucket is the key's: another key still has its own.
    let fresh = as_key(&app, &other.secret, ORDERS, json!({})).await;
    assert!(fresh["errors"].is_null(), "{fresh}");

    wait_for_refill(&app, &limited);
    let again = as_key(&app, &key.secret, ORDERS, json!({})).await;
    assert!(again["errors"].is_null(), "after the refill: {again}");
    assert!(again["data"]["pickupOrders"].is_object(), "{again}");
    cost(&again);

    // Users' requests draw on no cost bucket.
    let own = app.gql(Some(&operator.access), ORDERS, json!({})).await;
    assert!(own["extensions"]["cost"].is_null(), "{own}");
}

#[tokio::test]
async fn anonymous_quotes_draw_on_a_cost_budget_per_address() {
    let app = limited_app().await;
    let limited = drain(|| app.gql(None, QUOTE, json!({}))).await;

    // Signed-in customers are not limited by the anonymous bucket.
    let customer = app.register("HOUSEHOLD").await;
    let signed_in = app.gql(Some(&customer.access), QUOTE, json!({})).await;
    assert!(
        signed_in["data"]["requestQuote"]["id"].is_string(),
        "{signed_in}"
    );
    assert!(signed_in["extensions"]["cost"].is_null(), "{signed_in}");

    wait_for_refill(&app, &limited);
    let again = app.gql(None, QUOTE, json!({})).await;
    assert!(
        again["data"]["requestQuote"]["id"].is_string(),
        "after the refill: {again}"
    );
    cost(&again);
}

/// Sends `ORDERS` with `key`, accepting `accept`, until the cost budget refuses one; that
/// answer.
async fn first_refusal(app: &TestApp, key: &str, accept: &str) -> Answer {
    for _ in 0..200 {
        let answer = app
            .gql_with_headers(&[("X-Api-Key", key), ("accept", accept)], ORDERS, json!({}))
            .await;
        if error_code(&answer.body) == Some("RATE_LIMITED") {
            return answer;
        }
        assert!(answer.body["errors"].is_null(), "{answer:?}");
    }
    panic!("the bucket never ran out");
}

/// A request refused for its cost never ran: 429 with `Retry-After` (whole seconds, at
/// least `extensions.retryAfter`), whichever media type the client accepts.
#[tokio::test]
async fn a_request_refused_for_its_cost_is_429_with_retry_after() {
    let app = limited_app().await;
    let operator = app.operator().await;
    let partner_id = crate::partners::fixtures::create_partner(&app, &operator).await;
    let key = issue_key(&app, &operator, &partner_id, &["ORDERS_READ"]).await;
    for accept in ["application/json", "application/graphql-response+json"] {
        let Answer {
            status,
            retry_after,
            body,
        } = first_refusal(&app, &key.secret, accept).await;
        assert_eq!(status, 429, "{accept}: {body}");
        let seconds: f64 = retry_after
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{accept}: Retry-After {retry_after:?}"));
        let hinted = body["errors"][0]["extensions"]["retryAfter"]
            .as_f64()
            .unwrap_or_else(|| panic!("retryAfter: {body}"));
        assert!(seconds >= 1.0 && seconds >= hinted, "{seconds} < {hinted}");
        assert!(body["data"].is_null(), "{accept}: {body}");
        if accept.contains("graphql-response") {
            assert!(body.get("data").is_none(), "no data member: {body}");
        }
        wait_for_refill(&app, &body);
    }
}

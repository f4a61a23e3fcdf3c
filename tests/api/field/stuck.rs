//! Orders never get stuck: an unanswered final offer is called off after the consent
//! timeout, the collector or an operator can call a pickup off at the door, and an
//! assigned collector who never sets off loses the order back to dispatch.

use serde_json::{Value, json};

use crate::dispatch::fixtures::{
    accept, book_light, codes, go_online, job_offers_subscription, next_offer_event, only_offer,
    pickup_order, sign_in_again, subscribed,
};
use crate::fixtures::verified_collector;
use crate::helpers::{Account, TestApp, spawn_app};
use crate::orders::fixtures::{arrive, assigned_order, inspect, order_step, read};

async fn sweep(app: &TestApp) {
    reloop::services::dispatch::sweep(&app.state)
        .await
        .map_err(|e| e.into_anyhow())
        .expect("a sweep pass");
    app.dispatch_settled().await;
}

/// Takes an assigned order to AWAITING_CUSTOMER (a 1 kg appliance quoted at 4 kg).
async fn awaiting_customer(app: &TestApp, customer: &Account, collector: &Account, order_id: &str) {
    arrive(app, collector, order_id).await;
    let order = read(app, &customer.access, order_id).await;
    let line = order["lines"][1]["id"].clone();
    let inspected = inspect(
        app,
        &collector.access,
        order_id,
        json!([{"lineId": line, "weightKg": "1"}]),
    )
    .await;
    assert_eq!(
        inspected["data"]["recordInspection"]["status"], "AWAITING_CUSTOMER",
        "{inspected}"
    );
}

fn last_event(order: &Value) -> Value {
    order["events"]
        .as_array()
        .and_then(|e| e.last())
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_final_offer_left_unanswered_is_called_off_after_the_consent_timeout() {
    let app = spawn_app().await;
    let (customer, collector, _operator, order_id) = assigned_order(&app).await;
    awaiting_customer(&app, &customer, &collector, &order_id).await;
    sweep(&app).await;
    assert_eq!(
        read(&app, &customer.access, &order_id).await["status"],
        "AWAITING_CUSTOMER"
    );

    app.clock.advance(chrono::Duration::minutes(16));
    sweep(&app).await;
    let customer = sign_in_again(&app, &customer).await;
    let order = read(&app, &customer.access, &order_id).await;
    assert_eq!(order["status"], "CANCELLED", "{order}");
    let last = last_event(&order);
    assert_eq!(last["fromStatus"], "AWAITING_CUSTOMER", "{order}");
    assert!(
        last["reason"]
            .as_str()
            .is_some_and(|r| r.contains("did not answer")),
        "{order}"
    );
}

#[tokio::test]
async fn the_collector_or_an_operator_can_call_a_pickup_off_at_the_door_but_not_the_customer() {
    let app = spawn_app().await;
    let (customer, collector, operator, order_id) = assigned_order(&app).await;
    awaiting_customer(&app, &customer, &collector, &order_id).await;
    let cancel = |who: &Account| {
        let token = who.access.clone();
        let app = &app;
        let order_id = order_id.clone();
        async move {
            order_step(
                app,
                &token,
                "cancelPickup",
                &order_id,
                ", reason: \"customer gone\"",
            )
            .await
        }
    };
    let by_customer = cancel(&customer).await;
    assert_eq!(codes(&by_customer), ["INVALID_STATE"], "{by_customer}");
    let by_collector = cancel(&collector).await;
    assert_eq!(
        by_collector["data"]["cancelPickup"]["status"], "CANCELLED",
        "{by_collector}"
    );

    let (_, collector, _, second) = assigned_order(&app).await;
    arrive(&app, &collector, &second).await;
    let inspected = inspect(&app, &collector.access, &second, json!([])).await;
    assert_eq!(
        inspected["data"]["recordInspection"]["status"], "INSPECTED",
        "{inspected}"
    );
    let by_operator = order_step(
        &app,
        &operator.access,
        "cancelPickup",
        &second,
        ", reason: \"unsafe site\"",
    )
    .await;
    assert_eq!(
        by_operator["data"]["cancelPickup"]["status"], "CANCELLED",
        "{by_operator}"
    );
}

#[tokio::test]
async fn a_collector_who_never_sets_off_loses_the_order_back_to_dispatch() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let absent = verified_collector(&app, &operator).await;
    go_online(&app, &absent, 0.5).await;
    let order_id = book_light(&app, &customer, 2).await;
    let offer = only_offer(&app, &absent).await;
    let won = accept(&app, &absent, offer["id"].as_str().expect("id")).await;
    assert!(won["errors"].is_null(), "{won}");
    let mut ws = subscribed(&app, &absent.account, &job_offers_subscription()).await;

    // Tomorrow 02:00 + 30 min grace: jump to well past it.
    let start: chrono::DateTime<chrono::Utc> = pickup_order(&app, &customer.access, &order_id)
        .await["window"]["start"]
        .as_str()
        .expect("start")
        .parse()
        .expect("a time");
    app.clock
        .advance(start - chrono::Utc::now() + chrono::Duration::minutes(31));
    sweep(&app).await;

    let customer = sign_in_again(&app, &customer).await;
    let order = pickup_order(&app, &customer.access, &order_id).await;
    assert_eq!(order["status"], "DISPATCHING", "{order}");
    let (kind, told) = next_offer_event(&mut ws).await;
    assert_eq!(kind, "WITHDRAWN");
    assert_eq!(told["id"], offer["id"]);
    let absent_again = sign_in_again(&app, &absent.account).await;
    let offers = app
        .gql(
            Some(&absent_again.access),
            "{ myJobOffers { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        offers["data"]["myJobOffers"],
        json!([]),
        "a no-show is not asked again: {offers}"
    );
    let profile = app
        .gql(
            Some(&sign_in_again(&app, &operator).await.access),
            "{ collectors(first: 50) { edges { node { id noShows } } } }",
            json!({}),
        )
        .await;
    let no_shows = profile["data"]["collectors"]["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"]["id"] == absent.id.as_str()))
        .map(|e| e["node"]["noShows"].clone());
    assert_eq!(no_shows, Some(json!(1)), "{profile}");
}

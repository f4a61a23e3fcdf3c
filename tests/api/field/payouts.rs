//! Payouts settle: an operator, or the partner that booked the order, records PAID or
//! FAILED with a reference; the customer sees it, the partner gets a PAYOUT webhook, and
//! a paid payout is final.

use entity::webhook_event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::dispatch::fixtures::{codes, reassign};
use crate::fixtures::verified_collector;
use crate::helpers::{Account, TestApp, spawn_app};
use crate::orders::fixtures::{arrive, assigned_order, complete, inspect};
use crate::partners::fixtures::{ALL_SCOPES, as_key, book, partner};

const SETTLE: &str = "mutation($id: ID!, $outcome: PayoutOutcome!, $ref: String!) {
    settlePayout(orderId: $id, outcome: $outcome, reference: $ref) {
        payout { status reference settledAt } } }";

async fn finish(app: &TestApp, collector: &Account, order_id: &str) {
    arrive(app, collector, order_id).await;
    let inspected = inspect(app, &collector.access, order_id, json!([])).await;
    assert!(inspected["errors"].is_null(), "{inspected}");
    let done = complete(app, &collector.access, order_id).await;
    assert!(done["errors"].is_null(), "{done}");
}

fn settle_vars(order_id: &str, outcome: &str, reference: &str) -> Value {
    json!({"id": order_id, "outcome": outcome, "ref": reference})
}

#[tokio::test]
async fn an_operator_settles_a_payout_the_customer_sees_it_and_paid_is_final() {
    let app = spawn_app().await;
    let (customer, collector, operator, order_id) = assigned_order(&app).await;
    finish(&app, &collector, &order_id).await;

    let by_customer = app
        .gql(
            Some(&customer.access),
            SETTLE,
            settle_vars(&order_id, "PAID", "TX-1"),
        )
        .await;
    assert_eq!(codes(&by_customer), ["FORBIDDEN"], "{by_customer}");
    let failed = app
        .gql(
            Some(&operator.access),
            SETTLE,
            settle_vars(&order_id, "FAILED", "TX-0 bounced"),
        )
        .await;
    assert_eq!(
        failed["data"]["settlePayout"]["payout"]["status"], "FAILED",
        "{failed}"
    );
    let paid = app
        .gql(
            Some(&operator.access),
            SETTLE,
            settle_vars(&order_id, "PAID", "TX-1"),
        )
        .await;
    assert_eq!(
        paid["data"]["settlePayout"]["payout"]["status"], "PAID",
        "{paid}"
    );

    let seen = app
        .gql(
            Some(&customer.access),
            "query($id: ID!) { pickupOrder(id: $id) { payout { status reference settledAt } } }",
            json!({"id": order_id}),
        )
        .await;
    let payout = &seen["data"]["pickupOrder"]["payout"];
    assert_eq!(payout["status"], "PAID", "{seen}");
    assert_eq!(payout["reference"], "TX-1", "{seen}");
    assert!(payout["settledAt"].is_string(), "{seen}");

    let again = app
        .gql(
            Some(&operator.access),
            SETTLE,
            settle_vars(&order_id, "FAILED", "TX-2"),
        )
        .await;
    assert_eq!(codes(&again), ["INVALID_STATE"], "{again}");
}

#[tokio::test]
async fn the_booking_partner_settles_its_payout_and_gets_the_payout_webhook() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;
    let order = book(&app, &key.secret, "ERP-9").await;
    let order_id = order["id"].as_str().expect("id").to_owned();
    let collector = verified_collector(&app, &operator).await;
    let assigned = reassign(&app, &operator, &order_id, Some(&collector.id)).await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );
    finish(&app, &collector.account, &order_id).await;

    let paid = as_key(
        &app,
        &key.secret,
        SETTLE,
        settle_vars(&order_id, "PAID", "SEPA-77"),
    )
    .await;
    assert_eq!(
        paid["data"]["settlePayout"]["payout"]["status"], "PAID",
        "{paid}"
    );
    let events = webhook_event::Entity::find()
        .filter(webhook_event::Column::EventType.eq("PAYOUT"))
        .all(&app.state.db)
        .await
        .expect("outbox");
    let statuses: Vec<&str> = events
        .iter()
        .filter_map(|e| {
            e.payload["data"]["status"]
                .as_str()
                .or(e.payload["status"].as_str())
        })
        .collect();
    assert!(
        statuses.contains(&"PENDING") && statuses.contains(&"PAID"),
        "{events:?}"
    );
}

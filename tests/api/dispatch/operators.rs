//! Operators' dispatch tools: `reassignOrder` with a collector force-assigns (pending
//! offers are withdrawn), without one sends an assigned order back to dispatch;
//! `dispatchBoard` shows orders per state and the offers outstanding; nobody else may
//! use them.

use std::collections::HashMap;
use std::time::Duration;

use entity::enums::OfferStatus;
use entity::job_offer;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::fixtures::{
    accept, book_light, codes, go_online, job_offers_subscription, my_offers, next_offer_event,
    only_offer, reassign, subscribed,
};
use crate::fixtures::verified_collector;
use crate::helpers::{TestApp, eventually, spawn_app_with};

/// The statuses of an order's offers, by collector profile id.
async fn offer_statuses(app: &TestApp, order_id: &str) -> HashMap<String, OfferStatus> {
    job_offer::Entity::find()
        .filter(job_offer::Column::OrderId.eq(uuid::Uuid::parse_str(order_id).expect("uuid")))
        .all(&app.state.db)
        .await
        .expect("offers")
        .into_iter()
        .map(|o| (o.collector_id.to_string(), o.status))
        .collect()
}

const BOARD: &str = "{ dispatchBoard { counts { status count } dispatching { id status }
    outstandingOffers { id orderId collectorId distanceKm expiresAt } } }";

#[tokio::test]
async fn reassigning_to_a_collector_force_assigns_and_withdraws_the_pending_offers() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 2).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let first = verified_collector(&app, &operator).await;
    let second = verified_collector(&app, &operator).await;
    let chosen = verified_collector(&app, &operator).await;
    go_online(&app, &first, 0.1).await;
    go_online(&app, &second, 0.2).await;
    let order_id = book_light(&app, &customer, 2).await;
    let first_offer = only_offer(&app, &first).await;
    only_offer(&app, &second).await;

    let forced = reassign(&app, &operator, &order_id, Some(&chosen.id)).await;
    let order = &forced["data"]["reassignOrder"];
    assert_eq!(order["status"], "ASSIGNED", "{forced}");
    assert_eq!(order["collector"]["id"], chosen.id.as_str(), "{forced}");
    let statuses = offer_statuses(&app, &order_id).await;
    assert_eq!(statuses.len(), 2, "{statuses:?}");
    assert!(
        statuses.values().all(|s| *s == OfferStatus::Withdrawn),
        "{statuses:?}"
    );
    assert!(my_offers(&app, &first).await.is_empty());
    assert!(my_offers(&app, &second).await.is_empty());
    let late = accept(&app, &first, first_offer["id"].as_str().expect("id")).await;
    assert_eq!(codes(&late), ["ALREADY_ASSIGNED"], "{late}");
}

#[tokio::test]
async fn reassigning_to_a_collector_tells_the_pending_offer_holders_it_was_withdrawn() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let holder = verified_collector(&app, &operator).await;
    let chosen = verified_collector(&app, &operator).await;
    go_online(&app, &holder, 0.1).await;
    let mut ws = subscribed(&app, &holder.account, &job_offers_subscription()).await;
    let order_id = book_light(&app, &customer, 2).await;
    let (kind, offered) = next_offer_event(&mut ws).await;
    assert_eq!(kind, "OFFERED");

    let forced = reassign(&app, &operator, &order_id, Some(&chosen.id)).await;
    assert_eq!(
        forced["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{forced}"
    );
    let (kind, withdrawn) = next_offer_event(&mut ws).await;
    assert_eq!(kind, "WITHDRAWN");
    assert_eq!(withdrawn["id"], offered["id"]);
}

#[tokio::test]
async fn reassigning_without_a_collector_sends_an_assigned_order_back_to_dispatch() {
    let app = spawn_app_with(|c| {
        c.dispatch.offers_per_batch = 1;
        c.dispatch.sweep_interval = Duration::from_millis(100);
    })
    .await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let assigned_first = verified_collector(&app, &operator).await;
    let standby = verified_collector(&app, &operator).await;
    let order_id = book_light(&app, &customer, 2).await;
    let forced = reassign(&app, &operator, &order_id, Some(&assigned_first.id)).await;
    assert_eq!(
        forced["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{forced}"
    );
    go_online(&app, &standby, 0.2).await;
    assert!(my_offers(&app, &standby).await.is_empty(), "assigned");

    let back = reassign(&app, &operator, &order_id, None).await;
    let order = &back["data"]["reassignOrder"];
    assert_eq!(order["status"], "DISPATCHING", "{back}");
    assert!(order["collector"].is_null(), "{back}");
    let last = order["events"]
        .as_array()
        .and_then(|events| events.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["fromStatus"], "ASSIGNED", "{back}");
    assert_eq!(last["toStatus"], "DISPATCHING", "{back}");
    assert_eq!(last["actorRole"], "OPERATOR", "{back}");

    // Back in dispatch, the order reaches the collector now online.
    let offer = eventually(Duration::from_secs(10), "a new offer", || async {
        my_offers(&app, &standby).await.into_iter().next()
    })
    .await;
    assert_eq!(offer["order"]["id"], order_id.as_str());

    // Sending back an order that has no collector is refused.
    let again = reassign(&app, &operator, &order_id, None).await;
    assert_eq!(codes(&again), ["INVALID_STATE"], "{again}");
}

#[tokio::test]
async fn an_order_sent_back_to_dispatch_is_offered_again_to_collectors_who_never_declined() {
    let app = spawn_app_with(|c| {
        c.dispatch.offers_per_batch = 2;
        c.dispatch.sweep_interval = Duration::from_millis(100);
    })
    .await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let winner = verified_collector(&app, &operator).await;
    let runner_up = verified_collector(&app, &operator).await;
    go_online(&app, &winner, 0.1).await;
    go_online(&app, &runner_up, 0.2).await;
    let order_id = book_light(&app, &customer, 2).await;
    let offer = only_offer(&app, &winner).await;
    only_offer(&app, &runner_up).await;
    let won = accept(&app, &winner, offer["id"].as_str().expect("id")).await;
    assert_eq!(won["data"]["acceptJobOffer"]["status"], "ASSIGNED", "{won}");

    // The winner cannot come after all; the runner-up never said no.
    let back = reassign(&app, &operator, &order_id, None).await;
    assert_eq!(
        back["data"]["reassignOrder"]["status"], "DISPATCHING",
        "{back}"
    );
    let offered_again = eventually(Duration::from_secs(10), "a new offer", || async {
        my_offers(&app, &runner_up).await.into_iter().next()
    })
    .await;
    assert_eq!(offered_again["order"]["id"], order_id.as_str());
    let seen = super::fixtures::pickup_order(&app, &customer.access, &order_id).await;
    assert_eq!(seen["status"], "DISPATCHING", "{seen}");
}

fn count_of(board: &Value, status: &str) -> i64 {
    board["counts"]
        .as_array()
        .and_then(|counts| counts.iter().find(|c| c["status"] == status))
        .and_then(|c| c["count"].as_i64())
        .unwrap_or_else(|| panic!("no count for {status}: {board}"))
}

#[tokio::test]
async fn the_dispatch_board_counts_orders_per_status_and_lists_outstanding_offers() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 2).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let first = verified_collector(&app, &operator).await;
    let second = verified_collector(&app, &operator).await;
    go_online(&app, &first, 0.1).await;
    go_online(&app, &second, 0.2).await;
    let taken = book_light(&app, &customer, 2).await;
    let waiting = book_light(&app, &customer, 6).await;
    let offers = my_offers(&app, &first).await;
    let taken_offer = offers
        .iter()
        .find(|o| o["order"]["id"] == taken.as_str())
        .unwrap_or_else(|| panic!("{offers:#?}"));
    let won = accept(&app, &first, taken_offer["id"].as_str().expect("id")).await;
    assert_eq!(won["data"]["acceptJobOffer"]["status"], "ASSIGNED", "{won}");

    let response = app.gql(Some(&operator.access), BOARD, json!({})).await;
    let board = &response["data"]["dispatchBoard"];
    assert!(response["errors"].is_null(), "{response}");
    assert_eq!(count_of(board, "ASSIGNED"), 1, "{board}");
    assert_eq!(count_of(board, "DISPATCHING"), 1, "{board}");
    assert_eq!(count_of(board, "UNFULFILLED"), 0, "{board}");
    let total: i64 = board["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .filter_map(|c| c["count"].as_i64())
        .sum();
    assert_eq!(total, 2, "{board}");
    let dispatching: Vec<&Value> = board["dispatching"]
        .as_array()
        .expect("list")
        .iter()
        .collect();
    assert_eq!(dispatching.len(), 1, "{board}");
    assert_eq!(dispatching[0]["id"], waiting.as_str());

    let outstanding = board["outstandingOffers"].as_array().expect("offers");
    let mut holders: Vec<&str> = outstanding
        .iter()
        .map(|o| {
            assert_eq!(o["orderId"], waiting.as_str(), "{o}");
            o["collectorId"].as_str().expect("collector")
        })
        .collect();
    holders.sort_unstable();
    let mut expected = vec![first.id.as_str(), second.id.as_str()];
    expected.sort_unstable();
    assert_eq!(holders, expected, "{board}");
}

#[tokio::test]
async fn only_operators_may_read_the_dispatch_board_or_reassign_orders() {
    let app = spawn_app_with(|_| {}).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    let business = app.register("BUSINESS").await;
    let order_id = book_light(&app, &customer, 2).await;

    for who in [&customer, &collector.account, &business] {
        let board = app.gql(Some(&who.access), BOARD, json!({})).await;
        assert_eq!(codes(&board), ["FORBIDDEN"], "{board}");
        assert!(board["data"].is_null(), "{board}");
        let taken = reassign(&app, who, &order_id, Some(&collector.id)).await;
        assert_eq!(codes(&taken), ["FORBIDDEN"], "{taken}");
    }
    let anonymous = app.gql(None, BOARD, json!({})).await;
    let code = codes(&anonymous);
    assert!(
        code == ["UNAUTHENTICATED"] || code == ["FORBIDDEN"],
        "{anonymous}"
    );
    let seen = super::fixtures::pickup_order(&app, &customer.access, &order_id).await;
    assert_eq!(seen["status"], "DISPATCHING");
    assert!(seen["collector"].is_null());
}

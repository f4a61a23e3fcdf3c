//! 50 collectors racing for 200 orders: every collector holds an offer for every order
//! and accepts them all at once. Each order ends with exactly one winner; every other
//! accept is ALREADY_ASSIGNED (or OFFER_EXPIRED), never an internal error.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use entity::enums::{OfferStatus, OrderStatus};
use entity::{job_offer, pickup_order};
use futures_util::future::join_all;
use futures_util::{StreamExt, stream};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use super::fixtures::{ORDER_FIELDS, crowd_window, go_online_at};
use crate::fixtures::{Collector, LIGHT_ITEMS, SHANGHAI, book_quote, quote_of, verified_collector};
use crate::helpers::{TestApp, eventually, spawn_app_with};

const COLLECTORS: usize = 50;
const ORDERS: usize = 200;
const CUSTOMERS: usize = 10;
/// Accepts in flight at once.
const IN_FLIGHT: usize = 200;

/// Posts a GraphQL request; returns the HTTP status and the body.
async fn post(
    app: &TestApp,
    http: &reqwest::Client,
    token: &str,
    query: &str,
    variables: Value,
) -> (u16, Value) {
    let response = http
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("request not sent: {e:?}"));
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// Each collector's index, by collector profile id.
type ById<'a> = HashMap<&'a str, usize>;
/// One accept of the storm: (order id, collector index, offer id).
type Attempt = (String, usize, String);
/// One accept's answer: (order id, collector index, HTTP status, body).
type Answer = (String, usize, u16, Value);

/// The app of the race: every collector is offered every order, offers never lapse, and
/// customers may quote as often as they like.
async fn racing_app() -> TestApp {
    spawn_app_with(|c| {
        c.dispatch.offers_per_batch = COLLECTORS;
        c.dispatch.offer_ttl = Duration::from_secs(3600);
        // The sweeper re-sends a dispatch that failed after booking (see
        // `concurrent_bookings_are_each_offered_at_once`).
        c.dispatch.sweep_interval = Duration::from_millis(500);
        c.quotes.user_per_minute = 10_000;
    })
    .await
}

/// `COLLECTORS` verified collectors online in a ring within about 300 m of the pickup
/// point.
async fn collectors_around_the_pickup(app: &TestApp) -> Vec<Collector> {
    let operator = app.operator().await;
    let collectors: Vec<Collector> =
        join_all((0..COLLECTORS).map(|_| verified_collector(app, &operator))).await;
    join_all(collectors.iter().enumerate().map(|(i, collector)| {
        let angle = i as f64 * std::f64::consts::TAU / COLLECTORS as f64;
        let radius = 0.0005 + 0.002 * (i % 5) as f64 / 5.0;
        go_online_at(
            app,
            collector,
            (
                SHANGHAI.0 + radius * angle.sin(),
                SHANGHAI.1 + radius * angle.cos(),
            ),
        )
    }))
    .await;
    collectors
}

/// `ORDERS` orders from `CUSTOMERS` customers, booked one at a time; their ids.
async fn book_every_order(app: &TestApp) -> Vec<String> {
    let customers = join_all((0..CUSTOMERS).map(|_| app.register("HOUSEHOLD"))).await;
    // One booking at a time: concurrent dispatch rounds deadlock on PostgreSQL (see
    // `concurrent_bookings_near_the_same_collectors_are_each_offered_at_once`), and the
    // race under test is the accepts'.
    let mut order_ids = Vec::with_capacity(ORDERS);
    for k in 0..ORDERS {
        let customer = &customers[k % CUSTOMERS];
        let quote = quote_of(app, customer, LIGHT_ITEMS).await;
        let order = book_quote(app, customer, &quote, crowd_window(k), ORDER_FIELDS).await;
        order_ids.push(order["id"].as_str().expect("id").to_owned());
    }
    assert_eq!(order_ids.len(), ORDERS);
    order_ids
}

/// Waits until every order has been offered to every collector.
async fn every_order_offered_to_everyone(app: &TestApp) {
    eventually(
        Duration::from_secs(30),
        "every order offered to every collector",
        || async {
            let offers_made = job_offer::Entity::find()
                .count(&app.state.db)
                .await
                .expect("count");
            (offers_made == (COLLECTORS * ORDERS) as u64).then_some(())
        },
    )
    .await;
}

/// Every collector's offers (each holds one for every order), grouped by order so the
/// accepts for one order race: order id → (collector index, offer id).
async fn offers_by_order(
    app: &TestApp,
    http: &reqwest::Client,
    collectors: &[Collector],
) -> HashMap<String, Vec<(usize, String)>> {
    let held: Vec<Vec<Value>> = join_all(collectors.iter().map(|collector| async {
        let (status, body) = post(
            app,
            http,
            &collector.account.access,
            "{ myJobOffers { id order { id } } }",
            json!({}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body["data"]["myJobOffers"]
            .as_array()
            .unwrap_or_else(|| panic!("myJobOffers: {body}"))
            .clone()
    }))
    .await;
    let mut per_order: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for (i, offers) in held.iter().enumerate() {
        assert_eq!(offers.len(), ORDERS, "collector {i} holds every order");
        for offer in offers {
            per_order
                .entry(
                    offer["order"]["id"]
                        .as_str()
                        .unwrap_or_else(|| panic!("order: {offer}"))
                        .to_owned(),
                )
                .or_default()
                .push((i, offer["id"].as_str().expect("offer").to_owned()));
        }
    }
    assert_eq!(per_order.len(), ORDERS);
    per_order
}

/// The accepts in booking order, every holder of one order's offers next to each other.
fn attempts_in_order(
    order_ids: &[String],
    per_order: &HashMap<String, Vec<(usize, String)>>,
) -> Vec<Attempt> {
    order_ids
        .iter()
        .flat_map(|order_id| {
            per_order[order_id]
                .iter()
                .map(move |(i, offer)| (order_id.clone(), *i, offer.clone()))
        })
        .collect()
}

/// Sends every accept, `IN_FLIGHT` at a time; every answer.
async fn accept_storm(
    app: &TestApp,
    http: &reqwest::Client,
    collectors: &[Collector],
    attempts: Vec<Attempt>,
) -> Vec<Answer> {
    let mutation =
        "mutation($id: ID!) { acceptJobOffer(offerId: $id) { id status collector { id } } }";
    stream::iter(attempts)
        .map(|(order_id, i, offer_id)| {
            let token = collectors[i].account.access.clone();
            async move {
                let (status, body) =
                    post(app, http, &token, mutation, json!({"id": offer_id})).await;
                (order_id, i, status, body)
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await
}

/// Each order's winners (collector indexes) and the count of each refusal code; checks
/// every win names the order, ASSIGNED and its collector.
fn winners_and_refusals<'a>(
    results: &'a [Answer],
    collectors: &[Collector],
) -> (HashMap<&'a str, Vec<usize>>, HashMap<String, usize>) {
    let mut winners: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut refusals: HashMap<String, usize> = HashMap::new();
    for (order_id, i, status, body) in results {
        assert!(*status < 500, "HTTP {status}: {body}");
        let accepted = &body["data"]["acceptJobOffer"];
        if accepted.is_object() {
            assert_eq!(accepted["id"], order_id.as_str(), "{body}");
            assert_eq!(accepted["status"], "ASSIGNED", "{body}");
            assert_eq!(
                accepted["collector"]["id"],
                collectors[*i].id.as_str(),
                "{body}"
            );
            winners.entry(order_id).or_default().push(*i);
        } else {
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("(none)")
                .to_owned();
            *refusals.entry(code).or_default() += 1;
        }
    }
    (winners, refusals)
}

/// One winner per order; every other accept refused with a reason a loser understands.
fn assert_one_winner_each(
    order_ids: &[String],
    winners: &HashMap<&str, Vec<usize>>,
    refusals: &HashMap<String, usize>,
) {
    let unexpected: Vec<(&String, &usize)> = refusals
        .iter()
        .filter(|(code, _)| {
            !matches!(
                code.as_str(),
                "ALREADY_ASSIGNED" | "OFFER_EXPIRED" | "CONFLICT"
            )
        })
        .collect();
    // A loser is told why: someone else won (ALREADY_ASSIGNED), the offer lapsed, or the
    // collector already won another order in the same window (CONFLICT).
    assert!(
        unexpected.is_empty(),
        "only ALREADY_ASSIGNED, OFFER_EXPIRED or CONFLICT may refuse an accept: {refusals:?}"
    );
    for order_id in order_ids {
        let won = winners.get(order_id.as_str()).map_or(0, Vec::len);
        assert_eq!(won, 1, "order {order_id} has {won} winners");
    }
    assert_eq!(
        refusals.values().sum::<usize>(),
        COLLECTORS * ORDERS - ORDERS
    );
}

/// Nobody won two orders whose windows overlap.
async fn assert_no_overlapping_wins(app: &TestApp) {
    let assigned: Vec<pickup_order::Model> = pickup_order::Entity::find()
        .all(&app.state.db)
        .await
        .expect("orders")
        .into_iter()
        .filter(|o| o.collector_id.is_some())
        .collect();
    for a in &assigned {
        for b in &assigned {
            let overlap = a.window_start < b.window_end && b.window_start < a.window_end;
            assert!(
                a.id == b.id || a.collector_id != b.collector_id || !overlap,
                "collector {:?} holds {} and {} in overlapping windows",
                a.collector_id,
                a.number,
                b.number
            );
        }
    }
}

/// Order id → the collector ids holding an ACCEPTED offer for it; no offer is still
/// pending.
async fn accepted_offers(app: &TestApp) -> HashMap<String, Vec<String>> {
    let mut accepted: HashMap<String, Vec<String>> = HashMap::new();
    for offer in job_offer::Entity::find()
        .all(&app.state.db)
        .await
        .expect("offers")
    {
        assert_ne!(offer.status, OfferStatus::Pending, "{offer:?}");
        if offer.status == OfferStatus::Accepted {
            accepted
                .entry(offer.order_id.to_string())
                .or_default()
                .push(offer.collector_id.to_string());
        }
    }
    accepted
}

/// The database agrees: one ACCEPTED offer per order, held by the order's collector, who
/// is the one the storm saw win.
async fn assert_database_agrees(
    app: &TestApp,
    order_ids: &[String],
    winners: &HashMap<&str, Vec<usize>>,
    by_id: &ById<'_>,
) {
    let orders: HashMap<String, pickup_order::Model> = pickup_order::Entity::find()
        .all(&app.state.db)
        .await
        .expect("orders")
        .into_iter()
        .map(|o| (o.id.to_string(), o))
        .collect();
    let accepted = accepted_offers(app).await;
    for order_id in order_ids {
        let order = &orders[order_id];
        let holders = accepted.get(order_id).cloned().unwrap_or_default();
        assert_eq!(holders.len(), 1, "order {order_id}: {holders:?}");
        assert_eq!(order.status, OrderStatus::Assigned, "{order:?}");
        let collector_id = order.collector_id.map(|c| c.to_string());
        assert_eq!(collector_id.as_deref(), Some(holders[0].as_str()));
        let winner = winners[order_id.as_str()][0];
        assert_eq!(by_id[holders[0].as_str()], winner);
    }
}

#[tokio::test]
async fn fifty_collectors_racing_for_two_hundred_orders_leave_exactly_one_winner_per_order() {
    let started = Instant::now();
    // Idle connections are dropped before the server's keep-alive could close them under
    // a request.
    let http = reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(1))
        .build()
        .expect("client");
    let app = racing_app().await;
    let collectors = collectors_around_the_pickup(&app).await;
    let by_id: ById<'_> = collectors
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    eprintln!("collectors ready after {:?}", started.elapsed());

    let order_ids = book_every_order(&app).await;
    eprintln!("orders booked after {:?}", started.elapsed());
    every_order_offered_to_everyone(&app).await;
    eprintln!("every order offered after {:?}", started.elapsed());

    let per_order = offers_by_order(&app, &http, &collectors).await;
    let attempts = attempts_in_order(&order_ids, &per_order);
    eprintln!(
        "{} offers listed after {:?}",
        attempts.len(),
        started.elapsed()
    );

    let storm = Instant::now();
    let results = accept_storm(&app, &http, &collectors, attempts).await;
    eprintln!(
        "{} accepts in {:?} ({:?} in all)",
        results.len(),
        storm.elapsed(),
        started.elapsed()
    );

    let (winners, refusals) = winners_and_refusals(&results, &collectors);
    assert_one_winner_each(&order_ids, &winners, &refusals);
    assert_no_overlapping_wins(&app).await;
    assert_database_agrees(&app, &order_ids, &winners, &by_id).await;
    eprintln!("checked after {:?}", started.elapsed());
}

#[tokio::test]
async fn concurrent_bookings_near_the_same_collectors_are_each_offered_at_once() {
    const NEARBY: usize = COLLECTORS;
    let app = spawn_app_with(|c| {
        c.dispatch.offers_per_batch = NEARBY;
        c.dispatch.offer_ttl = Duration::from_secs(3600);
        // No sweep to repair a failed dispatch: booking must have offered the order.
        c.dispatch.sweep_interval = Duration::from_secs(3600);
        c.quotes.user_per_minute = 10_000;
    })
    .await;
    let operator = app.operator().await;
    let collectors: Vec<Collector> =
        join_all((0..NEARBY).map(|_| verified_collector(&app, &operator))).await;
    for (i, collector) in collectors.iter().enumerate() {
        go_online_at(
            &app,
            collector,
            (SHANGHAI.0 + 0.0001 * i as f64, SHANGHAI.1),
        )
        .await;
    }
    let customers = join_all((0..CUSTOMERS).map(|_| app.register("HOUSEHOLD"))).await;
    let booked: Vec<Vec<String>> = join_all(customers.iter().enumerate().map(|(c, customer)| {
        let app = &app;
        async move {
            let mut ids = Vec::new();
            for j in 0..6 {
                let quote = quote_of(app, customer, LIGHT_ITEMS).await;
                let order = book_quote(
                    app,
                    customer,
                    &quote,
                    crowd_window(j * CUSTOMERS + c),
                    ORDER_FIELDS,
                )
                .await;
                ids.push(order["id"].as_str().expect("id").to_owned());
            }
            ids
        }
    }))
    .await;
    app.dispatch_settled().await;
    let mut offers_per_order: HashMap<String, usize> =
        booked.into_iter().flatten().map(|id| (id, 0)).collect();
    for offer in job_offer::Entity::find()
        .all(&app.state.db)
        .await
        .expect("offers")
    {
        *offers_per_order
            .entry(offer.order_id.to_string())
            .or_default() += 1;
    }
    let short: Vec<(&String, &usize)> = offers_per_order
        .iter()
        .filter(|(_, n)| **n != NEARBY)
        .collect();
    assert!(
        short.is_empty(),
        "orders not offered to all {NEARBY} collectors: {short:?}"
    );
}

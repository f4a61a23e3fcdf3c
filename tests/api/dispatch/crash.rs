//! A crash in the middle of an accept storm: the server process is killed with SIGKILL
//! while collectors accept offers and customers book, then restarted on the same
//! database. Nothing is half done: no order has two accepted offers, every assigned
//! order's collector holds its accepted offer, and the restarted sweeper expires every
//! overdue offer. Runs on PostgreSQL + Redis when the run has them, else on a SQLite file.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use entity::enums::{OfferStatus, OrderStatus};
use entity::{job_offer, pickup_order};
use futures_util::future::join_all;
use sea_orm::{Database, DatabaseConnection, EntityTrait};
use serde_json::{Value, json};
use tokio::sync::Notify;

use super::fixtures::crowd_window;
use crate::fixtures::{LIGHT_ITEMS, SHANGHAI, booking_input};
use crate::helpers::{Account, eventually};
use crate::procs::{Deployment, Server, fresh_postgres_database, postgres_and_redis};

const COLLECTORS: usize = 12;
const CUSTOMERS: usize = 4;
const ORDERS_PER_CUSTOMER: usize = 10;
const SWEEP: Duration = Duration::from_millis(200);
/// How often each collector looks for new offers during the storm.
const OFFER_POLL: Duration = Duration::from_millis(20);

/// What the storm saw before the crash.
#[derive(Default)]
struct Seen {
    accepted: AtomicUsize,
    booked: AtomicUsize,
    /// Answers that were a 5xx or carried INTERNAL.
    broken: Mutex<Vec<String>>,
    /// Woken on every accept and booking, for the killer to look at the counts.
    progress: Notify,
}

impl Seen {
    fn check(&self, status: u16, body: &Value) {
        let internal = body["errors"]
            .as_array()
            .is_some_and(|errors| errors.iter().any(|e| e["extensions"]["code"] == "INTERNAL"));
        if status >= 500 || internal {
            self.broken
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(format!("HTTP {status}: {body}"));
        }
    }
}

async fn ready_collector(server: &Server, operator: &Account, i: usize) -> Account {
    let (collector, _) = server.verified_collector(operator).await;
    server
        .go_online_at(&collector, (SHANGHAI.0 + 0.0005 * i as f64, SHANGHAI.1))
        .await;
    collector
}

/// Accepts every offer `collector` holds, again and again, until stopped or the server
/// stops answering.
async fn accept_everything(server: &Server, collector: &Account, stop: &AtomicBool, seen: &Seen) {
    while !stop.load(Ordering::SeqCst) {
        let Ok((status, body)) = server
            .try_gql(Some(&collector.access), "{ myJobOffers { id } }", json!({}))
            .await
        else {
            return;
        };
        seen.check(status, &body);
        let offers = body["data"]["myJobOffers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let answers = join_all(offers.iter().map(|offer| {
            server.try_gql(
                Some(&collector.access),
                "mutation($id: ID!) { acceptJobOffer(offerId: $id) { id status } }",
                json!({"id": offer["id"]}),
            )
        }))
        .await;
        for (status, body) in answers.into_iter().flatten() {
            seen.check(status, &body);
            if body["data"]["acceptJobOffer"]["status"] == "ASSIGNED" {
                seen.accepted.fetch_add(1, Ordering::SeqCst);
                seen.progress.notify_waiters();
            }
        }
        // Polling for offers, like a collector's app; the loop ends on `stop` or when
        // the server stops answering.
        tokio::time::sleep(OFFER_POLL).await;
    }
}

/// Books `ORDERS_PER_CUSTOMER` orders for customer number `c`, until the server stops
/// answering.
async fn book_orders(server: &Server, customer: &Account, c: usize, seen: &Seen) {
    for j in 0..ORDERS_PER_CUSTOMER {
        let window = crowd_window(j * CUSTOMERS + c);
        let Ok((status, quote)) = server
            .try_gql(
                Some(&customer.access),
                &format!("mutation {{ requestQuote(input: {{items: {LIGHT_ITEMS}}}) {{ id }} }}"),
                json!({}),
            )
            .await
        else {
            return;
        };
        seen.check(status, &quote);
        let Some(quote_id) = quote["data"]["requestQuote"]["id"].as_str() else {
            continue;
        };
        let Ok((status, booked)) = server
            .try_gql(
                Some(&customer.access),
                "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id } }",
                json!({"input": booking_input(quote_id, window)}),
            )
            .await
        else {
            return;
        };
        seen.check(status, &booked);
        if booked["data"]["bookPickup"].is_object() {
            seen.booked.fetch_add(1, Ordering::SeqCst);
            seen.progress.notify_waiters();
        }
    }
}

/// The deployment of the storm (PostgreSQL + Redis when the run has them, else a SQLite
/// file in `data_dir`) and the URL to read its database directly.
async fn storm_deployment(data_dir: &std::path::Path) -> (Deployment, String) {
    let extra = vec![
        ("RELOOP_DISPATCH_SWEEP_MS", SWEEP.as_millis().to_string()),
        ("RELOOP_DISPATCH_OFFER_TTL_SECS", "2".to_owned()),
        ("RELOOP_DISPATCH_OFFERS_PER_BATCH", "4".to_owned()),
        ("RELOOP_QUOTES_PER_MINUTE_USER", "10000".to_owned()),
    ];
    let deployment = match postgres_and_redis() {
        Some((admin_url, redis_url)) => Deployment::new(
            Some(fresh_postgres_database(&admin_url).await),
            Some(redis_url),
            extra,
        ),
        None => Deployment::new(None, None, extra),
    };
    let database_url = deployment.database_url_in(data_dir);
    (deployment, database_url)
}

/// Waits until the storm is under way (or 30 s passed, whatever it reached by then), then
/// kills the process with SIGKILL and tells the storm to stop.
async fn kill_once_under_way(pid: u32, seen: &Seen, stop: &AtomicBool) {
    let under_way = || {
        seen.accepted.load(Ordering::SeqCst) >= 5
            && seen.booked.load(Ordering::SeqCst) >= CUSTOMERS * ORDERS_PER_CUSTOMER / 2
    };
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            // Registered before the check, so progress made in between still wakes it.
            let progress = seen.progress.notified();
            if under_way() {
                break;
            }
            progress.await;
        }
    })
    .await;
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    stop.store(true, Ordering::SeqCst);
}

/// Storm: collectors accept whatever they are offered while customers book; the process
/// dies in the middle. Checks the storm accepted something and never saw a broken answer.
async fn storm_until_killed(server: &mut Server, collectors: &[Account], customers: &[Account]) {
    let stop = AtomicBool::new(false);
    let seen = Seen::default();
    let pid = server.pid().expect("running");
    let answering: &Server = server;
    tokio::join!(
        kill_once_under_way(pid, &seen, &stop),
        join_all(
            collectors
                .iter()
                .map(|c| accept_everything(answering, c, &stop, &seen))
        ),
        join_all(
            customers
                .iter()
                .enumerate()
                .map(|(c, customer)| book_orders(answering, customer, c, &seen))
        ),
    );
    server.kill().await;
    let accepted_before = seen.accepted.load(Ordering::SeqCst);
    let booked_before = seen.booked.load(Ordering::SeqCst);
    eprintln!("killed after {booked_before} bookings and {accepted_before} accepts");
    assert!(accepted_before >= 1, "the storm accepted nothing");
    let broken = seen
        .broken
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    assert!(broken.is_empty(), "{broken:#?}");
}

/// How overdue a pending offer may be once the sweeper caught up: a sweep and a second.
fn sweep_allowance() -> chrono::Duration {
    chrono::Duration::from_std(SWEEP).expect("small") + chrono::Duration::seconds(1)
}

/// Every offer, once the restarted sweeper caught up (no pending offer is overdue by more
/// than [`sweep_allowance`]), and when that was checked.
async fn offers_once_swept(
    db: &DatabaseConnection,
) -> (Vec<job_offer::Model>, chrono::DateTime<chrono::Utc>) {
    let allowance = sweep_allowance();
    eventually(
        Duration::from_secs(30),
        "the restarted sweeper to expire every overdue offer",
        || async {
            let offers = job_offer::Entity::find().all(db).await.expect("offers");
            let checked_at = chrono::Utc::now();
            let caught_up = offers.iter().all(|o| {
                o.status != OfferStatus::Pending || o.expires_at + allowance >= checked_at
            });
            caught_up.then_some((offers, checked_at))
        },
    )
    .await
}

/// Each order's ACCEPTED offers; checks every pending offer is current and for an order
/// still in dispatch.
fn accepted_by_order<'a>(
    offers: &'a [job_offer::Model],
    orders: &HashMap<uuid::Uuid, pickup_order::Model>,
    checked_at: chrono::DateTime<chrono::Utc>,
) -> HashMap<uuid::Uuid, Vec<&'a job_offer::Model>> {
    let allowance = sweep_allowance();
    let mut accepted: HashMap<uuid::Uuid, Vec<&job_offer::Model>> = HashMap::new();
    for offer in offers {
        match offer.status {
            OfferStatus::Accepted => accepted.entry(offer.order_id).or_default().push(offer),
            OfferStatus::Pending => {
                assert!(
                    offer.expires_at + allowance >= checked_at,
                    "an overdue offer was not expired after the restart: {offer:?} (checked at {checked_at})"
                );
                assert_eq!(
                    orders[&offer.order_id].status,
                    OrderStatus::Dispatching,
                    "a pending offer for an order out of dispatch: {offer:?}"
                );
            }
            _ => {}
        }
    }
    accepted
}

/// No order has two accepted offers, and exactly the assigned orders have one, held by
/// their collector; returns how many orders are assigned.
fn assert_assignments_match_offers(
    orders: &HashMap<uuid::Uuid, pickup_order::Model>,
    accepted: &HashMap<uuid::Uuid, Vec<&job_offer::Model>>,
) -> usize {
    for (order_id, held) in accepted {
        assert_eq!(
            held.len(),
            1,
            "order {order_id} has two accepted offers: {held:?}"
        );
    }
    let mut assigned = 0;
    for order in orders.values() {
        let held = accepted.get(&order.id);
        if order.status == OrderStatus::Assigned {
            assigned += 1;
            let offer = held
                .and_then(|h| h.first())
                .unwrap_or_else(|| panic!("assigned without an accepted offer: {order:?}"));
            assert_eq!(order.collector_id, Some(offer.collector_id), "{order:?}");
        } else {
            assert!(
                held.is_none(),
                "an accepted offer for an order that is {:?}: {held:?}",
                order.status
            );
        }
    }
    assigned
}

#[tokio::test]
async fn after_a_crash_mid_storm_and_a_restart_offers_and_assignments_stay_consistent() {
    let data_dir = tempfile::tempdir().expect("dir");
    let (deployment, database_url) = storm_deployment(data_dir.path()).await;
    let mut server = deployment.start(data_dir.path()).await;
    let operator_email = deployment.create_operator(data_dir.path()).await;
    let operator = server.login(&operator_email).await;
    let collectors: Vec<Account> =
        join_all((0..COLLECTORS).map(|i| ready_collector(&server, &operator, i))).await;
    let customers: Vec<Account> =
        join_all((0..CUSTOMERS).map(|_| server.register("HOUSEHOLD"))).await;
    storm_until_killed(&mut server, &collectors, &customers).await;

    // Restart on the same database and wait for the sweeper to catch up.
    let restarted = deployment.start(data_dir.path()).await;
    let db = Database::connect(&database_url).await.expect("connect");
    let (offers, checked_at) = offers_once_swept(&db).await;
    let orders: HashMap<uuid::Uuid, pickup_order::Model> = pickup_order::Entity::find()
        .all(&db)
        .await
        .expect("orders")
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    assert!(!offers.is_empty() && !orders.is_empty());
    let accepted = accepted_by_order(&offers, &orders, checked_at);
    let assigned = assert_assignments_match_offers(&orders, &accepted);
    assert!(assigned >= 1);
    eprintln!(
        "{} orders ({assigned} assigned), {} offers checked",
        orders.len(),
        offers.len()
    );
    db.close().await.ok();
    drop(restarted);
}

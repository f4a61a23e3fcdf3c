//! Bookings across instances: two server processes on one PostgreSQL (and Redis) book at
//! once between them. No number is handed out twice (numbers come from a PostgreSQL
//! sequence, which no booking waits for; they are unique, not gap-free), and a slot's last
//! places are never overbooked although each instance checks its batches in memory: the
//! conditional slot statement catches the other instance's bookings, and the losing
//! batch is re-run one booking at a time.

use std::collections::HashSet;

use entity::{pickup_order, service_area};
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{Database, DatabaseConnection, EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::fixtures::{booking_input, window};
use crate::helpers::Account;
use crate::procs::{Deployment, Server, fresh_postgres_database, postgres_and_redis};

const ORDERS: usize = 2_000;
/// Requests in flight at once, over both instances.
const IN_FLIGHT: usize = 32;
/// One item: the quotes are set-up here, the bookings are what is tested.
const ONE_LAPTOP: &str = "[{categoryCode: \"LAPTOP\", condition: GOOD}]";

/// Two reloop processes on one fresh PostgreSQL database and Redis, each with a customer,
/// the demo areas' slots set to `places` bookings and `weight_kg` kg.
struct TwoInstances {
    servers: [Server; 2],
    customers: [Account; 2],
    db: DatabaseConnection,
    _dirs: [tempfile::TempDir; 2],
}

impl TwoInstances {
    /// None (and a note) when the run has no PostgreSQL and Redis.
    async fn start(places: i32, weight_kg: i32) -> Option<Self> {
        let Some((admin_url, redis_url)) = postgres_and_redis() else {
            eprintln!("skipped: needs RELOOP_TEST_DATABASE_URL and RELOOP_TEST_REDIS_URL");
            return None;
        };
        let database_url = fresh_postgres_database(&admin_url).await;
        let deployment = Deployment::new(
            Some(database_url.clone()),
            Some(redis_url),
            vec![("RELOOP_QUOTES_PER_MINUTE_USER", "1000000".to_owned())],
        );
        let dirs = [
            tempfile::tempdir().expect("dir"),
            tempfile::tempdir().expect("dir"),
        ];
        // The first start migrates and seeds; the slots are then sized, and the instances
        // start on the new capacity.
        let mut first = deployment.start(dirs[0].path()).await;
        first.kill().await;
        let db = Database::connect(&database_url).await.expect("connect");
        service_area::Entity::update_many()
            .col_expr(service_area::Column::SlotCapacity, Expr::value(places))
            .col_expr(
                service_area::Column::SlotWeightCapacityKg,
                Expr::value(weight_kg),
            )
            .exec(&db)
            .await
            .expect("size the slots");
        let servers = [
            deployment.start(dirs[0].path()).await,
            deployment.start(dirs[1].path()).await,
        ];
        let customers = [
            servers[0].register("HOUSEHOLD").await,
            servers[1].register("HOUSEHOLD").await,
        ];
        Some(Self {
            servers,
            customers,
            db,
            _dirs: dirs,
        })
    }
}

#[tokio::test]
async fn two_instances_booking_two_thousand_orders_at_once_never_repeat_a_number() {
    // 2,000 orders of ~6 kg: room for every one, by count and by weight.
    let Some(run) = TwoInstances::start(100_000, 1_000_000).await else {
        return;
    };
    let (servers, customers, db) = (&run.servers, &run.customers, &run.db);

    let numbers: Vec<String> = futures_util::stream::iter(0..ORDERS)
        .map(|i| {
            let (server, customer) = (&servers[i % 2], &customers[i % 2]);
            async move {
                let quote = server
                    .gql_text(
                        Some(&customer.access),
                        &format!("mutation {{ requestQuote(input: {{items: {ONE_LAPTOP}}}) {{ id }} }}"),
                        json!({}),
                        &["requestQuote", "id"],
                    )
                    .await;
                server
                    .gql_text(
                        Some(&customer.access),
                        "mutation($input: BookPickupInput!) { bookPickup(input: $input) { number } }",
                        json!({"input": booking_input(&quote, window(2))}),
                        &["bookPickup", "number"],
                    )
                    .await
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;

    assert_eq!(numbers.len(), ORDERS);
    let distinct: HashSet<&String> = numbers.iter().collect();
    assert_eq!(distinct.len(), ORDERS, "a number was handed out twice");
    assert!(
        numbers.iter().all(|n| n.starts_with("RL-")),
        "{:?}",
        &numbers[..5]
    );
    let stored = pickup_order::Entity::find()
        .count(db)
        .await
        .expect("count orders");
    assert_eq!(stored, ORDERS as u64);
}

#[tokio::test]
async fn two_instances_racing_for_thirty_places_book_exactly_thirty() {
    const PLACES: i32 = 30;
    const ATTEMPTS: usize = 120;
    let Some(run) = TwoInstances::start(PLACES, 3_000).await else {
        return;
    };
    let (servers, customers, db) = (&run.servers, &run.customers, &run.db);
    // Quotes first, so the bookings race each other and nothing else.
    let mut quotes = Vec::with_capacity(ATTEMPTS);
    for i in 0..ATTEMPTS {
        let (server, customer) = (&servers[i % 2], &customers[i % 2]);
        quotes.push(
            server
                .gql_text(
                    Some(&customer.access),
                    &format!(
                        "mutation {{ requestQuote(input: {{items: {ONE_LAPTOP}}}) {{ id }} }}"
                    ),
                    json!({}),
                    &["requestQuote", "id"],
                )
                .await,
        );
    }

    let answers: Vec<serde_json::Value> =
        futures_util::future::join_all(quotes.iter().enumerate().map(|(i, quote)| {
            servers[i % 2].gql(
                Some(&customers[i % 2].access),
                "mutation($input: BookPickupInput!) { bookPickup(input: $input) { number } }",
                json!({"input": booking_input(quote, window(2))}),
            )
        }))
        .await;

    let booked = answers
        .iter()
        .filter(|a| a["data"]["bookPickup"]["number"].is_string())
        .count();
    let full = answers
        .iter()
        .filter(|a| {
            a["errors"][0]["extensions"]["code"] == "CONFLICT"
                && a["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("fully booked"))
        })
        .count();
    assert_eq!(booked, PLACES as usize, "{answers:#?}");
    assert_eq!(
        full,
        ATTEMPTS - PLACES as usize,
        "every refusal says the slot is full"
    );
    let stored = pickup_order::Entity::find()
        .count(db)
        .await
        .expect("count orders");
    assert_eq!(stored, PLACES as u64);
    let usage = entity::slot_usage::Entity::find()
        .all(db)
        .await
        .expect("slot usage");
    assert_eq!(usage.iter().map(|u| u.used).sum::<i32>(), PLACES);
}

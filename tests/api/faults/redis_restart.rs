//! Redis killed and started again empty, with two instances: the geo index is refilled from
//! the database's last known positions and both instances' pub/sub listeners resubscribe,
//! without anyone acting, so an online collector subscribed on one instance gets the offer
//! for an order booked on the other, although it never reported its position again.

use std::time::{Duration, Instant};

use serde_json::json;

use super::redis_down::series;
use super::redis_server::PrivateRedis;
use super::time_to_recover;
use crate::dispatch::fixtures::{OFFER_FIELDS, ORDER_FIELDS};
use crate::fixtures::{LIGHT_ITEMS, booking_input, window};
use crate::helpers::metrics::metrics_text;
use crate::procs::{Deployment, Server, fresh_postgres_database, postgres_and_redis};

/// Geo index refills over every instance, from their `/metrics`.
async fn rebuilds(servers: &[&Server]) -> f64 {
    let mut total = 0.0;
    for server in servers {
        let text = metrics_text(&server.http, &server.address).await;
        total += series(&text, "reloop_geo_index_rebuilds_total").unwrap_or(0.0);
    }
    total
}

#[tokio::test]
async fn after_redis_restarts_empty_an_online_collector_still_gets_offers_across_instances() {
    let Some((admin_url, _)) = postgres_and_redis() else {
        eprintln!(
            "skipped: needs RELOOP_TEST_DATABASE_URL and RELOOP_TEST_REDIS_URL (faults of real servers)"
        );
        return;
    };
    let mut redis = PrivateRedis::start().await;
    let deployment = Deployment {
        database_url: Some(fresh_postgres_database(&admin_url).await),
        redis_url: Some(redis.url()),
        redis_prefix: format!("test:{}:", uuid::Uuid::new_v4().simple()),
        extra: vec![("RELOOP_REDIS_TIMEOUT_MS", "250".to_owned())],
    };
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().expect("dir")).collect();
    let a = deployment.start(dirs[0].path()).await;
    let b = deployment.start(dirs[1].path()).await;
    let operator = a
        .login(&deployment.create_operator(dirs[0].path()).await)
        .await;
    let (collector, _) = a.verified_collector(&operator).await;
    let mut collector_ws = b.ws(&collector.access).await;
    collector_ws
        .subscribe(
            "1",
            &format!("subscription {{ jobOffers {{ kind offer {{ {OFFER_FIELDS} }} }} }}"),
        )
        .await;
    let online = b
        .gql(
            Some(&collector.access),
            "mutation { setAvailability(online: true, location: {latitude: 31.2314, longitude: 121.4737}) { id } }",
            json!({}),
        )
        .await;
    assert!(
        online["data"]["setAvailability"]["id"].is_string(),
        "{online}"
    );
    let rebuilt_before = rebuilds(&[&a, &b]).await;

    redis.restart_empty().await;
    let restarted = Instant::now();
    let resubscribed = time_to_recover(
        "both instances' pub/sub listeners to subscribe again",
        Duration::from_secs(30),
        || async { redis.pubsub_clients().await == Some(2) },
    )
    .await;
    let refilled = time_to_recover(
        "an instance to refill the geo index",
        Duration::from_secs(30),
        || async { rebuilds(&[&a, &b]).await > rebuilt_before },
    )
    .await;
    let recovered = restarted.elapsed();

    // The collector has not reported again; a booking on A still reaches them on B.
    let customer = a.register("HOUSEHOLD").await;
    let quote = a
        .gql(
            Some(&customer.access),
            &format!("mutation {{ requestQuote(input: {{items: {LIGHT_ITEMS}}}) {{ id }} }}"),
            json!({}),
        )
        .await;
    let quote_id = quote["data"]["requestQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{quote}"));
    let booked = a
        .gql(
            Some(&customer.access),
            &format!("mutation($input: BookPickupInput!) {{ bookPickup(input: $input) {{ {ORDER_FIELDS} }} }}"),
            json!({"input": booking_input(quote_id, window(2))}),
        )
        .await;
    let order_id = booked["data"]["bookPickup"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{booked}"))
        .to_owned();
    let booked_at = Instant::now();
    let event = collector_ws.next_data().await;
    assert_eq!(event["jobOffers"]["kind"], "OFFERED", "{event}");
    assert_eq!(
        event["jobOffers"]["offer"]["order"]["id"],
        order_id.as_str(),
        "{event}"
    );
    eprintln!(
        "FAULT redis-restarted-empty: pub/sub resubscribed on both instances {:.2} s after the restart, \
         geo index refilled {:.2} s after the restart (recovered {:.2} s); the offer reached the other \
         instance {:.2} s after booking",
        resubscribed.as_secs_f64(),
        (resubscribed + refilled).as_secs_f64(),
        recovered.as_secs_f64(),
        booked_at.elapsed().as_secs_f64(),
    );
}

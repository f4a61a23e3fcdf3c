//! Redis killed and started again empty, with two instances: the geo index is refilled from
//! the database's last known positions and both instances' pub/sub listeners resubscribe,
//! without anyone acting, so an online collector subscribed on one instance gets the offer
//! for an order booked on the other, although it never reported its position again.

use std::time::{Duration, Instant};

use super::redis_down::series;
use super::redis_server::PrivateRedis;
use super::{backends_or_skip, time_to_recover};
use crate::dispatch::fixtures::{ORDER_FIELDS, job_offers_subscription};
use crate::fixtures::window;
use crate::helpers::WsClient;
use crate::helpers::metrics::metrics_text;
use crate::procs::{Deployment, Server, fresh_postgres_database};

/// Geo index refills over every instance, from their `/metrics`.
async fn rebuilds(servers: &[&Server]) -> f64 {
    let mut total = 0.0;
    for server in servers {
        let text = metrics_text(&server.http, &server.address).await;
        total += series(&text, "reloop_geo_index_rebuilds_total").unwrap_or(0.0);
    }
    total
}

/// Two instances on a fresh database next to `admin_url` and a private Redis (the
/// production Redis timeout), and their data folders.
async fn two_instances_on(
    admin_url: &str,
    redis: &PrivateRedis,
) -> (Deployment, Vec<tempfile::TempDir>, [Server; 2]) {
    let deployment = Deployment::new(
        Some(fresh_postgres_database(admin_url).await),
        Some(redis.url()),
        vec![("RELOOP_REDIS_TIMEOUT_MS", "250".to_owned())],
    );
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().expect("dir")).collect();
    let a = deployment.start(dirs[0].path()).await;
    let b = deployment.start(dirs[1].path()).await;
    (deployment, dirs, [a, b])
}

/// A verified collector (set up on `a`) online on `b` and listening there for offers.
async fn collector_online_on(
    deployment: &Deployment,
    dir: &std::path::Path,
    a: &Server,
    b: &Server,
) -> WsClient {
    let operator = a.login(&deployment.create_operator(dir).await).await;
    let (collector, _) = a.verified_collector(&operator).await;
    let mut collector_ws = b.ws(&collector.access).await;
    collector_ws
        .subscribe("1", &job_offers_subscription())
        .await;
    b.go_online_at(&collector, (31.2314, 121.4737)).await;
    collector_ws
}

/// Restarts Redis empty and waits until both instances' listeners resubscribed and one
/// refilled the geo index: (resubscribed, refilled, recovered) times after the restart.
async fn restart_and_recover(
    redis: &mut PrivateRedis,
    a: &Server,
    b: &Server,
) -> (Duration, Duration, Duration) {
    let rebuilt_before = rebuilds(&[a, b]).await;
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
        || async { rebuilds(&[a, b]).await > rebuilt_before },
    )
    .await;
    (resubscribed, refilled, restarted.elapsed())
}

#[tokio::test]
async fn after_redis_restarts_empty_an_online_collector_still_gets_offers_across_instances() {
    let Some((admin_url, _)) = backends_or_skip() else {
        return;
    };
    let mut redis = PrivateRedis::start().await;
    let (deployment, dirs, [a, b]) = two_instances_on(&admin_url, &redis).await;
    let mut collector_ws = collector_online_on(&deployment, dirs[0].path(), &a, &b).await;
    let (resubscribed, refilled, recovered) = restart_and_recover(&mut redis, &a, &b).await;

    // The collector has not reported again; a booking on A still reaches them on B.
    let customer = a.register("HOUSEHOLD").await;
    let booked = a.book_light(&customer, window(2), ORDER_FIELDS).await;
    let order_id = booked["id"].as_str().expect("id").to_owned();
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

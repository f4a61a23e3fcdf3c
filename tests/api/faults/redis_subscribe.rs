//! Subscribing over the WebSocket while Redis is down: the subscription listens on the
//! in-process pub/sub within about one Redis timeout (not after the pub/sub reconnect
//! timeout, with INTERNAL), hears what this instance publishes meanwhile, and hears other
//! instances again once Redis is back.

use std::time::{Duration, Instant};

use serde_json::json;

use super::redis_down::series;
use super::redis_server::PrivateRedis;
use super::{backends_or_skip, time_to_recover};
use crate::fixtures::window;
use crate::helpers::metrics::{metrics_text, open_subscriptions};
use crate::helpers::{Account, PATIENCE, WsClient, eventually};
use crate::procs::{Deployment, Server, fresh_postgres_database};

/// A subscription's bound while Redis is down: one 250 ms Redis timeout, with a wide
/// margin for a loaded machine.
const SUBSCRIBE_WITHIN: Duration = Duration::from_millis(1500);

/// `orderUpdated` for `order_id`.
fn order_updates(order_id: &str) -> String {
    format!("subscription {{ orderUpdated(orderId: \"{order_id}\") {{ id status }} }}")
}

/// Subscribes as `id` and returns how long until the server listened; fails with what the
/// server answered if it answered instead.
async fn subscribe_timed(ws: &mut WsClient, server: &Server, id: &str, query: &str) -> Duration {
    let before = open_subscriptions(&server.http, &server.address).await;
    let started = Instant::now();
    ws.send_subscribe(id, query).await;
    let listening = eventually(PATIENCE, "the subscription to listen", || async {
        (open_subscriptions(&server.http, &server.address).await > before).then_some(())
    });
    tokio::select! {
        answer = ws.next() => panic!(
            "the subscription was answered after {:?} instead of listening: {answer:?}",
            started.elapsed()
        ),
        () = listening => started.elapsed(),
    }
}

/// Cancels `order_id` on `server` as `customer`.
async fn cancel(server: &Server, customer: &Account, order_id: &str) {
    let cancelled = server
        .gql(
            Some(&customer.access),
            "mutation($id: ID!) { cancelPickup(orderId: $id, reason: \"plans changed\") { status } }",
            json!({"id": order_id}),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelPickup"]["status"], "CANCELLED",
        "{cancelled}"
    );
}

/// The next message on `ws`: subscription `id` saw its order CANCELLED.
async fn expect_cancelled(ws: &mut WsClient, id: &str) {
    let message = ws.next_json().await;
    assert_eq!(message["id"], id, "{message}");
    assert_eq!(
        message["payload"]["data"]["orderUpdated"]["status"], "CANCELLED",
        "{message}"
    );
}

/// Whether both instances say Redis is up and both pub/sub listeners are back.
async fn both_back(servers: [&Server; 2], redis: &PrivateRedis) -> bool {
    for server in servers {
        let metrics = metrics_text(&server.http, &server.address).await;
        if series(&metrics, "reloop_redis_up") != Some(1.0) {
            return false;
        }
    }
    redis.pubsub_clients().await == Some(2)
}

#[tokio::test]
async fn a_subscription_opened_while_redis_is_down_listens_in_process_and_recovers() {
    let Some((admin_url, _)) = backends_or_skip() else {
        return;
    };
    let mut redis = PrivateRedis::start().await;
    let deployment = Deployment::new(
        Some(fresh_postgres_database(&admin_url).await),
        Some(redis.url()),
        vec![("RELOOP_REDIS_TIMEOUT_MS", "250".to_owned())],
    );
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().expect("dir")).collect();
    let a = deployment.start(dirs[0].path()).await;
    let b = deployment.start(dirs[1].path()).await;
    let customer = a.register("HOUSEHOLD").await;
    let here = a.book_light(&customer, window(2), "id").await;
    let there = a.book_light(&customer, window(4), "id").await;
    let (here, there) = (
        here["id"].as_str().expect("id"),
        there["id"].as_str().expect("id"),
    );
    let mut ws = b.ws(&customer.access).await;

    redis.stop();
    let first = subscribe_timed(&mut ws, &b, "1", &order_updates(here)).await;
    let second = subscribe_timed(&mut ws, &b, "2", &order_updates(there)).await;
    // What this instance publishes reaches its own subscribers meanwhile.
    cancel(&b, &customer, here).await;
    expect_cancelled(&mut ws, "1").await;

    redis.start_again().await;
    let recovered = time_to_recover(
        "both instances to take Redis up again",
        Duration::from_secs(30),
        || both_back([&a, &b], &redis),
    )
    .await;
    // The subscription opened during the outage hears the other instance again.
    let sent = Instant::now();
    cancel(&a, &customer, there).await;
    expect_cancelled(&mut ws, "2").await;
    let delivered = sent.elapsed();
    for took in [first, second] {
        assert!(took < SUBSCRIBE_WITHIN, "subscribing took {took:?}");
    }
    eprintln!(
        "FAULT redis-down-subscribe: subscriptions listened {:.3} s and {:.3} s after asking \
         (in-process); Redis back on both instances {:.2} s after it answered; an event from \
         the other instance arrived {:.3} s after its change",
        first.as_secs_f64(),
        second.as_secs_f64(),
        recovered.as_secs_f64(),
        delivered.as_secs_f64(),
    );
}

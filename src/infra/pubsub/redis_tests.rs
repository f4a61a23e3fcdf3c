//! Behaviour tests of the Redis pub/sub against a real server (skipped without one).
use std::time::Duration;

use super::super::behaviour::{self, WAIT, is_quiet, next, topic};
use super::*;
use crate::infra::redis_conn::test_support::{PrivateRedis, test_conn};

/// The Redis pub/sub tests in this binary take turns. The two that kill or count every
/// pub/sub client run on a private redis-server, so parallel test binaries sharing the
/// test Redis are not disturbed.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn bus(test: &str) -> Option<(RedisConn, RedisPubSub)> {
    let conn = test_conn(test).await?;
    let bus = RedisPubSub::start(&conn).await.expect("start pub/sub");
    Some((conn, bus))
}

/// A second "process" on the same Redis and prefix: its own connections and its own listener.
async fn sibling(url: &str, conn: &RedisConn) -> RedisPubSub {
    let other = RedisConn::connect(
        url,
        conn.prefix(),
        Duration::from_secs(3),
        Duration::from_secs(3),
    )
    .await
    .expect("connect");
    RedisPubSub::start(&other).await.expect("start pub/sub")
}

#[test]
fn glob_metacharacters_are_escaped() {
    assert_eq!(escape_glob("app:"), "app:");
    assert_eq!(escape_glob(r"a*b?[c]\"), r"a\*b\?\[c\]\\");
}

#[tokio::test]
async fn redis_every_subscriber_receives() {
    let _turn = SERIAL.lock().await;
    let Some((_conn, bus)) = bus("redis_every_subscriber_receives").await else {
        return;
    };
    behaviour::every_subscriber_receives(&bus).await;
}

#[tokio::test]
async fn redis_topics_are_separate() {
    let _turn = SERIAL.lock().await;
    let Some((_conn, bus)) = bus("redis_topics_are_separate").await else {
        return;
    };
    behaviour::topics_are_separate(&bus).await;
}

#[tokio::test]
async fn redis_publish_without_subscribers_is_fine() {
    let _turn = SERIAL.lock().await;
    let Some((_conn, bus)) = bus("redis_publish_without_subscribers_is_fine").await else {
        return;
    };
    behaviour::publish_without_subscribers_is_fine(&bus).await;
}

#[tokio::test]
async fn redis_dropping_a_stream_unsubscribes() {
    let _turn = SERIAL.lock().await;
    let Some((_conn, bus)) = bus("redis_dropping_a_stream_unsubscribes").await else {
        return;
    };
    behaviour::dropping_a_stream_unsubscribes(&bus).await;
    assert_eq!(bus.local_topic_count(), 0);
}

#[tokio::test]
async fn redis_one_instance_publishes_and_another_receives() {
    let _turn = SERIAL.lock().await;
    let Some((conn, publisher)) = bus("redis_one_instance_publishes_and_another_receives").await
    else {
        return;
    };
    let url = std::env::var(crate::infra::redis_conn::test_support::REDIS_URL_VAR)
        .expect("URL is set when conn exists");
    let receiver = sibling(&url, &conn).await;
    let topic = topic("cross");
    let mut there = receiver.subscribe(&topic).await.expect("subscribe");
    let mut here = publisher.subscribe(&topic).await.expect("subscribe");
    // Published right after subscribe returns: the confirmed PSUBSCRIBE means it cannot be lost.
    publisher
        .publish(&topic, "hello".into())
        .await
        .expect("publish");
    assert_eq!(next(&mut there).await, "hello");
    assert_eq!(next(&mut here).await, "hello");
    assert!(is_quiet(&mut there).await, "delivered once per instance");
}

#[tokio::test]
async fn redis_prefixes_keep_deployments_apart() {
    let _turn = SERIAL.lock().await;
    let Some((_conn, ours)) = bus("redis_prefixes_keep_deployments_apart").await else {
        return;
    };
    let Some((_other_conn, theirs)) = bus("redis_prefixes_keep_deployments_apart").await else {
        return;
    };
    let mut stream = ours.subscribe("shared-name").await.expect("subscribe");
    theirs
        .publish("shared-name", "not ours".into())
        .await
        .expect("publish");
    assert!(is_quiet(&mut stream).await);
}

#[tokio::test]
async fn redis_subscriber_survives_a_killed_connection() {
    let _turn = SERIAL.lock().await;
    let Some(private) = PrivateRedis::start("redis_subscriber_survives_a_killed_connection").await
    else {
        return;
    };
    let conn = private.conn().await;
    let publisher = RedisPubSub::start(&conn).await.expect("start pub/sub");
    let receiver = sibling(&private.url, &conn).await;
    let topic = topic("kill");
    let mut stream = receiver.subscribe(&topic).await.expect("subscribe");

    let killed: i64 = redis::cmd("CLIENT")
        .arg(&["KILL", "TYPE", "pubsub"])
        .query_async(&mut conn.manager())
        .await
        .expect("CLIENT KILL");
    assert!(killed >= 2, "both listeners were killed, got {killed}");

    // Messages sent while the listener is down are lost (pub/sub keeps no history), so keep
    // publishing until one arrives through the re-established subscription.
    let deadline = tokio::time::Instant::now() + WAIT;
    let received = loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no message after reconnect"
        );
        publisher
            .publish(&topic, "after".into())
            .await
            .expect("publish");
        if let Ok(Some(payload)) =
            tokio::time::timeout(Duration::from_millis(100), stream.next()).await
        {
            break payload;
        }
    };
    assert_eq!(received, "after");

    // A subscribe after the reconnect works too.
    let mut late = receiver
        .subscribe(&topic)
        .await
        .expect("subscribe after reconnect");
    publisher
        .publish(&topic, "late".into())
        .await
        .expect("publish");
    assert_eq!(next(&mut late).await, "late");
}

#[tokio::test]
async fn redis_dropping_the_last_clone_closes_the_listener() {
    let _turn = SERIAL.lock().await;
    let Some(private) =
        PrivateRedis::start("redis_dropping_the_last_clone_closes_the_listener").await
    else {
        return;
    };
    let conn = private.conn().await;
    let bus = RedisPubSub::start(&conn).await.expect("start pub/sub");
    let clone = bus.clone();
    drop(bus);
    assert!(!clone.shared.task.is_finished());
    let task_probe = Arc::downgrade(&clone.shared);
    drop(clone);
    assert!(task_probe.upgrade().is_none());
    // The aborted task drops its connection; Redis notices within a moment.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let clients: String = redis::cmd("CLIENT")
            .arg(&["LIST", "TYPE", "pubsub"])
            .query_async(&mut conn.manager())
            .await
            .expect("CLIENT LIST");
        if clients.trim().is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "listener still connected: {clients}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

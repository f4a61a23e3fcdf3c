//! Redis down when a server starts: Redis is an accelerator, so the server starts anyway,
//! serves with its in-process fallbacks (and says so on `/ready` and `/metrics`), and takes
//! Redis up in the background once it answers, pub/sub listener included, without a
//! request asking for it.

use std::time::{Duration, Instant};

use super::redis_down::series;
use super::redis_server::PrivateRedis;
use super::{backends_or_skip, load, time_to_recover, timed_get};
use crate::helpers::metrics::metrics_text;
use crate::procs::{Deployment, Server, fresh_postgres_database};

/// How long a start-up may take with Redis down: the connect timeout (3 s) and the rest of
/// start-up, with a margin for a loaded machine.
const START_WITHIN: Duration = Duration::from_secs(10);

/// Every degraded Redis call a `/metrics` text counts, over all components.
fn degraded_calls(metrics: &str) -> f64 {
    metrics
        .lines()
        .filter(|line| line.starts_with("reloop_redis_degraded_calls_total{"))
        .filter_map(|line| line.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

/// Whether `server` says Redis is up and `redis` holds its pub/sub listener.
async fn taken_up(server: &Server, redis: &PrivateRedis) -> bool {
    let metrics = metrics_text(&server.http, &server.address).await;
    series(&metrics, "reloop_redis_up") == Some(1.0) && redis.pubsub_clients().await == Some(1)
}

#[tokio::test]
async fn a_server_starts_while_redis_is_down_and_takes_it_up_when_it_answers() {
    let Some((admin_url, _)) = backends_or_skip() else {
        return;
    };
    let mut redis = PrivateRedis::start().await;
    redis.stop();
    let deployment = Deployment::new(
        Some(fresh_postgres_database(&admin_url).await),
        Some(redis.url()),
        vec![("RELOOP_REDIS_TIMEOUT_MS", "250".to_owned())],
    );
    let dir = tempfile::tempdir().expect("dir");
    let launched = Instant::now();
    let server = deployment.start(dir.path()).await;
    let started = launched.elapsed();

    // Degraded, and serving.
    let customer = server.register("HOUSEHOLD").await;
    let (quote, _) = load::quote(&server, &customer).await;
    assert!(quote.ok(), "{quote:?}");
    let ready = timed_get(&server, "ready", "/ready").await;
    assert_eq!(ready.status, 200, "{ready:?}");
    assert_eq!(ready.body["redis"], "unavailable", "{ready:?}");
    let metrics = metrics_text(&server.http, &server.address).await;
    assert_eq!(series(&metrics, "reloop_redis_up"), Some(0.0), "{metrics}");
    let degraded = degraded_calls(&metrics);
    assert!(degraded > 0.0, "{metrics}");

    // Redis comes; nobody asks anything of the server meanwhile.
    redis.start_again().await;
    let recovered = time_to_recover(
        "the server to take Redis up on its own",
        Duration::from_secs(30),
        || taken_up(&server, &redis),
    )
    .await;
    assert!(started < START_WITHIN, "start-up took {started:?}");
    eprintln!(
        "FAULT redis-down-at-start: /health answered {:.2} s after launch; a quote served \
         in {:.3} s; {degraded} degraded Redis calls counted; Redis and the pub/sub \
         listener taken up {:.2} s after Redis answered",
        started.as_secs_f64(),
        quote.elapsed.as_secs_f64(),
        recovered.as_secs_f64(),
    );
}

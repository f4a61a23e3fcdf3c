//! Redis frozen (SIGSTOP) under a light load: quotes and bookings keep working, each within
//! a bounded delay (one Redis timeout at most, then the in-process fallbacks), `/ready`
//! stays 200 and says Redis is unavailable, `/metrics` counts the degraded calls, and the
//! server notices on its own when Redis answers again.

use std::time::{Duration, Instant};

use super::redis_server::PrivateRedis;
use super::{Sample, backends_or_skip, load, slowest, tally, time_to_recover};
use crate::helpers::Account;
use crate::helpers::metrics::metrics_text;
use crate::procs::{Deployment, Server, fresh_postgres_database};

/// A request's bound while Redis is frozen: one 250 ms Redis timeout and the work itself,
/// with a wide margin for a loaded machine (the issue saw 3.1 s failures and 6 s bookings;
/// a quote took 1.8 s here once while a second build shared the two cores). Still half of
/// `FROZEN`: a request that waited for Redis to thaw would fail it.
const SERVE_WITHIN: Duration = Duration::from_millis(2500);
/// How long Redis stays frozen.
const FROZEN: Duration = Duration::from_secs(5);

/// The value of the series `name` (with its labels) in a `/metrics` text.
pub fn series(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// `reloop_redis_degraded_calls_total` for `component` in a `/metrics` text (0 before the
/// first degraded call).
pub fn degraded(metrics: &str, component: &str) -> f64 {
    series(
        metrics,
        &format!("reloop_redis_degraded_calls_total{{component=\"{component}\"}}"),
    )
    .unwrap_or(0.0)
}

/// Every request was served within [`SERVE_WITHIN`]; quotes and bookings succeeded, probes
/// answered 200, and the last `/ready` said Redis was unavailable.
fn assert_served_while_frozen(samples: &[Sample]) {
    for sample in samples {
        match sample.kind {
            "quote" | "book" => {
                assert!(sample.ok(), "{sample:?}");
                assert!(sample.elapsed < SERVE_WITHIN, "too slow: {sample:?}");
            }
            _ => {
                assert_eq!(sample.status, 200, "{sample:?}");
                assert!(sample.elapsed < SERVE_WITHIN, "too slow: {sample:?}");
            }
        }
    }
    let ready = samples
        .iter()
        .rev()
        .find(|s| s.kind == "ready")
        .expect("a probe");
    assert_eq!(ready.body["redis"], "unavailable", "{ready:?}");
    assert_eq!(ready.body["status"], "degraded", "{ready:?}");
}

/// Waits until `/metrics` says Redis is up again, asking for quotes meanwhile (any request
/// that touches Redis notices; a quote does); how long that took.
async fn redis_up_again(server: &Server, customer: &Account) -> Duration {
    time_to_recover(
        "reloop_redis_up to be 1 again",
        Duration::from_secs(15),
        || async {
            let text = metrics_text(&server.http, &server.address).await;
            load::quote(server, customer).await;
            series(&text, "reloop_redis_up") == Some(1.0)
        },
    )
    .await
}

#[tokio::test]
async fn quotes_and_bookings_keep_working_while_redis_is_frozen() {
    let Some((admin_url, _)) = backends_or_skip() else {
        return;
    };
    let redis = PrivateRedis::start().await;
    let deployment = Deployment::new(
        Some(fresh_postgres_database(&admin_url).await),
        Some(redis.url()),
        vec![("RELOOP_REDIS_TIMEOUT_MS", "250".to_owned())],
    );
    let dir = tempfile::tempdir().expect("dir");
    let server = deployment.start(dir.path()).await;
    let customer = server.register("HOUSEHOLD").await;
    let quotes = load::quotes_for_later(&server, &customer, 8).await;

    redis.freeze();
    let senders = load::Senders {
        customer: &customer,
        quotes: &quotes,
        first_window: 0,
        key: None,
    };
    let samples = load::during(&server, &senders, FROZEN).await;
    let frozen_metrics = metrics_text(&server.http, &server.address).await;
    redis.thaw();
    let thawed_at = Instant::now();
    let recovered = redis_up_again(&server, &customer).await;

    assert_served_while_frozen(&samples);
    assert_eq!(
        series(&frozen_metrics, "reloop_redis_up"),
        Some(0.0),
        "{frozen_metrics}"
    );
    assert!(
        degraded(&frozen_metrics, "rate_limit") > 0.0,
        "{frozen_metrics}"
    );
    eprintln!(
        "FAULT redis-frozen ({} s): {} requests: {}; slowest quote {:.3} s, booking {:.3} s, /ready {:.3} s; \
         degraded calls: rate_limit {} pubsub {} geo {} ping {}; redis_up back {:.2} s after SIGCONT ({:.2} s measured)",
        FROZEN.as_secs(),
        samples.len(),
        tally(&samples),
        slowest(&samples, "quote"),
        slowest(&samples, "book"),
        slowest(&samples, "ready"),
        degraded(&frozen_metrics, "rate_limit"),
        degraded(&frozen_metrics, "pubsub"),
        degraded(&frozen_metrics, "geo"),
        degraded(&frozen_metrics, "ping"),
        recovered.as_secs_f64(),
        thawed_at.elapsed().as_secs_f64(),
    );
}

//! PostgreSQL goes away under a light load of quotes and bookings: first it refuses every
//! connection (a stopped server), then it black-holes them (a frozen host). Requests must
//! fail within 2 s with UNAVAILABLE (503 and `Retry-After`), `/ready` must answer 503
//! within 1 s, `/health` stays 200, nothing is half-written, and the server recovers on
//! its own once the database is back.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, Statement};

use super::proxy::{Mode, TcpProxy};
use super::{Sample, backends_or_skip, load, slowest, tally, time_to_recover, timed_get};
use crate::procs::{Deployment, Server, fresh_postgres_database};

/// The bound for a failing request, with a margin for a loaded machine.
const FAIL_WITHIN: Duration = Duration::from_millis(2500);
/// The bound for `/ready`, with a margin.
const READY_WITHIN: Duration = Duration::from_millis(1500);
/// How long `/ready` may still say 200 after the fault began: its verdict is cached for a
/// second, and a check takes at most 0.7 s.
const READY_NOTICES_WITHIN: Duration = Duration::from_millis(2000);
/// How long each fault lasts.
const OUTAGE: Duration = Duration::from_secs(4);
/// Bookings attempted during each fault.
const BOOKINGS_PER_FAULT: usize = 5;

/// `postgres://user@host:port/db` → (`host:port`, the same URL through `127.0.0.1:proxy`).
fn through_proxy(url: &str, proxy_port: u16) -> (String, String) {
    let (scheme_user, rest) = url.split_once('@').expect("a user in the URL");
    let (host_port, path) = rest.split_once('/').expect("a database in the URL");
    (
        host_port.to_owned(),
        format!("{scheme_user}@127.0.0.1:{proxy_port}/{path}"),
    )
}

/// Rows of `table` in the database at `url` (read directly, not through the proxy).
async fn count_rows(url: &str, table: &str) -> i64 {
    let db = Database::connect(url).await.expect("connect directly");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("a row");
    db.close().await.ok();
    row.try_get::<i64>("", "n").expect("a count")
}

/// Checks one fault's samples against the bounds and prints its figures.
fn check_and_report(fault: &str, began: Instant, samples: &[Sample], recovered: Duration) {
    for sample in samples {
        assert!(
            !matches!(sample.code.as_str(), "INTERNAL" | "NO_CODE" | "NO_ANSWER"),
            "{fault}: {sample:?}"
        );
        match sample.kind {
            "quote" | "book" | "key" if !sample.ok() => {
                assert_eq!(sample.code, "UNAVAILABLE", "{fault}: {sample:?}");
                assert_eq!(sample.status, 503, "{fault}: {sample:?}");
                assert!(sample.retry_after.is_some(), "{fault}: {sample:?}");
                assert!(
                    sample.elapsed < FAIL_WITHIN,
                    "{fault}: too slow: {sample:?}"
                );
            }
            "ready" => {
                if sample.sent.duration_since(began) > READY_NOTICES_WITHIN {
                    assert_eq!(sample.status, 503, "{fault}: {sample:?}");
                    assert!(sample.retry_after.is_some(), "{fault}: {sample:?}");
                }
                assert!(
                    sample.elapsed < READY_WITHIN,
                    "{fault}: too slow: {sample:?}"
                );
            }
            "health" => assert_eq!(sample.status, 200, "{fault}: {sample:?}"),
            _ => {}
        }
    }
    let failed: Vec<&Sample> = samples
        .iter()
        .filter(|s| matches!(s.kind, "quote" | "book" | "key") && !s.ok())
        .collect();
    let slowest_failing = failed
        .iter()
        .map(|s| s.elapsed.as_secs_f64())
        .fold(0.0, f64::max);
    eprintln!(
        "FAULT {fault}: {} requests: {}; slowest failing request {slowest_failing:.2} s \
         (with an API key {:.2} s); slowest /ready {:.2} s; slowest /health {:.3} s; \
         recovered {:.2} s after the database came back",
        samples.len(),
        tally(samples),
        slowest(samples, "key"),
        slowest(samples, "ready"),
        slowest(samples, "health"),
        recovered.as_secs_f64(),
    );
}

/// One fault: `mode` for [`OUTAGE`] under load, then forward again until a quote and
/// `/ready` succeed. Returns how many quotes (the customer's and the partner's, during and
/// after) and bookings succeeded.
async fn outage(
    fault: &str,
    proxy: &TcpProxy,
    mode: Mode,
    server: &Server,
    senders: &load::Senders<'_>,
) -> (usize, usize) {
    proxy.set(mode);
    let began = Instant::now();
    let samples = load::during(server, senders, OUTAGE).await;
    proxy.set(Mode::Forward);
    let quoted = std::cell::Cell::new(0);
    let recovered = time_to_recover(
        "a quote to succeed again",
        Duration::from_secs(30),
        || async {
            let ok = load::quote(server, senders.customer).await.0.ok();
            quoted.set(quoted.get() + usize::from(ok));
            ok
        },
    )
    .await;
    time_to_recover(
        "/ready to answer 200 again",
        Duration::from_secs(30),
        || async { timed_get(server, "ready", "/ready").await.status == 200 },
    )
    .await;
    check_and_report(fault, began, &samples, recovered);
    let ok = |kind| samples.iter().filter(|s| s.kind == kind && s.ok()).count();
    (ok("quote") + ok("key") + quoted.get(), ok("book"))
}

/// A partner's key with every scope, issued on `server` by an operator created with the
/// deployment's command line in `dir`.
async fn partner_key(deployment: &Deployment, dir: &std::path::Path, server: &Server) -> String {
    let operator = server.login(&deployment.create_operator(dir).await).await;
    server
        .partner_key(
            &operator.access,
            "outage",
            crate::partners::fixtures::ALL_SCOPES,
        )
        .await
}

#[tokio::test]
async fn an_unreachable_database_fails_requests_fast_with_unavailable_and_recovers() {
    let Some((admin_url, redis_url)) = backends_or_skip() else {
        return;
    };
    let database_url = fresh_postgres_database(&admin_url).await;
    let (target, _) = through_proxy(&database_url, 0);
    let proxy = TcpProxy::start(target).await;
    let (_, proxied_url) = through_proxy(&database_url, proxy.port);
    let deployment = Deployment::new(Some(proxied_url), Some(redis_url), Vec::new());
    let dir = tempfile::tempdir().expect("dir");
    let server = deployment.start(dir.path()).await;
    let key = partner_key(&deployment, dir.path(), &server).await;
    let customer = server.register("HOUSEHOLD").await;
    let quotes = load::quotes_for_later(&server, &customer, 2 * BOOKINGS_PER_FAULT).await;
    let (quotes_before, orders_before) = (
        count_rows(&database_url, "quotes").await,
        count_rows(&database_url, "pickup_orders").await,
    );
    let senders = |quotes, first_window| load::Senders {
        customer: &customer,
        quotes,
        first_window,
        key: Some(&key),
    };

    let (quoted_a, booked_a) = outage(
        "postgres-refusing",
        &proxy,
        Mode::Refuse,
        &server,
        &senders(&quotes[..BOOKINGS_PER_FAULT], 0),
    )
    .await;
    let (quoted_b, booked_b) = outage(
        "postgres-black-holed",
        &proxy,
        Mode::BlackHole,
        &server,
        &senders(&quotes[BOOKINGS_PER_FAULT..], BOOKINGS_PER_FAULT),
    )
    .await;

    // Nothing half-written: exactly the requests that succeeded left rows.
    assert_eq!(
        count_rows(&database_url, "quotes").await,
        quotes_before + (quoted_a + quoted_b) as i64
    );
    assert_eq!(
        count_rows(&database_url, "pickup_orders").await,
        orders_before + (booked_a + booked_b) as i64
    );
    // And it books again once the database is back.
    let (_, fresh) = load::quote(&server, &customer).await;
    let booked = load::book(&server, &customer, &fresh.expect("a quote"), 40).await;
    assert!(booked.ok(), "{booked:?}");
}

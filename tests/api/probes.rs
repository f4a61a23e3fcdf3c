//! `/health`, `/ready` and `/metrics`.

use serde_json::{Value, json};

use crate::helpers::{PATIENCE, eventually, on_redis, spawn_app};

#[tokio::test]
async fn health_answers_ok() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(format!("{}/health", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn ready_checks_the_database_and_redis() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(format!("{}/ready", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["database"], "ok");
    assert_eq!(
        body["redis"],
        if on_redis() { "ok" } else { "not configured" }
    );
}

#[tokio::test]
async fn ready_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.state.db.clone().close().await.expect("close the pool");
    let response = app
        .http
        .get(format!("{}/ready", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn metrics_are_exported_before_the_first_request() {
    let app = spawn_app().await;
    let text = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    let mut expected = vec![
        "reloop_build_info{",
        "reloop_db_pool_connections ",
        "reloop_db_pool_idle ",
        "reloop_db_pool_in_use ",
        "reloop_db_pool_max ",
        "reloop_db_acquire_seconds_count ",
        "reloop_websocket_connections 0",
        "reloop_graphql_subscriptions_active{field=\"jobOffers\"} 0",
        "reloop_dispatch_backlog 0",
        "reloop_dispatch_offers_pending ",
        "reloop_dispatch_sweeper_lag_seconds ",
        "reloop_webhook_outbox_pending ",
        "reloop_webhook_outbox_oldest_pending_age_seconds ",
        "reloop_geo_index_rebuilds_total 0",
    ];
    if cfg!(target_os = "linux") {
        expected.extend([
            "process_resident_memory_bytes ",
            "process_cpu_seconds_total ",
            "process_open_fds ",
            "process_threads ",
        ]);
    }
    if on_redis() {
        expected.extend([
            "reloop_redis_up 1",
            "reloop_redis_degraded_calls_total{component=\"rate_limit\"} ",
        ]);
    } else {
        assert!(!text.contains("reloop_redis_up"), "{text}");
    }
    for series in expected {
        assert!(
            text.lines().any(|line| line.starts_with(series)),
            "{series} missing from:\n{text}"
        );
    }
}

#[tokio::test]
async fn open_websockets_are_counted() {
    let app = spawn_app().await;
    let user = app.register("HOUSEHOLD").await;
    let socket = app.ws_signed_in(&user).await;
    let count = || async {
        let text = crate::helpers::metrics::metrics_text(&app.http, &app.address).await;
        text.lines()
            .find_map(|l| l.strip_prefix("reloop_websocket_connections "))
            .map(str::to_owned)
    };
    assert_eq!(count().await.as_deref(), Some("1"));
    drop(socket);
    eventually(PATIENCE, "the socket to be counted out", || async {
        (count().await.as_deref() == Some("0")).then_some(())
    })
    .await;
}

#[tokio::test]
async fn ready_answers_within_a_second_and_says_which_dependency() {
    let app = spawn_app().await;
    let started = std::time::Instant::now();
    let response = app
        .http
        .get(format!("{}/ready", app.address))
        .send()
        .await
        .expect("sent");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ok", "{body}");
}

#[tokio::test]
async fn metrics_count_requests_per_operation() {
    let app = spawn_app().await;
    app.gql(None, "{ categories { code } }", json!({})).await;
    app.gql(None, "{ nonsense }", json!({})).await;
    let text = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains(
            r#"reloop_graphql_requests_total{operation="query.categories",outcome="ok"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"operation="invalid""#), "{text}");
    assert!(
        text.contains("reloop_graphql_request_duration_seconds_bucket"),
        "{text}"
    );
}

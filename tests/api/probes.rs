//! `/health`, `/ready` and `/metrics`.

use serde_json::{Value, json};

use crate::helpers::{on_redis, spawn_app};

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

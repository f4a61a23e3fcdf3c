//! GraphQL over HTTP: media types, methods, body limits, GraphiQL.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{REGISTER, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = app
            .http
            .post(format!("{}/graphql", app.address))
            .body(r#"{"query":"{ categories { code } }"}"#);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("sent");
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
    }
}

#[tokio::test]
async fn json_with_a_charset_is_accepted() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"query":"{ categories { code } }"}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["data"]["categories"]
            .as_array()
            .is_some_and(|c| c.len() >= 14),
        "{body}"
    );
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app_with(|c| c.graphql.max_body_bytes = 1024).await;
    let padding = " ".repeat(2048);
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"query":"{{ categories {{ code }} }}{padding}"}}"#
        ))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_query_works_over_get_but_a_mutation_is_405() {
    let app = spawn_app().await;
    let query = app
        .http
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ categories { code } }")])
        .send()
        .await
        .expect("sent");
    assert_eq!(query.status(), StatusCode::OK);
    let body: Value = query.json().await.expect("json");
    assert!(body["data"]["categories"].is_array());

    let variables = json!({"input": {"email": "get@example.com", "password": "long enough pw", "displayName": "G", "role": "HOUSEHOLD"}});
    let mutation = app
        .http
        .get(format!("{}/graphql", app.address))
        .query(&[("query", REGISTER), ("variables", &variables.to_string())])
        .send()
        .await
        .expect("sent");
    assert_eq!(mutation.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        mutation
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap_or("")),
        Some("POST")
    );
    // And nothing was created.
    let register = app.gql(None, REGISTER, variables).await;
    assert!(register["data"]["register"].is_object(), "{register}");
}

#[tokio::test]
async fn graphql_response_json_is_served_with_spec_status_codes() {
    let app = spawn_app().await;
    let post = |query: &'static str| {
        app.http
            .post(format!("{}/graphql", app.address))
            .header("accept", "application/graphql-response+json")
            .json(&json!({"query": query}))
            .send()
    };
    let ok = post("{ categories { code } }").await.expect("sent");
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        ok.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("application/graphql-response+json")
    );

    let syntax = post("{ categories { code ").await.expect("sent");
    assert_eq!(syntax.status(), StatusCode::BAD_REQUEST);
    let unknown = post("{ nope }").await.expect("sent");
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);

    // Plain application/json keeps 200 for the same failure.
    let legacy = app.gql(None, "{ nope }", json!({})).await;
    assert!(legacy["errors"].is_array());
}

#[tokio::test]
async fn a_browser_opening_the_endpoint_gets_graphiql() {
    let app = spawn_app().await;
    let page = app
        .http
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("text").contains("graphiql"));
}

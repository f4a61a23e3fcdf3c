//! Query depth and complexity limits, and switching introspection off.

use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_query_deeper_than_the_limit_is_refused() {
    let app = spawn_app_with(|c| c.graphql.max_depth = 2).await;
    let response = app
        .gql(None, "{ me { collector { id } } }", json!({}))
        .await;
    assert!(response["data"].is_null(), "{response}");
    let message = response["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("nested too deep"), "{response}");
    let shallow = app.gql(None, "{ categories { code } }", json!({})).await;
    assert!(shallow["data"]["categories"].is_array(), "{shallow}");
}

#[tokio::test]
async fn a_query_more_complex_than_the_limit_is_refused() {
    let app = spawn_app_with(|c| c.graphql.max_complexity = 50).await;
    let aliases: String = (0..30)
        .map(|i| format!("c{i}: categories {{ code name }} "))
        .collect();
    let response = app.gql(None, &format!("{{ {aliases} }}"), json!({})).await;
    let message = response["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("too complex"), "{response}");

    let small = app.gql(None, "{ categories { code } }", json!({})).await;
    assert!(small["data"]["categories"].is_array(), "{small}");
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let app = spawn_app_with(|c| c.graphql.introspection = false).await;
    let response = app
        .gql(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert!(
        response["errors"].is_array() || response["data"]["__schema"].is_null(),
        "{response}"
    );
    let on = spawn_app().await;
    let response = on
        .gql(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(response["data"]["__schema"]["queryType"]["name"], "Query");
}

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

    // Failed before execution: 400, a code, and no `data` member at all.
    for (query, code) in [
        ("{ categories { code ", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
        (
            "{ a: __typename ...F } fragment F on Query { b: __typename ...F }",
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ] {
        let refused = post(query).await.expect("sent");
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = refused.json().await.expect("json");
        assert!(body.get("data").is_none(), "{query}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
    }
    let bad_variables = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/graphql-response+json")
        .json(&json!({"query": "query($id: ID!) { quote(id: $id) { id } }", "variables": {"id": [1]}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad_variables.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad_variables.json().await.expect("json");
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );

    // Executed, even with a field error: 200 with `data`.
    let executed = post("{ me { id } }").await.expect("sent");
    assert_eq!(executed.status(), StatusCode::OK);
    let body: Value = executed.json().await.expect("json");
    assert!(body.get("data").is_some(), "{body}");

    // Plain application/json keeps 200 for the same failure.
    let legacy = app
        .http
        .post(format!("{}/graphql", app.address))
        .json(&json!({"query": "{ nope }"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(legacy.status(), StatusCode::OK);
    let legacy: Value = legacy.json().await.expect("json");
    assert_eq!(
        legacy["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{legacy}"
    );
}

/// Posts `body` with `content_type` and returns the status and the first error.
async fn post_raw(
    app: &crate::helpers::TestApp,
    content_type: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let mut request = app
        .http
        .post(format!("{}/graphql", app.address))
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("sent");
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON answer");
    (status, body["errors"][0].clone())
}

/// A mistake: its content type and body, and the status, code and phrases of the answer.
type Mistake = (
    Option<&'static str>,
    &'static str,
    StatusCode,
    &'static str,
    &'static [&'static str],
);

/// The mistakes a newcomer makes first: bad JSON, a broken string, the wrong content
/// type, no or a wrongly typed `query` or `variables`, and a misspelt field.
fn newcomers_mistakes() -> [Mistake; 7] {
    let json_type = Some("application/json");
    [
        (
            json_type,
            "{not json",
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &["not valid JSON", "\"query\""],
        ),
        // The README's first example once broke its JSON string across lines.
        (
            json_type,
            "{\"query\": \"{\n categories { code } }\"}",
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &["line break", "heredoc"],
        ),
        (
            Some("text/plain"),
            r#"{"query":"{ categories { code } }"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            &["application/json", "text/plain"],
        ),
        (
            json_type,
            r#"{"variables": {}}"#,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &["no `query`"],
        ),
        (
            json_type,
            r#"{"query": 42}"#,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &["`query` must be a string"],
        ),
        (
            json_type,
            r#"{"query": "{ __typename }", "variables": 5}"#,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &["`variables` must be a JSON object"],
        ),
        (
            json_type,
            r#"{"query": "{ categoris { code } }"}"#,
            StatusCode::OK,
            "GRAPHQL_VALIDATION_FAILED",
            &[
                "Unknown field \"categoris\"",
                "categories",
                "schema.graphql",
            ],
        ),
    ]
}

/// The mistakes a newcomer makes first get an answer that says what was wrong and how to
/// send it instead, with BAD_REQUEST (or a GraphQL code for GraphQL mistakes).
#[tokio::test]
async fn a_newcomers_mistakes_are_explained() {
    let app = spawn_app().await;
    let cases = newcomers_mistakes();
    for (content_type, body, status, code, mentions) in cases {
        let (got, error) = post_raw(&app, content_type, body).await;
        assert_eq!(got, status, "{body}: {error}");
        assert_eq!(error["extensions"]["code"], code, "{body}: {error}");
        let message = error["message"].as_str().unwrap_or("");
        for mention in mentions {
            assert!(
                message.contains(mention),
                "{body}: {message:?} lacks {mention:?}"
            );
        }
    }

    let get = app
        .http
        .get(format!("{}/graphql", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(get.status(), StatusCode::BAD_REQUEST);
    let body: Value = get.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{body}"
    );
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

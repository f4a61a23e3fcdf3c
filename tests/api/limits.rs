//! Request-shape limits — depth, complexity (fields after fragment expansion, aliases and
//! `__typename` included), fragment fan-out, introspection measured on its own — and
//! switching introspection off. Each rejection prints how long it took.

use std::fmt::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, spawn_app, spawn_app_with};

/// Sends `query`, prints how long the answer took and returns it.
async fn timed(app: &TestApp, what: &str, query: &str) -> (Value, Duration) {
    let started = Instant::now();
    let response = app.gql(None, query, json!({})).await;
    let took = started.elapsed();
    eprintln!(
        "limits: {what} ({} bytes): {} in {took:?}",
        query.len(),
        error_code(&response).unwrap_or("accepted")
    );
    (response, took)
}

/// `levels` fragments, each spreading the previous one twice: 2^levels fields.
fn fan_out(levels: usize, root: &str) -> String {
    let mut text = String::from("fragment F0 on Query { __typename }\n");
    for level in 1..=levels {
        let previous = level - 1;
        let _ = writeln!(
            text,
            "fragment F{level} on Query {{ ...F{previous} ...F{previous} }}"
        );
    }
    format!("{root}\n{text}")
}

fn aliases(count: usize) -> String {
    let fields: String = (0..count).map(|i| format!("a{i}: __typename ")).collect();
    format!("{{ {fields} }}")
}

fn assert_limit(response: &Value, limit: &str) {
    assert_eq!(
        error_code(response),
        Some("QUERY_LIMIT_EXCEEDED"),
        "{response}"
    );
    assert_eq!(
        response["errors"][0]["extensions"]["limit"], limit,
        "{response}"
    );
    assert!(
        response.get("data").is_none_or(Value::is_null),
        "{response}"
    );
}

#[tokio::test]
async fn a_query_deeper_than_the_limit_is_refused() {
    let app = spawn_app_with(|c| c.graphql.max_depth = 2).await;
    let (response, _) = timed(&app, "depth 3 of 2", "{ me { collector { id } } }").await;
    assert_limit(&response, "depth");
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
    let (response, _) = timed(&app, "90 fields of 50", &format!("{{ {aliases} }}")).await;
    assert_limit(&response, "complexity");
    let message = response["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("too complex"), "{response}");

    let small = app.gql(None, "{ categories { code } }", json!({})).await;
    assert!(small["data"]["categories"].is_array(), "{small}");
}

#[tokio::test]
async fn a_fragment_fan_out_is_refused_in_linear_time() {
    let app = spawn_app().await;
    let used = fan_out(22, "query { ...F22 }");
    let (response, took) = timed(&app, "22-fragment fan-out, spread", &used).await;
    assert_limit(&response, "complexity");
    assert!(took < Duration::from_secs(1), "{took:?}");

    // Validation walks fragment definitions on their own too: an unused one counts.
    let unused = fan_out(22, "query { __typename }");
    let (response, took) = timed(&app, "22-fragment fan-out, unused", &unused).await;
    assert_limit(&response, "selections");
    assert!(took < Duration::from_secs(1), "{took:?}");

    // A fan-out that stays under the limits still works.
    let (small, _) = timed(&app, "5-fragment fan-out", &fan_out(5, "query { ...F5 }")).await;
    assert_eq!(small["data"]["__typename"], "Query", "{small}");
}

#[tokio::test]
async fn aliases_of_typename_count_towards_the_complexity() {
    let app = spawn_app().await;
    for count in [1_000, 3_000] {
        let (response, took) = timed(&app, &format!("{count} aliases"), &aliases(count)).await;
        assert_limit(&response, "complexity");
        assert!(took < Duration::from_secs(1), "{took:?}");
    }
    let (response, _) = timed(&app, "400 aliases", &aliases(400)).await;
    assert_eq!(response["data"]["a399"], "Query", "{response}");
}

#[tokio::test]
async fn a_fragment_cycle_is_refused_without_expanding_it() {
    let app = spawn_app().await;
    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    let (response, _) = timed(&app, "fragment cycle", cycle).await;
    assert_eq!(
        error_code(&response),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{response}"
    );
}

/// While workers are handed hostile documents, `/health` on a new connection answers
/// promptly: the documents are refused before validation, and parsing runs off the
/// worker threads.
#[tokio::test]
async fn health_answers_promptly_while_hostile_documents_arrive() {
    let app = spawn_app().await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut attackers = Vec::new();
    for attacker in 0..4 {
        let (http, address, stop) = (app.http.clone(), app.address.clone(), stop.clone());
        attackers.push(tokio::spawn(async move {
            let mut sent = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // A new text each time, so the document cache never helps.
                let query = fan_out(24, &format!("query Q{attacker}x{sent} {{ ...F24 }}"));
                let _ = http
                    .post(format!("{address}/graphql"))
                    .json(&json!({ "query": query }))
                    .send()
                    .await;
                sent += 1;
            }
            sent
        }));
    }
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let fresh = reqwest::Client::new(); // a new connection, as a probe makes
        let started = Instant::now();
        let health = fresh
            .get(format!("{}/health", app.address))
            .send()
            .await
            .expect("health answers");
        assert!(health.status().is_success());
        slowest = slowest.max(started.elapsed());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut hostile = 0;
    for attacker in attackers {
        hostile += attacker.await.expect("attacker");
    }
    eprintln!("limits: slowest /health among {hostile} hostile documents: {slowest:?}");
    assert!(hostile > 0);
    assert!(slowest < Duration::from_secs(1), "{slowest:?}");
}

#[tokio::test]
async fn a_fragment_fan_out_over_websocket_is_refused_with_its_code() {
    let app = spawn_app().await;
    let mut socket = app.ws_connect(json!({})).await;
    socket.expect_ack().await;
    let mut text = String::from(
        "subscription { ...F22 }\nfragment F0 on Subscription { jobOffers { kind } }\n",
    );
    for level in 1..=22 {
        let previous = level - 1;
        let _ = writeln!(
            text,
            "fragment F{level} on Subscription {{ ...F{previous} ...F{previous} }}"
        );
    }
    let started = Instant::now();
    socket.send_subscribe("1", &text).await;
    let message = socket.next_json().await;
    eprintln!(
        "limits: 22-fragment fan-out over WebSocket: {:?}",
        started.elapsed()
    );
    let errors = match message["type"].as_str() {
        Some("error") => message["payload"].clone(),
        _ => message["payload"]["errors"].clone(),
    };
    assert_eq!(
        errors[0]["extensions"]["code"], "QUERY_LIMIT_EXCEEDED",
        "{message}"
    );
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/introspection/{name}.graphql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The documents graphql-js 16 `getIntrospectionQuery()` prints (GraphiQL, Apollo and
/// code generators send them), with its default options and with every option we serve.
#[tokio::test]
async fn the_standard_introspection_queries_succeed() {
    let app = spawn_app().await;
    for name in ["default", "all-options", "no-descriptions"] {
        let (response, _) = timed(&app, &format!("introspection {name}"), &fixture(name)).await;
        assert!(response["errors"].is_null(), "{name}: {response}");
        let types = response["data"]["__schema"]["types"]
            .as_array()
            .map_or(0, Vec::len);
        assert!(types > 50, "{name}: {types} types");
    }
}

#[tokio::test]
async fn hostile_introspection_is_still_refused() {
    let app = spawn_app().await;
    // Lists inside lists multiply the answer: types × fields × fields × fields.
    let lists =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let (response, _) = timed(&app, "introspection lists 4 deep", lists).await;
    assert_limit(&response, "introspectionLists");

    let mut deep = String::from("name");
    for _ in 0..20 {
        deep = format!("ofType {{ {deep} }}");
    }
    let deep = format!("{{ __type(name: \"Query\") {{ {deep} }} }}");
    let (response, _) = timed(&app, "introspection depth 22", &deep).await;
    assert_limit(&response, "depth");

    // Depth 13: fine for introspection alone, too deep inside an ordinary query.
    let mut of_types = String::from("name");
    for _ in 0..9 {
        of_types = format!("ofType {{ {of_types} }}");
    }
    let introspection = format!("__type(name: \"Query\") {{ fields {{ type {{ {of_types} }} }} }}");
    let (alone, _) = timed(
        &app,
        "introspection depth 13",
        &format!("{{ {introspection} }}"),
    )
    .await;
    assert!(alone["errors"].is_null(), "{alone}");
    let mixed = format!("{{ categories {{ code }} {introspection} }}");
    let (response, _) = timed(&app, "ordinary query with introspection depth 13", &mixed).await;
    assert_limit(&response, "depth");
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

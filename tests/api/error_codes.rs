//! A stable `extensions.code` on every error: a generated corpus of malformed
//! `requestQuote` requests (bad values at every path of the input, bad documents) gets a
//! code on each error and never INTERNAL; Decimal inputs take only plain decimal strings.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

const REQUEST_QUOTE: &str =
    "mutation($input: QuoteInput!) { requestQuote(input: $input) { id total } }";

/// Values that are wrong somewhere: wrong types, numbers for enums, non-plain decimals.
fn bad_values() -> Vec<Value> {
    vec![
        json!(null),
        json!(42),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!(true),
        json!("x"),
        json!(""),
        json!("Infinity"),
        json!("NaN"),
        json!("1e3"),
        json!("1_000"),
        json!(" 2"),
        json!([]),
        json!([1]),
        json!({}),
        json!({"a": 1}),
        json!(3),
        json!("GOOD"),
        json!(i64::MAX),
    ]
}

/// A request that quotes fine, and the paths (JSON pointers) to spoil in it.
fn valid_input() -> Value {
    json!({
        "items": [
            {
                "categoryCode": "SMALL_APPLIANCE", "quantity": 1, "weightKg": "2.5",
                "condition": "GOOD", "serialNumber": "SN-1"
            },
            {
                "categoryCode": "EV_BATTERY_PACK",
                "battery": {"chemistry": "NMC", "weightKg": "380", "stateOfHealthPct": 80}
            }
        ],
        "pickupLocation": {"latitude": 31.23, "longitude": 121.47}
    })
}

const PATHS: [&str; 15] = [
    "",
    "/items",
    "/items/0",
    "/items/0/categoryCode",
    "/items/0/deviceModelId",
    "/items/0/quantity",
    "/items/0/weightKg",
    "/items/0/condition",
    "/items/0/serialNumber",
    "/items/1/battery",
    "/items/1/battery/chemistry",
    "/items/1/battery/weightKg",
    "/items/1/battery/stateOfHealthPct",
    "/pickupLocation",
    "/pickupLocation/latitude",
];

/// Documents that are wrong in themselves, sent with the valid variables.
const BAD_DOCUMENTS: [&str; 16] = [
    "mutation($input: QuoteInput!) { requestQuote(input: $input) { id total }",
    "mutation($input: QuoteInput!) { requestQuote(input: $input) { nope } }",
    "mutation { requestQuote(input: $undefined) { id } }",
    "mutation { requestQuote(input: 42) { id } }",
    "mutation { requestQuote(input: {items: null}) { id } }",
    "mutation { requestQuote(input: {items: [{categoryCode: \"TV\", condition: 3}]}) { id } }",
    "mutation { requestQuote(input: {items: [{categoryCode: \"TV\", weightKg: 2.5}]}) { id } }",
    "mutation { requestQuote(input: {items: [{categoryCode: \"TV\", weightKg: \"Infinity\"}]}) { id } }",
    "mutation { requestQuote(input: {items: [{categoryCode: \"TV\", nope: 1}]}) { id } }",
    "mutation { requestQuote { id } }",
    "mutation { requestQuote(input: {}) { id } }",
    "mutation($input: QuoteInput!, $unused: Int) { requestQuote(input: $input) { id } }",
    "mutation($input: QuoteInput!) { requestQuote(input: $input, extra: 1) { id } }",
    "mutation A($input: QuoteInput!) { requestQuote(input: $input) { id } } mutation B { __typename }",
    "mutation($input: QuoteInput!) { requestQuote(input: $input) { id ...F } }",
    "subscription { requestQuote { id } }",
];

/// Sets the value at the JSON pointer `path`, adding the last key when it is missing.
fn set(input: &mut Value, path: &str, value: Value) {
    let Some((parent, key)) = path.rsplit_once('/') else {
        *input = value;
        return;
    };
    match input.pointer_mut(parent).expect("the parent exists") {
        Value::Object(fields) => {
            fields.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().expect("an index")] = value,
        other => panic!("{path}: {other} holds nothing"),
    }
}

async fn send(app: &TestApp, query: &str, variables: Value) -> Value {
    app.gql(None, query, variables).await
}

/// Every error carries a code, and none is INTERNAL.
fn assert_coded(case: &str, response: &Value) {
    for error in response["errors"].as_array().into_iter().flatten() {
        let code = error["extensions"]["code"].as_str();
        assert!(
            code.is_some_and(|c| c != "INTERNAL"),
            "{case}: an error without a proper code: {response}"
        );
    }
}

async fn quoting_app() -> TestApp {
    spawn_app_with(|c| {
        c.quotes.anonymous_per_minute = 1_000_000;
        c.partners.anonymous_quote_capacity = 1e9;
    })
    .await
}

#[tokio::test]
async fn every_malformed_quote_request_gets_a_code() {
    let app = quoting_app().await;
    let base = send(&app, REQUEST_QUOTE, json!({"input": valid_input()})).await;
    assert!(base["data"]["requestQuote"]["id"].is_string(), "{base}");

    let mut cases = 0;
    for path in PATHS {
        for value in bad_values() {
            let mut input = valid_input();
            set(&mut input, path, value.clone());
            let response = send(&app, REQUEST_QUOTE, json!({"input": input})).await;
            assert_coded(&format!("{path} = {value}"), &response);
            cases += 1;
        }
    }
    for document in BAD_DOCUMENTS {
        let response = send(&app, document, json!({"input": valid_input()})).await;
        assert!(response["errors"].is_array(), "{document}: {response}");
        assert_coded(document, &response);
        cases += 1;
    }
    for variables in [json!({}), json!({"input": null}), json!({"input": 42})] {
        let response = send(&app, REQUEST_QUOTE, variables.clone()).await;
        assert!(response["errors"].is_array(), "{variables}: {response}");
        assert_coded(&variables.to_string(), &response);
        cases += 1;
    }
    eprintln!("error codes: {cases} malformed requests, every error coded");
}

#[tokio::test]
async fn a_decimal_is_only_a_plain_decimal_string() {
    let app = quoting_app().await;
    for bad in [
        json!("1_000"),
        json!("1e3"),
        json!("Infinity"),
        json!("NaN"),
        json!(" 2"),
        json!("2."),
        json!(2.5),
        json!(2),
        json!(true),
    ] {
        let mut input = valid_input();
        input["items"][0]["weightKg"] = bad.clone();
        let response = send(&app, REQUEST_QUOTE, json!({"input": input})).await;
        let error = &response["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{bad}: {response}"
        );
        assert_eq!(
            error["extensions"]["field"], "input.items.0.weightKg",
            "{bad}: {response}"
        );
        assert!(
            error["message"]
                .as_str()
                .unwrap_or("")
                .contains("\"129.50\""),
            "the message shows the format: {response}"
        );
        assert!(response["data"].is_null(), "{response}");
    }
    for good in ["2.5", "+2.5", "0002.500", "3"] {
        let mut input = valid_input();
        input["items"][0]["weightKg"] = json!(good);
        let response = send(&app, REQUEST_QUOTE, json!({"input": input})).await;
        assert!(response["errors"].is_null(), "{good}: {response}");
    }
}

#[tokio::test]
async fn each_kind_of_refusal_has_its_own_code() {
    let app = quoting_app().await;
    let expect = [
        ("{ categories { code }", json!({}), "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", json!({}), "GRAPHQL_VALIDATION_FAILED"),
        (
            "query($x: Int!) { categories { code } }",
            json!({"x": 1}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            REQUEST_QUOTE,
            json!({"input": {"items": null}}),
            "BAD_USER_INPUT",
        ),
        (
            REQUEST_QUOTE,
            json!({"input": {"items": [{"categoryCode": "TV", "condition": 3}]}}),
            "BAD_USER_INPUT",
        ),
        (
            "query A { __typename } query B { __typename }",
            json!({}),
            "OPERATION_RESOLUTION_FAILURE",
        ),
    ];
    for (query, variables, code) in expect {
        let response = send(&app, query, variables).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], code,
            "{query}: {response}"
        );
    }
    let items_null = send(&app, REQUEST_QUOTE, json!({"input": {"items": null}})).await;
    assert_eq!(
        items_null["errors"][0]["extensions"]["field"], "input.items",
        "{items_null}"
    );
}

/// Posts `query` with `variables`, accepting `application/graphql-response+json`; the
/// status and the body.
async fn send_spec(app: &TestApp, query: &str, variables: Value) -> (u16, Value) {
    let answer = app
        .gql_with_headers(
            &[("accept", "application/graphql-response+json")],
            query,
            variables,
        )
        .await;
    (answer.status, answer.body)
}

/// Variable values that do not fit the operation's declared types are request errors,
/// found before anything runs: 400 without `data`, BAD_USER_INPUT, and the variable's
/// path in `extensions.field`.
#[tokio::test]
async fn a_variable_that_does_not_fit_its_type_is_a_request_error_naming_it() {
    let app = quoting_app().await;
    let renamed = "mutation($q: QuoteInput!) { requestQuote(input: $q) { id total } }";
    let mut too_big = valid_input();
    too_big["items"][0]["quantity"] = json!(9_999_999_999_i64);
    let cases = [
        (REQUEST_QUOTE, json!({"input": 42}), "input"),
        (renamed, json!({"q": 42}), "q"),
        (REQUEST_QUOTE, json!({}), "input"),
        (
            REQUEST_QUOTE,
            json!({"input": too_big}),
            "input.items.0.quantity",
        ),
        (renamed, json!({"q": {"items": "LAPTOP"}}), "q.items"),
        (
            "query($s: String, $n: Int!) { deviceModels(search: $s, first: $n) { edges { node { id } } } }",
            json!({"s": "phone", "n": "10"}),
            "n",
        ),
    ];
    for (query, variables, field) in cases {
        let (status, body) = send_spec(&app, query, variables.clone()).await;
        let case = format!("{query} with {variables}");
        assert_eq!(status, 400, "{case}: {body}");
        assert!(body.get("data").is_none(), "{case}: {body}");
        let error = &body["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{case}: {body}"
        );
        assert_eq!(error["extensions"]["field"], field, "{case}: {body}");
    }
}

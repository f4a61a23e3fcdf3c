//! What a client is told when its HTTP request is not a GraphQL request: what was wrong
//! and how to send one, always with `extensions.code` BAD_REQUEST.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use serde_json::{Value, json};

use crate::error::AppError;

/// A request that works, shown in the messages below.
const EXAMPLE: &str =
    r#"{"query": "query($id: ID!) { quote(id: $id) { total } }", "variables": {"id": "…"}}"#;

/// 415: the body is not declared as JSON.
pub fn not_json(content_type: Option<&str>) -> HttpResponse {
    let got = content_type.map_or_else(|| "no Content-Type".to_owned(), |t| format!("`{t}`"));
    bad_request(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!(
            "POST /graphql takes a JSON body with `Content-Type: application/json` (got {got}). \
             Send e.g. `curl -H 'Content-Type: application/json' --data-binary @request.json`, \
             where request.json holds {EXAMPLE}."
        ),
    )
}

/// 400: the body did not deserialise as a GraphQL request; says which part is wrong.
pub fn unreadable_body(body: &[u8], error: &serde_json::Error) -> HttpResponse {
    let message = match serde_json::from_slice::<Value>(body) {
        Err(syntax) => {
            let hint = if syntax.to_string().contains("control character") {
                " A JSON string cannot hold a raw line break: write `\\n`, keep the query on one \
                 line, or pass it in a file or heredoc (`curl --data-binary @- <<'JSON' … JSON`)."
            } else {
                ""
            };
            format!("The body is not valid JSON: {syntax}.{hint} Send an object like {EXAMPLE}.")
        }
        Ok(Value::Object(fields)) => match fields.get("query") {
            None | Some(Value::Null) => return missing_query(),
            Some(query) if !query.is_string() => {
                format!("`query` must be a string holding the GraphQL document, e.g. {EXAMPLE}.")
            }
            _ if fields
                .get("variables")
                .is_some_and(|v| !v.is_object() && !v.is_null()) =>
            {
                "`variables` must be a JSON object of variable names to values, or null.".to_owned()
            }
            _ if fields
                .get("operationName")
                .is_some_and(|v| !v.is_string() && !v.is_null()) =>
            {
                "`operationName` must be a string naming an operation of the document, or null."
                    .to_owned()
            }
            _ => format!("The request is not a GraphQL request: {error}. Send e.g. {EXAMPLE}."),
        },
        Ok(_) => format!("The body must be a JSON object, e.g. {EXAMPLE}."),
    };
    bad_request(StatusCode::BAD_REQUEST, message)
}

/// 400: a JSON body whose `query` is missing or empty.
pub fn missing_query() -> HttpResponse {
    bad_request(
        StatusCode::BAD_REQUEST,
        format!(
            "The request has no `query`: the body must be a JSON object with the GraphQL \
             document in `query`, e.g. {EXAMPLE}."
        ),
    )
}

/// 400: `GET /graphql` without a `query` parameter (and not from a browser).
pub fn missing_query_parameter() -> HttpResponse {
    bad_request(
        StatusCode::BAD_REQUEST,
        "GET /graphql needs a `query` parameter, e.g. `/graphql?query={categories{code}}` \
         (URL-encoded); open it in a browser for GraphiQL, or POST a JSON body."
            .to_owned(),
    )
}

/// 400: `GET /graphql` with `variables` that are not a JSON object.
pub fn variables_not_json() -> HttpResponse {
    bad_request(
        StatusCode::BAD_REQUEST,
        "The `variables` parameter must be a URL-encoded JSON object, e.g. `{\"id\":\"…\"}`."
            .to_owned(),
    )
}

/// 405: a mutation sent with GET, which must not change state (caches replay it).
pub fn mutation_over_get() -> HttpResponse {
    let mut response = bad_request(
        StatusCode::METHOD_NOT_ALLOWED,
        "Mutations must be sent with POST: GET requests may be replayed by caches and \
         prefetchers, so they only run queries."
            .to_owned(),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    response
}

fn bad_request(status: StatusCode, message: String) -> HttpResponse {
    let error = AppError::BadRequest(message).server_error(Vec::new());
    HttpResponse::build(status).json(json!({ "errors": [error] }))
}

//! Media types of the GraphQL-over-HTTP spec.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The spec's own response type; clients that ask for it get spec status codes.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// Whether the request's `Content-Type` is JSON (parameters such as charset allowed).
pub fn is_json_body(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether the client accepts `application/graphql-response+json`.
pub fn wants_graphql_response(req: &HttpRequest) -> bool {
    accept_header(req).is_some_and(|accept| accept.contains(GRAPHQL_RESPONSE_JSON))
}

/// Whether the client is a browser asking for a page.
pub fn wants_html(req: &HttpRequest) -> bool {
    accept_header(req).is_some_and(|accept| accept.contains("text/html"))
}

fn accept_header(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
}
